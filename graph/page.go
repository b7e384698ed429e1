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
	page, _, err := pageAndParagraph(ctx, p)
	return page, err
}

// provenancePageParagraph is the 1-based place of the passage among the passages of its
// page (第 3 页 第 2 段); nil when provenancePage is.
func provenancePageParagraph(ctx context.Context, p *gqlmodel.Provenance) (*int, error) {
	_, para, err := pageAndParagraph(ctx, p)
	return para, err
}

func pageAndParagraph(ctx context.Context, p *gqlmodel.Provenance) (page, para *int, err error) {
	if p.Passage == nil {
		return nil, nil, nil
	}
	n, err := loader.For(ctx).Node(ctx, p.DocumentID)
	if err != nil || n == nil {
		return nil, nil, err
	}
	pages, _ := n.Props["passagePages"].([]any)
	i := *p.Passage
	if i < 0 || i >= len(pages) {
		return nil, nil, nil
	}
	v, ok := pages[i].(int64)
	if !ok || v <= 0 {
		return nil, nil, nil
	}
	first := i
	for first > 0 && pages[first-1] == any(v) {
		first--
	}
	pg, k := int(v), i-first+1
	return &pg, &k, nil
}
