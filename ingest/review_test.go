package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
	"github.com/policygraph/policygraph/textnorm"
)

const reviewTitle = "临江区促进人工智能产业发展若干措施的通知"

// extractAndIngest runs the extractor on testdata/review/NAME.txt, writes the extracted
// bundle beside a copy of the text in dir and ingests it, as `policygraph extract` then
// `policygraph ingest` would.
func extractAndIngest(t *testing.T, s *store.Store, dir, name string) store.Summary {
	t.Helper()
	ctx := context.Background()
	b, err := os.ReadFile(filepath.Join("testdata", "review", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := textnorm.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	docID := model.EntityID(model.KindDocument, reviewTitle)
	r, err := extract.Extract(ctx, docID, textnorm.Normalize(text), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notice.txt"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	y, err := r.YAML(bundle.DocumentSpec{Path: "notice.txt", Title: reviewTitle})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notice.yaml"), y, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Documents[0]
}

// TestReviewDecisionsSurviveReExtraction: an extracted document's facts are PROPOSED and in
// its review queue in text order; staff accept, reject, edit (a name, a figure, a relation's
// end) and merge; a staff retraction is made too. The text then changes (an accepted
// enterprise is no longer named, a new one is) and is extracted and ingested again: every
// decision holds, the new fact is proposed, and reopening a rejection brings the fact back.
func TestReviewDecisionsSurviveReExtraction(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	doc := model.EntityID(model.KindDocument, reviewTitle)
	const (
		qiming   = "enterprise:上海启明星智能科技有限公司"
		beichen  = "enterprise:上海北辰机器人有限公司"
		chenghai = "enterprise:上海澄海数据有限公司"
		nanpu    = "enterprise:上海南浦传感技术有限公司"
		badOrg   = "organization:通知临江区科学技术委员会"
		body     = "organization:临江区科学技术委员会"
		centre   = "organization:临江区人工智能创新中心"
		measures = "policy:临江区促进人工智能产业发展的若干措施"
		basis    = "policy:上海市促进人工智能产业发展条例"
	)
	extractAndIngest(t, s, dir, "notice-v1")

	page, err := s.ReviewQueue(ctx, store.ReviewFilter{DocumentID: doc, First: 100, MaxConfidence: 1})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.ReviewItem{}
	last := -1
	for _, it := range page.Items {
		if it.Status != store.StatusProposed || it.Document != doc {
			t.Errorf("%s: status %s document %s", it.ID, it.Status, it.Document)
		}
		if it.Position < last {
			t.Errorf("%s at %d after %d: not in text order", it.ID, it.Position, last)
		}
		last = it.Position
		byID[it.ID] = it
	}
	for _, id := range []string{qiming, beichen, chenghai, badOrg, body, centre, measures} {
		if _, ok := byID[id]; !ok {
			t.Fatalf("%s not in the queue: %v", id, page.Items)
		}
	}
	if page.Total != len(page.Items) || page.HasNext {
		t.Errorf("total %d, items %d, hasNext %v", page.Total, len(page.Items), page.HasNext)
	}
	// Paging: two at a time gives the same facts in the same order.
	var paged []string
	after := ""
	for {
		p, err := s.ReviewQueue(ctx, store.ReviewFilter{DocumentID: doc, First: 2, After: after, MaxConfidence: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			paged = append(paged, it.ID)
		}
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	if len(paged) != len(page.Items) {
		t.Errorf("paged %d facts, one page %d", len(paged), len(page.Items))
	}
	for i := range paged {
		if i < len(page.Items) && paged[i] != page.Items[i].ID {
			t.Errorf("page order differs at %d: %s vs %s", i, paged[i], page.Items[i].ID)
		}
	}
	// Filters: kinds and maxConfidence.
	onlyEnt, err := s.ReviewQueue(ctx, store.ReviewFilter{DocumentID: doc, First: 100, MaxConfidence: 1, Kinds: []string{"Enterprise"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(onlyEnt.Items) != 3 {
		t.Errorf("Enterprise facts: %d, want 3", len(onlyEnt.Items))
	}
	low, err := s.ReviewQueue(ctx, store.ReviewFilter{DocumentID: doc, First: 100, MaxConfidence: 0.75})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range low.Items {
		if it.Confidence > 0.75 {
			t.Errorf("maxConfidence 0.75 gave %s at %g", it.ID, it.Confidence)
		}
	}

	var figure, derived, issued string
	for id, it := range byID {
		switch {
		case it.FactType == store.FactFigure && it.Subject == chenghai:
			figure = id
		case it.Kind == string(model.RelDerivedFrom):
			derived = id
		case it.Kind == string(model.RelIssuedBy) && it.From == measures:
			issued = id
		}
	}
	if figure == "" || derived == "" || issued == "" {
		t.Fatalf("figure %q derived %q issued %q missing from the queue", figure, derived, issued)
	}

	ann := store.Actor{Name: "ann", Role: "admin"}
	for _, id := range []string{qiming, derived} {
		if _, err := s.AcceptFact(ctx, ann, id, "checked"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RejectFact(ctx, ann, centre, "not a fact of this document"); err != nil {
		t.Fatal(err)
	}
	renamed, err := s.EditFact(ctx, ann, store.FactEdit{ID: beichen, Name: "上海北辰机器人股份有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	newFig, err := s.EditFact(ctx, ann, store.FactEdit{ID: figure, Figure: &model.Quantity{Value: 35, Unit: "percent", Raw: "35%"}})
	if err != nil {
		t.Fatal(err)
	}
	if newFig.ID == figure || newFig.Status != store.StatusAccepted || newFig.Raw != "35%" {
		t.Errorf("edited figure: %+v", newFig)
	}
	if _, err := s.MergeFacts(ctx, ann, body, badOrg, "the same commission"); err != nil {
		t.Fatal(err)
	}
	// issued: after the merge, ISSUED_BY still points at the kept commission.
	if _, err := s.RetractEdge(ctx, ann, issued, "the notice issues it, not the commission"); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		for id, want := range map[string]string{
			qiming: store.StatusAccepted, derived: store.StatusAccepted, centre: store.StatusRejected,
			beichen: store.StatusAccepted, newFig.ID: store.StatusAccepted, figure: store.StatusRejected,
			body: store.StatusAccepted,
		} {
			it, err := s.ReviewFact(ctx, id)
			if err != nil {
				t.Errorf("%s: %s: %v", stage, id, err)
				continue
			}
			if it.Status != want {
				t.Errorf("%s: %s is %s, want %s", stage, id, it.Status, want)
			}
			if live := !it.Retracted; live != (want == store.StatusAccepted) {
				t.Errorf("%s: %s live=%v with status %s", stage, id, live, it.Status)
			}
		}
		nodes, err := s.NodesByIDs(ctx, []string{beichen, badOrg, centre})
		if err != nil {
			t.Fatal(err)
		}
		if nodes[beichen].Name != "上海北辰机器人股份有限公司" {
			t.Errorf("%s: rename lost: %+v", stage, nodes[beichen])
		}
		if _, ok := nodes[badOrg]; ok {
			t.Errorf("%s: merged entity %s is live", stage, badOrg)
		}
		if _, ok := nodes[centre]; ok {
			t.Errorf("%s: rejected entity %s is live", stage, centre)
		}
		if e, err := s.ReviewFact(ctx, issued); err != nil || !e.Retracted {
			t.Errorf("%s: staff retraction of %s undone: %+v %v", stage, issued, e, err)
		}
		q, err := s.ReviewQueue(ctx, store.ReviewFilter{DocumentID: doc, First: 100, MaxConfidence: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range q.Items {
			switch it.ID {
			case qiming, derived, centre, beichen, figure, newFig.ID, badOrg, body:
				t.Errorf("%s: decided fact %s is back in the queue", stage, it.ID)
			}
		}
	}
	check("after review")
	if renamed.Name != "上海北辰机器人股份有限公司" {
		t.Errorf("EditFact answered %+v", renamed)
	}

	// The text changes and is extracted again: 启明星 is no longer named, 南浦 is new.
	sum := extractAndIngest(t, s, dir, "notice-v2")
	if sum.Unchanged {
		t.Fatal("the changed extraction was not written")
	}
	check("after re-extraction")
	q, err := s.ReviewFact(ctx, qiming)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Sources) == 0 || q.Sources[0].DocumentID != doc {
		t.Errorf("the accepted fact lost its source when the extraction stopped stating it: %+v", q.Sources)
	}
	fresh, err := s.ReviewQueue(ctx, store.ReviewFilter{DocumentID: doc, First: 100, MaxConfidence: 1, Kinds: []string{"Enterprise"}})
	if err != nil {
		t.Fatal(err)
	}
	var gotNanpu bool
	for _, it := range fresh.Items {
		gotNanpu = gotNanpu || it.ID == nanpu
	}
	if !gotNanpu {
		t.Errorf("the newly extracted %s is not proposed: %v", nanpu, fresh.Items)
	}
	conf, err := s.Conflicts(ctx, centre, "", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(conf.Conflicts) == 0 || conf.Conflicts[0].Kind != store.ConflictRetracted {
		t.Errorf("re-extracting the rejected %s left no conflict: %+v", centre, conf.Conflicts)
	}

	// Undo: reopening the rejected centre (it carries the 500万元 figure) brings it back, proposed, with its figure.
	if _, err := s.ReopenFact(ctx, ann, centre, "rejected by mistake"); err != nil {
		t.Fatal(err)
	}
	back, err := s.ReviewFact(ctx, centre)
	if err != nil || back.Retracted || back.Status != store.StatusProposed {
		t.Errorf("reopened %s: %+v %v", centre, back, err)
	}
	qs, err := s.QuantitiesOf(ctx, []string{centre})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs[centre]) == 0 {
		t.Errorf("reopened %s has no figure", centre)
	}
	trail, err := s.AuditTrail(ctx, centre, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range trail.Events {
		actions = append(actions, ev.Action)
	}
	want := map[string]bool{"rejectFact": false, "reopenFact": false}
	for _, a := range actions {
		if _, ok := want[a]; ok {
			want[a] = true
		}
	}
	for a, ok := range want {
		if !ok {
			t.Errorf("audit trail of %s lacks %s: %v", centre, a, actions)
		}
	}
}
