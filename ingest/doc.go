// Package ingest owns the read → normalise → map → validate → plan → write pipeline that turns
// curated bundles (YAML/JSON) and extracted facts into graph writes. It decides what a
// document states; package store decides how that is written to Neo4j.
package ingest
