package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// fakeCurator records the calls that reach it and the actor of each.
type fakeCurator struct {
	mu     sync.Mutex
	calls  []string
	actors []store.Actor
}

var _ graph.Curator = (*fakeCurator)(nil)

func (c *fakeCurator) record(name string, a store.Actor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, name)
	c.actors = append(c.actors, a)
}

func (c *fakeCurator) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.calls)
}

func (c *fakeCurator) UpsertEntity(_ context.Context, a store.Actor, in curate.EntityInput) (store.Node, bool, error) {
	c.record("UpsertEntity", a)
	return store.Node{ID: model.EntityID(in.Kind, in.Name), Kind: in.Kind, Name: in.Name, Method: "curated", Confidence: 1}, true, nil
}

func (c *fakeCurator) AddRelation(_ context.Context, a store.Actor, in curate.RelationInput) (store.Edge, error) {
	c.record("AddRelation", a)
	return store.Edge{ID: model.RelationID(in.Type, in.From, in.To), Type: in.Type, From: in.From, To: in.To}, nil
}

func (c *fakeCurator) RetractRelation(_ context.Context, a store.Actor, id, _ string) (store.Edge, error) {
	c.record("RetractRelation", a)
	return store.Edge{ID: id, Type: model.RelSupports, Retracted: true}, nil
}

func (c *fakeCurator) AddQuantity(_ context.Context, a store.Actor, _ curate.QuantityInput) (store.QuantityRecord, error) {
	c.record("AddQuantity", a)
	return store.QuantityRecord{}, nil
}

func (c *fakeCurator) RetractQuantity(_ context.Context, a store.Actor, _, _ string) (store.QuantityRecord, error) {
	c.record("RetractQuantity", a)
	return store.QuantityRecord{Retracted: true}, nil
}

func (c *fakeCurator) MarkReviewed(_ context.Context, a store.Actor, _, note string) (store.Review, error) {
	c.record("MarkReviewed", a)
	return store.Review{By: a.Name, At: "2026-01-01T00:00:00Z", Note: note}, nil
}

func (c *fakeCurator) MergeEntities(_ context.Context, a store.Actor, keep, merge, _ string) (store.MergeResult, error) {
	c.record("MergeEntities", a)
	return store.MergeResult{Kept: store.Node{ID: keep, Kind: model.KindEnterprise, Name: "k"},
		Merged: store.Node{ID: merge, Kind: model.KindEnterprise, Name: "m", Retracted: true}}, nil
}

func (c *fakeCurator) IngestDocument(_ context.Context, a store.Actor, _ curate.IngestInput) (ingest.Report, error) {
	c.record("IngestDocument", a)
	return ingest.Report{}, nil
}

func (c *fakeCurator) AuditTrail(_ context.Context, _ string, _ int, _ string) (store.AuditPage, error) {
	c.record("AuditTrail", store.Actor{})
	return store.AuditPage{}, nil
}

const testSecret = "hs256-secret-for-tests-0123456789abcdef"

func token(t *testing.T, sub, role string) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": sub, "role": role, "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authServer(t *testing.T, mod func(*Config)) (*Server, *fakeCurator, *syncBuffer) {
	t.Helper()
	cfg := testConfig()
	cfg.Auth.HS256Secret = []byte(testSecret)
	keys, err := auth.ParseAPIKeys("robot@api-key-for-tests-0123456789=editor")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Auth.APIKeys = keys
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	c := &fakeCurator{}
	srv := New(cfg, Deps{Store: seeded(1), Curator: c, Log: newJSONLogger(logs)})
	return srv, c, logs
}

const upsert = `mutation { upsertEntity(input: {kind: ENTERPRISE, name: "新企业", source: {documentId: "document:x", text: "新企业"}}) { id } }`

func TestMutationsNeedARole(t *testing.T) {
	srv, cur, _ := authServer(t, nil)
	cases := []struct {
		name, query string
		headers     []string
		status      int
		code        string
	}{
		{"anonymous", upsert, nil, 401, fault.CodeUnauthenticated},
		{"reader", upsert, []string{"Authorization", "Bearer " + token(t, "rita", "reader")}, 403, fault.CodeForbidden},
		{"editor merges", `mutation { mergeEntities(keepId: "enterprise:a", mergeId: "enterprise:b") { movedRelations } }`,
			[]string{"Authorization", "Bearer " + token(t, "eve", "editor")}, 403, fault.CodeForbidden},
		{"anonymous audit trail", `{ auditTrail(targetId: "policy:x") { totalCount } }`, nil, 401, fault.CodeUnauthenticated},
		{"reader audit trail", `{ auditTrail { totalCount } }`, []string{"Authorization", "Bearer " + token(t, "rita", "reader")}, 403, fault.CodeForbidden},
		{"mutation in a fragment", `mutation { ...F } fragment F on Mutation { markReviewed(id: "policy:x") { id } }`, nil, 401, fault.CodeUnauthenticated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, resp, hdr := post(t, srv, tc.query, nil, tc.headers...)
			if status != tc.status || len(resp.Errors) == 0 || resp.codes()[0] != tc.code {
				t.Fatalf("status %d, errors %+v; want %d %s", status, resp.Errors, tc.status, tc.code)
			}
			if got := hdr.Get("WWW-Authenticate"); tc.status == 401 && !strings.HasPrefix(got, "Bearer") {
				t.Errorf("401 without a Bearer WWW-Authenticate challenge: %q", got)
			}
		})
	}
	if n := cur.count(); n != 0 {
		t.Errorf("refused operations reached the curator %d times", n)
	}

	for _, tc := range []struct {
		name, query string
		headers     []string
		actor       store.Actor
	}{
		{"editor token", upsert, []string{"Authorization", "Bearer " + token(t, "eve", "editor")}, store.Actor{Name: "eve", Role: "editor"}},
		{"api key", upsert, []string{APIKeyHeader, "api-key-for-tests-0123456789"}, store.Actor{Name: "apikey:robot", Role: "editor"}},
		{"admin merges", `mutation { mergeEntities(keepId: "enterprise:a", mergeId: "enterprise:b") { movedRelations merged { retracted } } }`,
			[]string{"Authorization", "Bearer " + token(t, "ada", "admin")}, store.Actor{Name: "ada", Role: "admin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := cur.count()
			status, resp, _ := post(t, srv, tc.query, nil, tc.headers...)
			if status != 200 || len(resp.Errors) > 0 {
				t.Fatalf("status %d, errors %+v", status, resp.Errors)
			}
			if cur.count() != before+1 {
				t.Fatal("the mutation did not reach the curator")
			}
			got := cur.actors[len(cur.actors)-1]
			if got.Name != tc.actor.Name || got.Role != tc.actor.Role || got.RequestID == "" {
				t.Errorf("actor %+v, want %+v with a request id", got, tc.actor)
			}
		})
	}
}

func TestCredentialChecks(t *testing.T) {
	srv, _, _ := authServer(t, nil)
	expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "x", "role": "admin", "exp": time.Now().Add(-time.Hour).Unix()}).SignedString([]byte(testSecret))
	for name, hdr := range map[string][]string{
		"expired":       {"Authorization", "Bearer " + expired},
		"wrong key":     {APIKeyHeader, "not-a-configured-key-0123"},
		"basic scheme":  {"Authorization", "Basic dXNlcjpwdw=="},
		"empty bearer":  {"Authorization", "Bearer "},
		"forged admin":  {"Authorization", "Bearer " + strings.Replace(token(t, "x", "reader"), ".", ".x", 1)},
		"garbage token": {"Authorization", "Bearer a.b.c"},
	} {
		t.Run(name, func(t *testing.T) {
			// Even a public read is refused when the credential sent is bad.
			status, resp, h := post(t, srv, `{ stats { nodes } }`, nil, hdr...)
			if status != 401 || resp.codes()[0] != fault.CodeUnauthenticated || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("status %d, %+v, WWW-Authenticate %q", status, resp.Errors, h.Get("WWW-Authenticate"))
			}
		})
	}
	if status, resp, _ := post(t, srv, `{ stats { nodes } }`, nil); status != 200 || len(resp.Errors) > 0 {
		t.Errorf("anonymous public read: %d %+v", status, resp.Errors)
	}
}

func TestReadsNeedToken(t *testing.T) {
	srv, _, _ := authServer(t, func(c *Config) { c.ReadsNeedToken = true })
	status, resp, hdr := post(t, srv, `{ stats { nodes } }`, nil)
	if status != 401 || resp.codes()[0] != fault.CodeUnauthenticated || hdr.Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous read with AUTH_READS=token: %d %+v", status, resp.Errors)
	}
	if status, resp, _ := post(t, srv, `{ stats { nodes } }`, nil, "Authorization", "Bearer "+token(t, "rita", "reader")); status != 200 || len(resp.Errors) > 0 {
		t.Errorf("reader: %d %+v", status, resp.Errors)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != 200 {
		t.Errorf("/healthz needs no token: %d", rec.Code)
	}
}

func TestConfigRefusesTokenReadsWithoutCredentials(t *testing.T) {
	_, err := ConfigFromEnv(envOf(map[string]string{"AUTH_READS": "token"}))
	if err == nil || !strings.Contains(err.Error(), "AUTH_READS=token") {
		t.Errorf("err = %v", err)
	}
	_, err = ConfigFromEnv(envOf(map[string]string{"AUTH_JWT_HS256_SECRET": "short"}))
	if err == nil || !strings.Contains(err.Error(), "32 bytes") || strings.Contains(err.Error(), "short") {
		t.Errorf("short secret: %v", err)
	}
}

func TestGetMutationRefused(t *testing.T) {
	srv, cur, _ := authServer(t, nil)
	for _, q := range []string{
		`mutation { markReviewed(id: "policy:x") { id } }`,
		`query A { stats { nodes } } mutation B { markReviewed(id: "policy:x") { id } }`,
	} {
		u := "/graphql?query=" + url.QueryEscape(q)
		if strings.Contains(q, "mutation B") {
			u += "&operationName=B"
		}
		req := httptest.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+token(t, "eve", "editor"))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
			t.Errorf("GET %s: %d, Allow %q: %s", q, rec.Code, rec.Header().Get("Allow"), rec.Body.String())
		}
	}
	if cur.count() != 0 {
		t.Error("a GET mutation reached the curator")
	}
}

// TestSecretsNeverLogged captures every log line (debug level) while tokens, API keys and
// wrong credentials are used, and checks that no credential or secret appears.
func TestSecretsNeverLogged(t *testing.T) {
	srv, _, logs := authServer(t, nil)
	good, reader := token(t, "eve", "editor"), token(t, "rita", "reader")
	post(t, srv, upsert, nil, "Authorization", "Bearer "+good)
	post(t, srv, upsert, nil, "Authorization", "Bearer "+reader)
	post(t, srv, upsert, nil, APIKeyHeader, "api-key-for-tests-0123456789")
	post(t, srv, `{ stats { nodes } }`, nil, APIKeyHeader, "api-key-for-tests-WRONG-000")
	post(t, srv, `{ stats { nodes } }`, nil, "Authorization", "Bearer "+good+"tampered")
	out := logs.String() + srv.Config().LogValue().String()
	for _, secret := range []string{good, reader, strings.Split(good, ".")[2], "api-key-for-tests", testSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("logs expose a credential or secret (%.12s…)", secret)
		}
	}
	if !strings.Contains(out, `"subject":"eve"`) {
		t.Errorf("log lines should name the subject: %s", out)
	}
}

func newJSONLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
