package textnorm

import (
	"fmt"
	"strings"
)

// Quote names a place in a Document's Text the way bundles and curators cite it: a rune span
// [Start, End) (with Text, when given, as what the span must read), or Text alone as a quote
// that must occur once (in paragraph Passage, when given).
type Quote struct {
	Start, End *int
	Text       string
	Passage    *int
}

// LocateError says why a Quote names no single span. Its message never names the document;
// callers add which one.
type LocateError struct {
	Reason   LocateReason
	Quote    Quote
	Len      int    // rune length of the document's Text
	Read     string // what the span reads (ReasonMismatch)
	Passages []int  // the passages of every occurrence (ReasonAmbiguous)
}

// LocateReason is what is wrong with a Quote.
type LocateReason int

const (
	ReasonEmpty     LocateReason = iota + 1 // neither a span nor a quote
	ReasonHalfSpan                          // start without end or end without start
	ReasonOutside                           // the span is outside the text or reversed
	ReasonMismatch                          // the span does not read the quote
	ReasonNotFound                          // the quote does not occur (in the passage)
	ReasonAmbiguous                         // the quote occurs more than once (in the passage)
)

func (e *LocateError) Error() string {
	q := e.Quote
	switch e.Reason {
	case ReasonHalfSpan:
		return "give both start and end"
	case ReasonOutside:
		return fmt.Sprintf("span [%d,%d) is outside the document (%d characters)", *q.Start, *q.End, e.Len)
	case ReasonMismatch:
		return fmt.Sprintf("span [%d,%d) reads %q, not %q", *q.Start, *q.End, e.Read, q.Text)
	case ReasonNotFound:
		if q.Passage != nil {
			return fmt.Sprintf("anchor %q does not occur in passage %d", q.Text, *q.Passage)
		}
		return fmt.Sprintf("anchor %q does not occur in the document", q.Text)
	case ReasonAmbiguous:
		ps := make([]string, len(e.Passages))
		for i, p := range e.Passages {
			ps[i] = fmt.Sprint(p)
		}
		return fmt.Sprintf("anchor %q occurs %d times (passages %s): lengthen it or add passage", q.Text, len(e.Passages), strings.Join(ps, ", "))
	default:
		return "empty anchor: give text (a quote) or start and end"
	}
}

// Locate returns the one span of Text that q names, or a *LocateError. A span must lie inside
// Text and read q.Text when both are given; a quote alone is found with Find and must occur
// exactly once (in paragraph q.Passage, when given).
func (d *Document) Locate(q Quote) (Span, error) {
	fail := func(e LocateError) (Span, error) {
		e.Quote, e.Len = q, d.Len()
		return Span{}, &e
	}
	switch {
	case q.Start != nil || q.End != nil:
		if q.Start == nil || q.End == nil {
			return fail(LocateError{Reason: ReasonHalfSpan})
		}
		if *q.Start < 0 || *q.End > d.Len() || *q.Start >= *q.End {
			return fail(LocateError{Reason: ReasonOutside})
		}
		s := Span{Start: *q.Start, End: *q.End}
		if q.Text != "" && d.Slice(s) != q.Text {
			return fail(LocateError{Reason: ReasonMismatch, Read: d.Slice(s)})
		}
		return s, nil
	case q.Text != "":
		var hits []Span
		for _, h := range d.Find(q.Text) {
			if q.Passage == nil || d.ParagraphAt(h.Start) == *q.Passage {
				hits = append(hits, h)
			}
		}
		switch len(hits) {
		case 0:
			return fail(LocateError{Reason: ReasonNotFound})
		case 1:
			return hits[0], nil
		}
		ps := make([]int, len(hits))
		for i, h := range hits {
			ps[i] = d.ParagraphAt(h.Start)
		}
		return fail(LocateError{Reason: ReasonAmbiguous, Passages: ps})
	}
	return fail(LocateError{Reason: ReasonEmpty})
}
