package curate

import (
	"context"
	"strings"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/textnorm"
)

// ReviewStore is what the review queue needs from the graph store; *store.Store satisfies it.
type ReviewStore interface {
	ReviewQueue(ctx context.Context, f store.ReviewFilter) (store.ReviewPage, error)
	ReviewFact(ctx context.Context, id string) (store.ReviewItem, error)
	AcceptFact(ctx context.Context, a store.Actor, id, note string) (store.ReviewItem, error)
	RejectFact(ctx context.Context, a store.Actor, id, reason string) (store.ReviewItem, error)
	EditFact(ctx context.Context, a store.Actor, e store.FactEdit) (store.ReviewItem, error)
	MergeFacts(ctx context.Context, a store.Actor, keepID, mergeID, note string) (store.ReviewItem, error)
	ReopenFact(ctx context.Context, a store.Actor, id, note string) (store.ReviewItem, error)
}

var _ ReviewStore = (*store.Store)(nil)

// FactEdit is a staff correction of a proposed fact (only what changes is set); Figure is
// the figure as written, parsed like AddQuantity's.
type FactEdit struct {
	ID       string
	Name     string
	Kind     model.Kind
	Type     model.RelType
	From, To string
	Figure   string
	What     string
	Note     string
}

func (s *Service) reviewStore() (ReviewStore, error) {
	rs, ok := s.Store.(ReviewStore)
	if !ok {
		return nil, invalid("this store has no review queue")
	}
	return rs, nil
}

// ReviewQueue lists the PROPOSED facts of a document (every document when empty).
func (s *Service) ReviewQueue(ctx context.Context, f store.ReviewFilter) (store.ReviewPage, error) {
	if f.DocumentID != "" {
		if err := checkID("documentId", f.DocumentID); err != nil {
			return store.ReviewPage{}, err
		}
	}
	if f.MaxConfidence < 0 || f.MaxConfidence > 1 {
		return store.ReviewPage{}, invalid("maxConfidence must be between 0 and 1, got %g", f.MaxConfidence)
	}
	for i, k := range f.Kinds {
		_, isKind := model.ParseKind(k)
		if !isKind && !model.RelType(k).Valid() && k != "Quantity" {
			return store.ReviewPage{}, invalid("kinds[%d]: %q is no entity kind, relationship type or Quantity", i, k)
		}
		if kk, ok := model.ParseKind(k); ok {
			f.Kinds[i] = string(kk)
		}
	}
	rs, err := s.reviewStore()
	if err != nil {
		return store.ReviewPage{}, err
	}
	return rs.ReviewQueue(ctx, f)
}

// ReviewFact reads one fact, live or retracted.
func (s *Service) ReviewFact(ctx context.Context, id string) (store.ReviewItem, error) {
	if err := checkID("id", id); err != nil {
		return store.ReviewItem{}, err
	}
	rs, err := s.reviewStore()
	if err != nil {
		return store.ReviewItem{}, err
	}
	return rs.ReviewFact(ctx, id)
}

// ReviewDocument returns a document's normalised text: source offsets count runes in it.
func (s *Service) ReviewDocument(ctx context.Context, id string) (string, bool, error) {
	if err := checkID("id", id); err != nil {
		return "", false, err
	}
	ps, err := s.Store.Passages(ctx, []string{id})
	if err != nil {
		return "", false, err
	}
	p, ok := ps[id]
	if !ok {
		return "", false, nil
	}
	return textnorm.Normalize(strings.Join(p, "\n")).Text, true, nil
}

// AcceptFact accepts a fact (entity, rel:…, qty:…): ACCEPTED and staff-owned.
func (s *Service) AcceptFact(ctx context.Context, a store.Actor, id, note string) (store.ReviewItem, error) {
	rs, err := s.checkDecision(id, note)
	if err != nil {
		return store.ReviewItem{}, err
	}
	return rs.AcceptFact(ctx, a, id, note)
}

// RejectFact rejects a fact: REJECTED and retracted for good.
func (s *Service) RejectFact(ctx context.Context, a store.Actor, id, reason string) (store.ReviewItem, error) {
	rs, err := s.checkDecision(id, reason)
	if err != nil {
		return store.ReviewItem{}, err
	}
	return rs.RejectFact(ctx, a, id, reason)
}

// ReopenFact undoes an acceptance or a rejection: the fact is PROPOSED (and live) again.
func (s *Service) ReopenFact(ctx context.Context, a store.Actor, id, note string) (store.ReviewItem, error) {
	rs, err := s.checkDecision(id, note)
	if err != nil {
		return store.ReviewItem{}, err
	}
	return rs.ReopenFact(ctx, a, id, note)
}

// MergeFacts merges mergeID into keepID and accepts the kept entity.
func (s *Service) MergeFacts(ctx context.Context, a store.Actor, keepID, mergeID, note string) (store.ReviewItem, error) {
	if err := checkID("keepId", keepID); err != nil {
		return store.ReviewItem{}, err
	}
	rs, err := s.checkDecision(mergeID, note)
	if err != nil {
		return store.ReviewItem{}, err
	}
	return rs.MergeFacts(ctx, a, keepID, mergeID, note)
}

// EditFact corrects a fact and accepts the result (see store.EditFact).
func (s *Service) EditFact(ctx context.Context, a store.Actor, in FactEdit) (store.ReviewItem, error) {
	rs, err := s.checkDecision(in.ID, in.Note)
	if err != nil {
		return store.ReviewItem{}, err
	}
	if err := checkText("name", in.Name, MaxNameRunes, false); err != nil {
		return store.ReviewItem{}, err
	}
	for _, f := range []struct{ name, v string }{{"from", in.From}, {"to", in.To}} {
		if f.v != "" {
			if err := checkID(f.name, f.v); err != nil {
				return store.ReviewItem{}, err
			}
		}
	}
	e := store.FactEdit{ID: in.ID, Name: strings.TrimSpace(in.Name), Kind: in.Kind, Type: in.Type, From: in.From, To: in.To, Note: in.Note}
	isRel, isQty := strings.HasPrefix(in.ID, "rel:"), strings.HasPrefix(in.ID, "qty:")
	switch {
	case (e.Name != "" || e.Kind != "") && (isRel || isQty):
		return store.ReviewItem{}, invalid("name and kind edit an entity, not %s", in.ID)
	case (e.Type != "" || e.From != "" || e.To != "") && !isRel:
		return store.ReviewItem{}, invalid("type, from and to edit a relationship, not %s", in.ID)
	case (in.Figure != "" || in.What != "") && !isQty:
		return store.ReviewItem{}, invalid("figure and what edit a figure, not %s", in.ID)
	}
	if isQty && (in.Figure != "" || in.What != "") {
		cur, err := rs.ReviewFact(ctx, in.ID)
		if err != nil {
			return store.ReviewItem{}, err
		}
		what, text := cur.What, cur.Raw
		if in.What != "" {
			what = in.What
		}
		if in.Figure != "" {
			text = in.Figure
		}
		q, err := figure(QuantityInput{Subject: cur.Subject, What: what, Figure: text})
		if err != nil {
			return store.ReviewItem{}, err
		}
		q.Subject, q.What = cur.Subject, what
		e.Figure = &q
	}
	return rs.EditFact(ctx, a, e)
}

func (s *Service) checkDecision(id, note string) (ReviewStore, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if err := checkText("note", note, MaxNoteRunes, false); err != nil {
		return nil, err
	}
	return s.reviewStore()
}
