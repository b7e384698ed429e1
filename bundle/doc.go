// Package bundle is the curated bundle format: the types a bundle file decodes into (Bundle
// and its *Spec items, anchors, SchemaVersion), Parse / ParseFile / BundleFiles, and the
// located Error list every reader of a bundle reports with. schema/bundle.schema.json (in the
// repository root) describes the same shape for editors, and this package's tests check every
// bundle under data/ against it. The package reads files and nothing else: it links no
// database driver, so the extractor and the exporters can use it on their own.
package bundle
