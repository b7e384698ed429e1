package graph_test

// Curation end to end: the real handler with bearer tokens, the curate service and the store
// on Neo4j. Each test starts from a freshly seeded Changning graph and re-seeds it when done,
// so the golden tests of this package see the corpus unchanged.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

const (
	testSecret = "graph-tests-hs256-secret-0123456789abcdef"
	docID      = "document:changning-2023-proposal-044-reply"
)

// staffServer returns the API over a freshly seeded Changning graph with curation on, and
// re-seeds the graph when the test ends.
func staffServer(t *testing.T) (*server.Server, *store.Store) {
	t.Helper()
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	t.Cleanup(func() { storetest.SeedChangning(t, s) })
	cfg := server.DefaultConfig()
	cfg.RateLimitRPS = 0
	cfg.Auth.HS256Secret = []byte(testSecret)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return server.New(cfg, server.Deps{Store: s, Log: log, Curator: &curate.Service{Store: s}}), s
}

func bearer(t *testing.T, sub, role string) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": sub, "role": role, "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

// call posts an operation with an Authorization header ("" for none).
func call(t *testing.T, h http.Handler, authz, q string, vars map[string]any) (response, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("HTTP %d: %s", rec.Code, rec.Body.String())
	}
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response is not JSON: %s", rec.Body.String())
	}
	return r, rec.Body.Bytes()
}

// must fails the test when the response has errors and decodes data into out.
func must(t *testing.T, r response, raw []byte, out any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", raw)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("data: %v: %s", err, raw)
		}
	}
}

func code(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	ext, _ := r.Errors[0]["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

// totals counts every node and relationship of the database (audit events included).
func totals(t *testing.T, s *store.Store) (nodes, rels int64) {
	t.Helper()
	n, r, err := s.Totals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n, r
}

func auditCount(t *testing.T, h http.Handler, authz, target string) int {
	t.Helper()
	var d struct {
		AuditTrail struct{ TotalCount int } `json:"auditTrail"`
	}
	r, raw := call(t, h, authz, `query($t: ID) { auditTrail(targetId: $t, first: 0) { totalCount } }`, map[string]any{"t": target})
	must(t, r, raw, &d)
	return d.AuditTrail.TotalCount
}

func TestCurationEndToEnd(t *testing.T) {
	h, s := staffServer(t)
	eve, ada := bearer(t, "eve", "editor"), bearer(t, "ada", "admin")
	allEvents := func() int { return auditCount(t, h, eve, "") }
	events0 := allEvents()
	if events0 == 0 {
		t.Fatal("ingesting the corpus recorded no audit event")
	}

	// A new entity, anchored by a quote the server reads from the stored document.
	var up struct {
		UpsertEntity struct {
			ID      string
			Sources []struct{ Quote, Method string }
		}
	}
	r, raw := call(t, h, eve, `mutation($in: EntityInput!) { upsertEntity(input: $in) { id sources { quote method } } }`,
		map[string]any{"in": map[string]any{"kind": "ENTERPRISE", "name": "上海矽睿科技", "aliases": []string{"矽睿"},
			"properties": map[string]any{"role": "龙头企业", "industries": []string{"智能传感器"}},
			"source":     map[string]any{"documentId": docID, "text": "龙头企业矽睿科技"}}})
	must(t, r, raw, &up)
	dup := up.UpsertEntity.ID
	if dup != "enterprise:上海矽睿科技" || len(up.UpsertEntity.Sources) != 1 || up.UpsertEntity.Sources[0].Quote != "龙头企业矽睿科技" || up.UpsertEntity.Sources[0].Method != "curated" {
		t.Fatalf("upsertEntity: %s", raw)
	}

	// A relationship and a figure about it, each with its source.
	var add struct {
		AddRelation struct {
			ID, Type string
			Sources  []struct{ Quote string }
		}
	}
	r, raw = call(t, h, eve, `mutation($in: RelationInput!) { addRelation(input: $in) { id type sources { quote } } }`,
		map[string]any{"in": map[string]any{"type": "IN_INDUSTRY", "fromId": dup, "toId": "industry:自动驾驶",
			"source": map[string]any{"documentId": docID, "text": "龙头企业矽睿科技"}}})
	must(t, r, raw, &add)
	relID := add.AddRelation.ID
	if !strings.HasPrefix(relID, "rel:IN_INDUSTRY:") {
		t.Fatalf("addRelation: %s", raw)
	}
	var qty struct{ AddQuantity struct{ ID, Unit string } }
	r, raw = call(t, h, eve, `mutation($in: QuantityInput!) { addQuantity(input: $in) { id unit value } }`,
		map[string]any{"in": map[string]any{"subjectId": dup, "what": "研发投入", "figure": "最高50万元",
			"source": map[string]any{"documentId": docID, "text": "龙头企业矽睿科技"}}})
	must(t, r, raw, &qty)

	// Retract the relationship and the figure: gone from default reads, shown with
	// includeRetracted, flagged.
	r, raw = call(t, h, eve, `mutation($id: ID!) { retractRelation(id: $id, reason: "wrong industry") { id retracted } }`, map[string]any{"id": relID})
	must(t, r, raw, nil)
	r, raw = call(t, h, eve, `mutation($id: ID!) { retractQuantity(id: $id, reason: "not stated") { retracted } }`, map[string]any{"id": qty.AddQuantity.ID})
	must(t, r, raw, nil)
	var view struct {
		Node struct {
			Live struct {
				TotalCount int
			} `json:"live"`
			All struct {
				Edges []struct {
					Relation struct {
						ID, Type  string
						Retracted bool
					}
				}
			} `json:"all"`
			ViaFilter struct{ TotalCount int } `json:"viaFilter"`
			Q         []struct{ ID string }    `json:"q"`
			QAll      []struct {
				ID        string
				Retracted bool
			} `json:"qAll"`
		}
		Neighborhood struct {
			Edges []struct {
				ID        string
				Retracted bool
				Type      string
			}
		}
	}
	r, raw = call(t, h, "", `query($id: ID!) {
		node(id: $id) { ... on Enterprise {
			live: industries { totalCount }
			all: relations(types: [IN_INDUSTRY], includeRetracted: true) { edges { relation { id type retracted } } }
			viaFilter: industries(filter: {includeRetracted: true}) { totalCount }
			q: quantities { id }
			qAll: quantities(includeRetracted: true) { id retracted }
		} }
		neighborhood(id: $id, includeRetracted: true) { edges { id retracted type } }
	}`, map[string]any{"id": dup})
	must(t, r, raw, &view)
	if view.Node.Live.TotalCount != 0 || view.Node.ViaFilter.TotalCount != 1 || len(view.Node.All.Edges) != 1 ||
		!view.Node.All.Edges[0].Relation.Retracted || view.Node.All.Edges[0].Relation.Type != "IN_INDUSTRY" {
		t.Errorf("retracted relationship: %s", raw)
	}
	if len(view.Node.Q) != 0 || len(view.Node.QAll) != 1 || !view.Node.QAll[0].Retracted {
		t.Errorf("retracted figure: %s", raw)
	}
	if len(view.Neighborhood.Edges) != 1 || !view.Neighborhood.Edges[0].Retracted {
		t.Errorf("neighborhood with retracted: %s", raw)
	}
	// Retracting again changes nothing and records nothing.
	before := allEvents()
	r, raw = call(t, h, eve, `mutation($id: ID!) { retractRelation(id: $id) { retracted } }`, map[string]any{"id": relID})
	must(t, r, raw, nil)
	if allEvents() != before {
		t.Error("a repeated retraction was recorded")
	}

	// The audit trail of the relationship: added, then retracted, by eve, with before/after.
	var trail struct {
		AuditTrail struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Actor, Role, Action string
					Before, After       *string
					Note                *string
					TargetIds           []string
				}
			}
		}
	}
	r, raw = call(t, h, eve, `query($t: ID) { auditTrail(targetId: $t) { totalCount edges { node { actor role action before after note targetIds } } } }`, map[string]any{"t": relID})
	must(t, r, raw, &trail)
	if trail.AuditTrail.TotalCount != 2 || trail.AuditTrail.Edges[0].Node.Action != "retractRelation" || trail.AuditTrail.Edges[1].Node.Action != "addRelation" {
		t.Fatalf("audit trail of %s: %s", relID, raw)
	}
	first, last := trail.AuditTrail.Edges[1].Node, trail.AuditTrail.Edges[0].Node
	if first.Actor != "eve" || first.Role != "editor" || first.Before != nil || first.After == nil || !strings.Contains(*first.After, "龙头企业矽睿科技") {
		t.Errorf("addRelation event: %+v", first)
	}
	if last.Before == nil || last.After == nil || !strings.Contains(*last.After, `"retracted":true`) || last.Note == nil || *last.Note != "wrong industry" {
		t.Errorf("retractRelation event: %+v", last)
	}

	// Review.
	r, raw = call(t, h, eve, `mutation { markReviewed(id: "enterprise:矽睿科技", note: "checked against the reply") { review { by at note } } }`, nil)
	must(t, r, raw, nil)
	var rv struct {
		Node struct{ Review *struct{ By, Note string } }
	}
	r, raw = call(t, h, "", `{ node(id: "enterprise:矽睿科技") { review { by note } } }`, nil)
	must(t, r, raw, &rv)
	if rv.Node.Review == nil || rv.Node.Review.By != "eve" || rv.Node.Review.Note != "checked against the reply" {
		t.Errorf("review: %s", raw)
	}

	// Merge the duplicate into the corpus's 矽睿科技 (admin only): aliases kept, relationships
	// and figures moved, the loser retracted with mergedInto.
	r, _ = call(t, h, eve, `mutation { mergeEntities(keepId: "enterprise:矽睿科技", mergeId: "enterprise:上海矽睿科技") { movedRelations } }`, nil)
	if code(r) != "FORBIDDEN" {
		t.Errorf("an editor merged: %+v", r.Errors)
	}
	r, raw = call(t, h, eve, `mutation($in: RelationInput!) { addRelation(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"type": "SUPPORTS", "fromId": "policy:长宁区深入推进新一代人工智能产业融合创新发展的实施办法", "toId": dup,
			"source": map[string]any{"documentId": docID, "text": "长宁区深入推进新一代人工智能产业融合创新发展的实施办法"}}})
	must(t, r, raw, nil)
	var merged struct {
		MergeEntities struct {
			MovedRelations int
			Node           struct {
				ID      string
				Aliases []string
			}
			Merged struct {
				ID, MergedInto string
				Retracted      bool
			}
		}
	}
	r, raw = call(t, h, ada, `mutation { mergeEntities(keepId: "enterprise:矽睿科技", mergeId: "enterprise:上海矽睿科技", reason: "same company") {
		movedRelations node { id aliases } merged { id mergedInto retracted } } }`, nil)
	must(t, r, raw, &merged)
	m := merged.MergeEntities
	if m.MovedRelations != 1 || !contains(m.Node.Aliases, "上海矽睿科技") || !contains(m.Node.Aliases, "矽睿") ||
		!m.Merged.Retracted || m.Merged.MergedInto != "enterprise:矽睿科技" {
		t.Errorf("merge: %s", raw)
	}
	var after struct {
		Gone *struct{ ID string } `json:"gone"`
		Kept struct {
			SupportedBy struct {
				Edges []struct{ Node struct{ ID string } }
			}
		} `json:"kept"`
		History struct {
			Retracted  bool
			MergedInto string
		} `json:"history"`
	}
	r, raw = call(t, h, "", `{
		gone: node(id: "enterprise:上海矽睿科技") { id }
		kept: node(id: "enterprise:矽睿科技") { ... on Enterprise { supportedBy { edges { node { id } } } } }
		history: node(id: "enterprise:上海矽睿科技", includeRetracted: true) { retracted mergedInto }
	}`, nil)
	must(t, r, raw, &after)
	if after.Gone != nil || !after.History.Retracted || after.History.MergedInto != "enterprise:矽睿科技" {
		t.Errorf("merged entity: %s", raw)
	}
	found := false
	for _, e := range after.Kept.SupportedBy.Edges {
		found = found || e.Node.ID == "policy:长宁区深入推进新一代人工智能产业融合创新发展的实施办法"
	}
	if !found {
		t.Errorf("the merged SUPPORTS relationship did not move: %s", raw)
	}

	// Every write was recorded once: 1 upsert, 2 relations, 1 figure, 2 retractions, 1
	// review, 1 merge.
	if got := allEvents() - events0; got != 8 {
		t.Errorf("%d audit events recorded, want 8", got)
	}

	// A failed write records nothing and changes nothing.
	n0, r0 := totals(t, s)
	r, _ = call(t, h, eve, `mutation($in: RelationInput!) { addRelation(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"type": "SUPPORTS", "fromId": "policy:nope", "toId": "enterprise:矽睿科技",
			"source": map[string]any{"documentId": docID, "text": "龙头企业矽睿科技"}}})
	if code(r) != "NOT_FOUND" {
		t.Errorf("relation from an unknown entity: %+v", r.Errors)
	}
	if n1, r1 := totals(t, s); n1 != n0 || r1 != r0 {
		t.Errorf("a failed write changed the graph: nodes %d→%d, rels %d→%d", n0, n1, r0, r1)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestSourcesAreReadFromTheDocument(t *testing.T) {
	h, s := staffServer(t)
	eve := bearer(t, "eve", "editor")
	n0, r0 := totals(t, s)
	for name, src := range map[string]map[string]any{
		"quote not in the document": {"documentId": docID, "text": "这句话不在文件里"},
		"ambiguous quote":           {"documentId": docID, "text": "长宁"},
		"span out of range":         {"documentId": docID, "start": 10, "end": 999999},
		"negative span":             {"documentId": docID, "start": -5, "end": 3},
		"no anchor":                 {"documentId": docID},
		"unknown document":          {"documentId": "document:nope", "text": "长宁"},
		"injection as document":     {"documentId": `"}) MATCH (n) DETACH DELETE n //`, "text": "长宁"},
	} {
		t.Run(name, func(t *testing.T) {
			r, raw := call(t, h, eve, `mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"kind": "ENTERPRISE", "name": "新公司", "source": src}})
			if c := code(r); c != "BAD_USER_INPUT" && c != "NOT_FOUND" {
				t.Errorf("code %q: %s", c, raw)
			}
		})
	}
	// A span is quoted from the document whatever text the caller sends with it.
	var d struct {
		UpsertEntity struct {
			Sources []struct {
				Quote      string
				Start, End int
			}
		}
	}
	r, raw := call(t, h, eve, `mutation($in: EntityInput!) { upsertEntity(input: $in) { sources { quote start end } } }`,
		map[string]any{"in": map[string]any{"kind": "PERSON", "name": "詹镭", "source": map[string]any{"documentId": docID, "start": 0, "end": 4}}})
	must(t, r, raw, &d)
	if n1, r1 := totals(t, s); n1 <= n0 || r1 < r0 {
		t.Errorf("the valid edit wrote nothing: %d→%d", n0, n1)
	}
	if got := d.UpsertEntity.Sources; len(got) == 0 || got[len(got)-1].Quote == "" {
		t.Errorf("span source: %s", raw)
	}
}

func TestIngestDocumentUpload(t *testing.T) {
	h, s := staffServer(t)
	eve := bearer(t, "eve", "editor")
	text := "长宁区人工智能创新券试点\n长宁区科委设立人工智能创新券，支持宁普时代开展新能源服务。\n每家企业最高补贴50万元。\n"
	bundle := `schemaVersion: 1
document:
  id: document:upload-test
  path: /etc/passwd
  title: 长宁区人工智能创新券试点
entities:
  - {kind: Program, name: 人工智能创新券, anchor: 设立人工智能创新券}
relations:
  - {type: SUPPORTS, from: 人工智能创新券, to: enterprise:宁普时代, anchor: 支持宁普时代开展新能源服务}
quantities:
  - {of: 人工智能创新券, what: 补贴上限, figure: 最高50万元, anchor: 最高补贴50万元}
`
	var d struct {
		IngestDocument struct {
			Changes   int
			Documents []struct {
				DocumentID string
				Nodes      struct{ Created int }
			}
		}
	}
	q := `mutation($in: IngestInput!) { ingestDocument(input: $in) { changes documents { documentId nodes { created } } } }`
	r, raw := call(t, h, "", q, map[string]any{"in": map[string]any{"bundle": bundle, "text": text}})
	if code(r) != "UNAUTHENTICATED" {
		t.Fatalf("anonymous upload: %s", raw)
	}
	r, raw = call(t, h, eve, q, map[string]any{"in": map[string]any{"bundle": bundle, "text": text}})
	must(t, r, raw, &d)
	if len(d.IngestDocument.Documents) != 1 || d.IngestDocument.Documents[0].DocumentID != "document:upload-test" || d.IngestDocument.Changes == 0 {
		t.Fatalf("upload: %s", raw)
	}
	// The document's path never names a server file: the upload's own text was used.
	var doc struct {
		Node struct {
			Path  *string
			Title string
		}
	}
	r, raw = call(t, h, "", `{ node(id: "document:upload-test") { ... on Document { path title } } }`, nil)
	must(t, r, raw, &doc)
	if doc.Node.Path == nil || *doc.Node.Path != "upload.txt" {
		t.Errorf("the bundle's path was read: %s", raw)
	}
	if n := auditCount(t, h, eve, "document:upload-test"); n != 1 {
		t.Errorf("%d audit events for the upload, want 1", n)
	}
	var trail struct {
		AuditTrail struct {
			Edges []struct {
				Node struct{ Actor, Action string }
			}
		}
	}
	r, raw = call(t, h, eve, `{ auditTrail(targetId: "document:upload-test") { edges { node { actor action } } } }`, nil)
	must(t, r, raw, &trail)
	if e := trail.AuditTrail.Edges; len(e) != 1 || e[0].Node.Actor != "eve" || e[0].Node.Action != "ingestDocument" {
		t.Errorf("upload audit: %s", raw)
	}
	// The same bundle again, without text: the stored text is used and no fact changes (the
	// Document's own sha256 may: it is now that of the stored, normalised text).
	// An upload for a document already in the graph is refused unless it replaces it, and
	// only an admin may replace.
	r, raw = call(t, h, eve, q, map[string]any{"in": map[string]any{"bundle": bundle}})
	if code(r) != "CONFLICT" || !strings.Contains(string(raw), "replace: true") {
		t.Errorf("upload over an existing document: %s", raw)
	}
	r, raw = call(t, h, eve, q, map[string]any{"in": map[string]any{"bundle": bundle, "replace": true}})
	if code(r) != "FORBIDDEN" {
		t.Errorf("an editor's replace: %s", raw)
	}
	r, raw = call(t, h, bearer(t, "ada", "admin"), q, map[string]any{"in": map[string]any{"bundle": bundle, "replace": true}})
	must(t, r, raw, &d)
	if d.IngestDocument.Changes > 1 {
		t.Errorf("re-upload changed %d facts: %s", d.IngestDocument.Changes, raw)
	}
	// A raw text alone: the extractor proposes the facts (rule:NAME methods).
	raw2 := "长宁区关于支持人工智能企业发展的若干措施\n长宁区科学技术委员会支持上海扩博智能技术有限公司开展人工智能研发。\n"
	var ex struct {
		IngestDocument struct {
			Documents []struct{ DocumentID string }
		}
	}
	r, raw = call(t, h, eve, q, map[string]any{"in": map[string]any{"text": raw2}})
	must(t, r, raw, &ex)
	if len(ex.IngestDocument.Documents) != 1 || !strings.HasPrefix(ex.IngestDocument.Documents[0].DocumentID, "document:") {
		t.Errorf("raw text upload: %s", raw)
	}

	// Bad uploads are BAD_USER_INPUT and write nothing.
	n0, r0 := totals(t, s)
	for name, in := range map[string]map[string]any{
		"anchor not in text": {"bundle": strings.Replace(bundle, "设立人工智能创新券", "没有这句话", 1), "text": text},
		"malformed yaml":     {"bundle": "schemaVersion: [", "text": text},
		"json as yaml":       {"bundle": `{"schemaVersion": 1}`, "format": "JSON", "text": text},
		"too large":          {"text": strings.Repeat("长", 200000)},
		"nothing":            {},
		"unknown document":   {"bundle": strings.Replace(bundle, "upload-test", "not-stored", 1)},
	} {
		r, raw := call(t, h, eve, q, map[string]any{"in": in})
		if code(r) != "BAD_USER_INPUT" {
			t.Errorf("%s: %s", name, raw)
		}
		if strings.Contains(string(raw), os.TempDir()) || strings.Contains(string(raw), filepath.Join("policygraph-upload")) {
			t.Errorf("%s: the error names a server path: %s", name, raw)
		}
	}
	if n1, r1 := totals(t, s); n1 != n0 || r1 != r0 {
		t.Errorf("bad uploads changed the graph: nodes %d→%d, rels %d→%d", n0, n1, r0, r1)
	}
}
