package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// TestStaffEditsOutrankIngest: staff rename and re-level a policy, add a relation and a
// figure, retract a relation and merge an enterprise away; then the document is re-ingested
// with changes to every one of those facts, and finally replaced by a one-entity version
// (the upload that wiped a curated document). Staff's version survives each time, every
// disagreement is a conflict with both versions, and ingest's per-fact events are in the
// trail of each fact.
func TestStaffEditsOutrankIngest(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	writeBundle(t, dir, good(t))
	if _, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	const (
		doc      = "document:关于支持示范区科技企业发展的实施细则"
		policy   = "policy:示范区科技企业扶持办法"
		basis    = "policy:示范区促进创新的若干意见"
		jiayi    = "enterprise:甲乙科技有限公司"
		bingding = "enterprise:丙丁智能"
	)
	eve := store.Actor{Name: "eve", Role: "admin"}
	src := model.Provenance{DocumentID: doc, Start: 0, End: 4, Quote: "关于支持", Method: model.MethodCurated, Confidence: 1}
	if _, _, err := s.CurateEntity(ctx, eve, store.EntityEdit{ID: policy, Kind: model.KindPolicy, Name: "示范区科技企业扶持办法（修订）",
		Props: map[string]any{"level": "MUNICIPAL"}}); err != nil {
		t.Fatal(err)
	}
	staffRel, err := s.CurateEdge(ctx, eve, store.EdgeEdit{Type: model.RelSupports, From: basis, To: jiayi, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	staffQty := model.Quantity{ID: model.QuantityID(jiayi, "员工人数", "120人"), Subject: jiayi, What: "员工人数", Value: 120, Unit: "人", Raw: "120人"}
	if _, err := s.CurateQuantity(ctx, eve, store.QuantityEdit{Quantity: staffQty, Source: src}); err != nil {
		t.Fatal(err)
	}
	derived := model.RelationID(model.RelDerivedFrom, policy, basis)
	if _, err := s.RetractEdge(ctx, eve, derived, "wrong basis"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeEntities(ctx, eve, jiayi, bingding, "same company"); err != nil {
		t.Fatal(err)
	}

	// The document restates all of it, changed.
	v2 := strings.Replace(good(t), "props: {level: DISTRICT, stipInstruments: [GRANTS_BUSINESS_RD]}",
		"props: {level: DISTRICT, policyType: measures, stipInstruments: [GRANTS_BUSINESS_RD]}", 1)
	v2 = strings.Replace(v2, "anchor: 根据《示范区促进创新的若干意见》，示范区制定了《示范区科技企业扶持办法》", "anchor: 根据《示范区促进创新的若干意见》，示范区制定了", 1)
	v2 = strings.Replace(v2, "    name: 丙丁智能\n", "    name: 丙丁智能\n    aliases: [丙丁]\n", 1)
	v2 = strings.Replace(v2, "    to: 丙丁智能\n    anchor: 对甲乙科技有限公司、丙丁智能予以认定", "    to: 丙丁智能\n    anchor: 丙丁智能予以认定", 1)
	writeBundle(t, dir, v2)
	rep, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, e, _ := rep.Totals()
	if n.Kept != 1 || e.Kept != 2 {
		t.Errorf("kept: nodes %+v edges %+v", n, e)
	}
	nodes, err := s.NodesByIDs(ctx, []string{policy, bingding, jiayi, basis})
	if err != nil {
		t.Fatal(err)
	}
	p := nodes[policy]
	if p.Name != "示范区科技企业扶持办法（修订）" || p.Props["level"] != "MUNICIPAL" || p.Props["policyType"] != "measures" {
		t.Errorf("staff rename/level lost or the document's new property not written: %+v", p)
	}
	if !contains(p.Aliases, "示范区科技企业扶持办法") {
		t.Errorf("the document's name is not an alias: %v", p.Aliases)
	}
	if _, live := nodes[bingding]; live {
		t.Errorf("the merged enterprise came back live")
	}
	if _, live := nodes[jiayi]; !live {
		t.Fatalf("keeper gone")
	}
	edges, err := s.EdgesOf(ctx, []string{policy}, store.EdgeFilter{Types: []model.RelType{model.RelDerivedFrom}, Outgoing: true, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(edges[policy].Hits) != 0 {
		t.Errorf("staff retraction undone: %+v", edges[policy].Hits)
	}
	page, err := s.Conflicts(ctx, "", doc, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range page.Conflicts {
		kinds[c.Kind]++
		if c.StaffBy != "eve" || c.StaffAt == "" || c.IngestedBy != "ingest" {
			t.Errorf("conflict without who/when: %+v", c)
		}
		if c.Kind == store.ConflictName && (c.StaffValue != `"示范区科技企业扶持办法（修订）"` || c.IngestValue != `"示范区科技企业扶持办法"`) {
			t.Errorf("name conflict: %+v", c)
		}
	}
	for _, k := range []string{store.ConflictName, store.ConflictRetracted, store.ConflictMerged, store.ConflictEndpoint} {
		if kinds[k] == 0 {
			t.Errorf("no %s conflict: %v", k, kinds)
		}
	}
	trail, err := s.AuditTrail(ctx, policy, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, ev := range trail.Events {
		actions[ev.Action] = true
	}
	for _, a := range []string{"ingestCreated", "ingestUpdated", "ingestConflict", "upsertEntity"} {
		if !actions[a] {
			t.Errorf("trail of %s has no %s: %v", policy, a, actions)
		}
	}

	// Replaced by a one-entity version: the document's other facts go, staff's stay.
	one := "schemaVersion: 1\ndocument:\n  path: sample.txt\n  title: 关于支持示范区科技企业发展的实施细则\nentities:\n  - kind: Policy\n    name: 示范区科技企业扶持办法\n    anchor: 制定了《示范区科技企业扶持办法》\n"
	writeBundle(t, dir, one)
	if _, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	nodes, _ = s.NodesByIDs(ctx, []string{basis, jiayi})
	if len(nodes) != 2 {
		t.Errorf("entities carrying a staff relation or figure were retracted: %v", nodes)
	}
	sup, _ := s.EdgesOf(ctx, []string{basis}, store.EdgeFilter{Types: []model.RelType{model.RelSupports}, Outgoing: true, First: 10})
	if h := sup[basis].Hits; len(h) != 1 || h[0].Edge.ID != staffRel.ID || len(h[0].Edge.Sources) != 1 {
		t.Errorf("staff relation lost: %+v", h)
	}
	qs, _ := s.QuantitiesOf(ctx, []string{jiayi})
	found := false
	for _, q := range qs[jiayi] {
		found = found || q.ID == staffQty.ID
	}
	if !found {
		t.Errorf("staff figure lost: %+v", qs[jiayi])
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
