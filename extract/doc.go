// Package extract proposes a policy graph from the normalised text of a Chinese policy
// document: entities (policies, programs, enterprises, alliances, talent measures,
// organizations, places, people), the relations stated between them, and the figures
// attached to them. Every fact carries the passage, the rune span and the exact quote that
// support it, the rule that found it (method "rule:NAME") and a confidence.
//
// Extraction is rule-based and deterministic. The rules are patterns over a closed
// vocabulary of cue words (type suffixes such as 有限公司, 联盟, 大赛; verbs such as 成立,
// 引进, 认定; enumeration marks 、 和 等) — never lists of particular names. Known names can be
// added with a Gazetteer, built from curated bundles, so that entities already reviewed are
// found by exact match. A word segmenter (github.com/go-ego/gse) refines name boundaries
// when it is enabled; its dictionary is loaded once, lazily, and extraction works without it.
//
// The output is a candidate graph for review: Result.JSON for other tools and Result.Bundle
// for `policygraph ingest`, which keeps each fact's method and confidence.
package extract
