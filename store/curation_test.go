package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

const reply = "document:changning-2023-proposal-044-reply"

func src(quote string, start int) model.Provenance {
	return model.Provenance{DocumentID: reply, Start: start, End: start + len([]rune(quote)), Quote: quote, Method: model.MethodCurated, Confidence: 1}
}

var eve = store.Actor{Name: "eve", Role: "editor", RequestID: "req-1"}

// TestAuditInSameTransaction forces the audit event of a write to fail (a duplicate event
// id violates the AuditEvent id constraint) and checks that the write itself was rolled back:
// the graph never holds a change without its record.
func TestAuditInSameTransaction(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	restore := store.SetEventIDs(func() string { return "same-id-every-time" })
	defer restore()

	first := store.EdgeEdit{Type: model.RelSupports, From: "organization:长宁区科学技术委员会", To: "enterprise:矽睿科技", Source: src("矽睿科技", 0)}
	if _, err := s.CurateEdge(ctx, eve, first); err != nil {
		t.Fatalf("first edit: %v", err)
	}
	n0, r0, _ := s.Totals(ctx)
	second := store.EdgeEdit{Type: model.RelSupports, From: "organization:长宁区科学技术委员会", To: "enterprise:宁普时代", Source: src("宁普时代", 0)}
	_, err := s.CurateEdge(ctx, eve, second)
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("second edit with a duplicate event id: %v", err)
	}
	if n1, r1, _ := s.Totals(ctx); n1 != n0 || r1 != r0 {
		t.Errorf("the write committed without its audit event: nodes %d→%d, rels %d→%d", n0, n1, r0, r1)
	}
	page, err := s.AuditTrail(ctx, model.RelationID(model.RelSupports, second.From, second.To), 10, "")
	if err != nil || page.TotalCount != 0 {
		t.Errorf("trail of the rolled-back edit: %+v %v", page, err)
	}
	if _, err := s.MarkReviewed(ctx, eve, "enterprise:宁普时代", "x"); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("review with a duplicate event id: %v", err)
	}
	nodes, _ := s.NodesByIDs(ctx, []string{"enterprise:宁普时代"})
	if _, reviewed := nodes["enterprise:宁普时代"].Props["reviewedBy"]; reviewed {
		t.Error("the review committed without its audit event")
	}
}

func TestAuditTrailPaging(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	id := "enterprise:矽睿科技"
	for i := range 5 {
		if _, err := s.MarkReviewed(ctx, eve, id, fmt.Sprintf("review %d", i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	var notes []string
	ingested := 0
	after := ""
	for pages := 0; ; pages++ {
		p, err := s.AuditTrail(ctx, id, 2, after)
		if err != nil {
			t.Fatal(err)
		}
		// Five reviews and the seeding ingest's event about the entity (per-fact audit).
		if p.TotalCount != 6 {
			t.Fatalf("total %d, want 6", p.TotalCount)
		}
		for _, ev := range p.Events {
			if ev.Action == "ingestCreated" {
				ingested++
				if len(notes) != 5 || ev.Note != reply || !strings.Contains(ev.After, `"name":"矽睿科技"`) {
					t.Errorf("ingest event %+v after %d reviews", ev, len(notes))
				}
				continue
			}
			notes = append(notes, ev.Note)
			if ev.Actor != "eve" || ev.Role != "editor" || ev.RequestID != "req-1" || ev.Action != "markReviewed" || ev.After == "" {
				t.Errorf("event %+v", ev)
			}
		}
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if ingested != 1 {
		t.Errorf("%d ingest events about %s, want 1", ingested, id)
	}
	if got := strings.Join(notes, ","); got != "review 4,review 3,review 2,review 1,review 0" {
		t.Errorf("trail newest first: %s", got)
	}
	all, err := s.AuditTrail(ctx, "", 3, "")
	if err != nil || len(all.Events) != 3 || all.TotalCount < 5 || all.Events[0].Note != "review 4" {
		t.Errorf("all events: %+v %v", all, err)
	}
	if _, err := s.AuditTrail(ctx, id, 2, "bm90IGEgY3Vyc29y"); !errors.Is(err, fault.ErrInvalidInput) {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestMergeKeepsHistory(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	dupID := "enterprise:矽睿"
	if _, created, err := s.CurateEntity(ctx, eve, store.EntityEdit{ID: dupID, Kind: model.KindEnterprise, Name: "矽睿", Source: ptr(src("矽睿科技", 0))}); err != nil || !created {
		t.Fatalf("duplicate: %v", err)
	}
	// The duplicate states one relationship the keeper also has (sources combine) and one it
	// lacks (moved); a figure; and a relationship to the keeper itself (retracted).
	for _, e := range []store.EdgeEdit{
		{Type: model.RelInIndustry, From: dupID, To: "industry:智能传感器", Source: src("智能传感器领域的龙头企业矽睿科技", 0)},
		{Type: model.RelLocatedIn, From: dupID, To: "place:长宁区", Source: src("矽睿科技", 0)},
		{Type: model.RelPartOf, From: dupID, To: "enterprise:矽睿科技", Source: src("矽睿科技", 0)},
	} {
		if _, err := s.CurateEdge(ctx, eve, e); err != nil {
			t.Fatalf("%s: %v", e.Type, err)
		}
	}
	q := model.Quantity{Subject: dupID, What: "员工", Value: 300, Unit: "person", Raw: "300人"}
	q.ID = model.QuantityID(q.Subject, q.What, q.Raw)
	if _, err := s.CurateQuantity(ctx, eve, store.QuantityEdit{Quantity: q, Source: src("矽睿科技", 0)}); err != nil {
		t.Fatal(err)
	}
	res, err := s.MergeEntities(ctx, store.Actor{Name: "ada", Role: "admin"}, "enterprise:矽睿科技", dupID, "same company")
	if err != nil {
		t.Fatal(err)
	}
	if res.MovedEdges != 2 || res.RetractedEdges != 1 || res.MovedQuantities != 1 || !res.Merged.Retracted ||
		res.Merged.Props["mergedInto"] != "enterprise:矽睿科技" || !slices.Contains(res.Kept.Aliases, "矽睿") {
		t.Errorf("merge result: %+v", res)
	}
	page, err := s.EdgesOf(ctx, []string{"enterprise:矽睿科技"}, store.EdgeFilter{Types: []model.RelType{model.RelInIndustry, model.RelLocatedIn}, Outgoing: true, First: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, h := range page["enterprise:矽睿科技"].Hits {
		seen[h.Other.ID] = len(h.Edge.Sources)
	}
	if seen["place:长宁区"] < 1 || seen["industry:智能传感器"] < 2 {
		t.Errorf("moved relationships and their sources: %v", seen)
	}
	qs, _ := s.QuantitiesOf(ctx, []string{"enterprise:矽睿科技"})
	if len(qs["enterprise:矽睿科技"]) != 1 {
		t.Errorf("moved figure: %+v", qs)
	}
	// History: the loser and its three relationships are retracted, not deleted.
	old, err := s.EdgesOf(ctx, []string{dupID}, store.EdgeFilter{Types: model.RelTypes, Outgoing: true, First: 50, IncludeRetracted: true})
	if err != nil {
		t.Fatal(err)
	}
	if hits := old[dupID].Hits; len(hits) != 3 {
		t.Errorf("retracted relationships of the merged entity: %+v", hits)
	} else {
		for _, h := range hits {
			if !h.Edge.Retracted || h.Edge.Props["mergedInto"] != "enterprise:矽睿科技" {
				t.Errorf("retracted relationship %+v", h.Edge)
			}
		}
	}
	if n, err := s.NodeWithRetracted(ctx, dupID); err != nil || n == nil || !n.Retracted {
		t.Errorf("merged entity with history: %+v %v", n, err)
	}
	if _, _, err := s.CurateEntity(ctx, eve, store.EntityEdit{ID: dupID, Kind: model.KindEnterprise, Name: "矽睿"}); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("editing a merged entity: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestConcurrentCuration runs the same edits from many goroutines at once: each ends in a
// clear outcome (done, not found, conflict), never an internal error, and the graph holds
// one relationship, one retraction and one audit event per effective change.
func TestConcurrentCuration(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	edit := store.EdgeEdit{Type: model.RelSupports, From: "organization:长宁区科学技术委员会", To: "enterprise:矽睿科技", Source: src("矽睿科技", 0)}
	id := model.RelationID(edit.Type, edit.From, edit.To)
	run := func(name string, n int, fn func(i int) error) {
		t.Helper()
		errs := make(chan error, n)
		for i := range n {
			go func() { errs <- fn(i) }()
		}
		for range n {
			if err := <-errs; err != nil && fault.Code(err) != fault.CodeNotFound && fault.Code(err) != fault.CodeConflict {
				t.Errorf("%s: %v (code %s)", name, err, fault.Code(err))
			}
		}
	}
	run("add", 8, func(int) error { _, err := s.CurateEdge(ctx, eve, edit); return err })
	run("review", 8, func(i int) error { _, err := s.MarkReviewed(ctx, eve, id, fmt.Sprint(i)); return err })
	run("retract", 8, func(int) error { _, err := s.RetractEdge(ctx, eve, id, "race"); return err })
	page, err := s.EdgesOf(ctx, []string{edit.From}, store.EdgeFilter{Types: []model.RelType{model.RelSupports}, Outgoing: true, First: 100, IncludeRetracted: true})
	if err != nil {
		t.Fatal(err)
	}
	live, retracted := 0, 0
	for _, h := range page[edit.From].Hits {
		if h.Edge.ID == id {
			if h.Edge.Retracted {
				retracted++
			} else {
				live++
			}
		}
	}
	if live != 0 || retracted != 1 {
		t.Errorf("after the races: %d live, %d retracted copies of %s; want 0 and 1", live, retracted, id)
	}
	trail, err := s.AuditTrail(ctx, id, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, ev := range trail.Events {
		actions[ev.Action]++
	}
	if actions["retractRelation"] != 1 || actions["markReviewed"] != 8 || actions["addRelation"] != 8 {
		t.Errorf("audit events: %v; want 8 adds (each appends or confirms), 8 reviews, 1 retraction", actions)
	}

	// Four merges of one duplicate at once: one merges, the others find it gone.
	dup := "enterprise:矽睿"
	if _, _, err := s.CurateEntity(ctx, eve, store.EntityEdit{ID: dup, Kind: model.KindEnterprise, Name: "矽睿", Source: ptr(src("矽睿科技", 0))}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CurateEdge(ctx, eve, store.EdgeEdit{Type: model.RelLocatedIn, From: dup, To: "place:长宁区", Source: src("矽睿科技", 0)}); err != nil {
		t.Fatal(err)
	}
	var merged atomic.Int32
	run("merge", 4, func(int) error {
		_, err := s.MergeEntities(ctx, store.Actor{Name: "ada", Role: "admin"}, "enterprise:矽睿科技", dup, "race")
		if err == nil {
			merged.Add(1)
		}
		return err
	})
	if merged.Load() != 1 {
		t.Errorf("%d merges succeeded, want 1", merged.Load())
	}
	old, err := s.EdgesOf(ctx, []string{dup}, store.EdgeFilter{Types: model.RelTypes, Outgoing: true, First: 50, IncludeRetracted: true})
	if err != nil || len(old[dup].Hits) != 1 {
		t.Errorf("retracted relationships of the merged duplicate: %+v %v", old[dup].Hits, err)
	}
}
