package textnorm

import (
	"errors"
	"testing"
)

func TestLocate(t *testing.T) {
	d := Normalize("一、科技创新。\n支持科技创新企业。\n科技创新券。\n")
	if d.Text != "一、科技创新。\n支持科技创新企业。\n科技创新券。" || len(d.Paragraphs) != 3 {
		t.Fatalf("Text = %q, %d paragraphs", d.Text, len(d.Paragraphs))
	}
	n := func(i int) *int { return &i }
	tests := []struct {
		name   string
		q      Quote
		want   Span
		reason LocateReason
		msg    string
	}{
		{name: "span", q: Quote{Start: n(0), End: n(2)}, want: Span{0, 2}},
		{name: "span that reads its text", q: Quote{Start: n(8), End: n(10), Text: "支持"}, want: Span{8, 10}},
		{name: "unique quote", q: Quote{Text: "企业"}, want: Span{14, 16}},
		{name: "quote in its passage", q: Quote{Text: "科技创新", Passage: n(2)}, want: Span{18, 22}},
		{name: "quote ignoring spaces", q: Quote{Text: "创新 券"}, want: Span{20, 23}},
		{name: "empty", q: Quote{}, reason: ReasonEmpty, msg: "empty anchor: give text (a quote) or start and end"},
		{name: "start only", q: Quote{Start: n(1)}, reason: ReasonHalfSpan, msg: "give both start and end"},
		{name: "end only", q: Quote{End: n(1), Text: "一"}, reason: ReasonHalfSpan, msg: "give both start and end"},
		{name: "past the end", q: Quote{Start: n(20), End: n(99)}, reason: ReasonOutside, msg: "span [20,99) is outside the document (24 characters)"},
		{name: "negative", q: Quote{Start: n(-1), End: n(2)}, reason: ReasonOutside, msg: "span [-1,2) is outside the document (24 characters)"},
		{name: "reversed", q: Quote{Start: n(3), End: n(3)}, reason: ReasonOutside, msg: "span [3,3) is outside the document (24 characters)"},
		{name: "span reads other text", q: Quote{Start: n(0), End: n(2), Text: "支持"}, reason: ReasonMismatch, msg: `span [0,2) reads "一、", not "支持"`},
		{name: "absent", q: Quote{Text: "人工智能"}, reason: ReasonNotFound, msg: `anchor "人工智能" does not occur in the document`},
		{name: "absent from its passage", q: Quote{Text: "企业", Passage: n(0)}, reason: ReasonNotFound, msg: `anchor "企业" does not occur in passage 0`},
		{name: "ambiguous", q: Quote{Text: "科技创新"}, reason: ReasonAmbiguous, msg: `anchor "科技创新" occurs 3 times (passages 0, 1, 2): lengthen it or add passage`},
		{name: "quote of spaces only", q: Quote{Text: "  "}, reason: ReasonNotFound, msg: `anchor "  " does not occur in the document`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Locate(tt.q)
			if tt.reason == 0 {
				if err != nil {
					t.Fatalf("Locate: %v", err)
				}
				if got != tt.want {
					t.Errorf("Locate = %v (%q), want %v (%q)", got, d.Slice(got), tt.want, d.Slice(tt.want))
				}
				return
			}
			var le *LocateError
			if !errors.As(err, &le) {
				t.Fatalf("Locate = %v, %v; want a *LocateError", got, err)
			}
			if le.Reason != tt.reason || err.Error() != tt.msg {
				t.Errorf("Locate error = %d %q, want %d %q", le.Reason, err, tt.reason, tt.msg)
			}
		})
	}
}
