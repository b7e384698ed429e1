package graph

import (
	"context"

	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/graph/loader"
)

// provenancePage is the page of a provenance record's passage, read from its document's
// passagePages (stored at ingest for PDFs: the page of passage i); nil when the document
// has no pages or the passage is unknown.
func provenancePage(ctx context.Context, p *gqlmodel.Provenance) (*int, error) {
	if p.Passage == nil {
		return nil, nil
	}
	n, err := loader.For(ctx).Node(ctx, p.DocumentID)
	if err != nil || n == nil {
		return nil, err
	}
	pages, _ := n.Props["passagePages"].([]any)
	if *p.Passage < 0 || *p.Passage >= len(pages) {
		return nil, nil
	}
	v, ok := pages[*p.Passage].(int64)
	if !ok || v <= 0 {
		return nil, nil
	}
	page := int(v)
	return &page, nil
}
