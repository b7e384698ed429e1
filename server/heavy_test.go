package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/fault"
)

// aliased repeats field n times under aliases a0, a1, …
func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// TestHeavyWalksRefusedByComplexity is issue 17's heavy query: 30 aliases of
// enterprisesSupportedBy(maxHops: 6) with paths touch over a million rows (graph/complexity.go)
// and are refused before any walk runs, with a COMPLEXITY_LIMIT error that names the price
// and the limit; one such walk, and 30 shallow ones without paths, still run.
func TestHeavyWalksRefusedByComplexity(t *testing.T) {
	const walk = `enterprisesSupportedBy(policyId: "policy:长宁区鼓励科技创新的实施办法", maxHops: %d) { hops enterprise { id name } path { nodes { id label } edges { type source target } } }`
	const outline = `enterprisesSupportedBy(policyId: "policy:长宁区鼓励科技创新的实施办法", maxHops: 1) { hops enterprise { id } }`
	for _, c := range []struct {
		name    string
		query   string
		refused bool
	}{
		{"30 aliases maxHops 6 with paths", aliased(30, fmt.Sprintf(walk, 6)), true},
		{"3 aliases maxHops 6 with paths", aliased(3, fmt.Sprintf(walk, 6)), true},
		{"30 aliases lineage maxDepth 10", aliased(30, `lineage(id: "policy:x", direction: BOTH, maxDepth: 10) { nodes { id } }`), true},
		{"one maxHops 6 with paths", aliased(1, fmt.Sprintf(walk, 6)), false},
		{"30 aliases maxHops 1 outline", aliased(30, outline), false},
	} {
		st := seeded(3)
		srv, _ := newTestServer(t, testConfig(), st)
		_, resp, _ := post(t, srv, c.query, nil)
		refused := len(resp.Errors) > 0 && resp.codes()[0] == fault.CodeComplexityLimit
		if refused != c.refused {
			t.Errorf("%s: refused=%v, want %v (%+v)", c.name, refused, c.refused, resp.Errors)
			continue
		}
		if !refused {
			continue
		}
		if msg := resp.Errors[0].Message; !strings.Contains(msg, "exceeds the limit of 5000") {
			t.Errorf("%s: message %q does not name the limit", c.name, msg)
		}
		if n := st.callCount("EnterprisesSupportedBy") + st.callCount("Lineage"); n != 0 {
			t.Errorf("%s: %d walks ran before the refusal", c.name, n)
		}
	}
}

// TestResponseSizeCap: an answer over MAX_RESPONSE_BYTES is replaced by one
// RESPONSE_TOO_LARGE error with its size and the limit, and no data.
func TestResponseSizeCap(t *testing.T) {
	cfg := testConfig()
	cfg.MaxResponseBytes = 4096
	srv, _ := newTestServer(t, cfg, seeded(200))
	q := `{ nodes(kind: ENTERPRISE, first: 200) { edges { node { id name } } } }`
	status, resp, _ := post(t, srv, q, nil)
	if status != http.StatusOK || len(resp.Errors) != 1 || resp.codes()[0] != CodeResponseTooLarge {
		t.Fatalf("status %d, errors %+v", status, resp.Errors)
	}
	if string(resp.Data) != "" && string(resp.Data) != "null" {
		t.Errorf("data sent with the error: %.100s", resp.Data)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "over the limit of 4096 (MAX_RESPONSE_BYTES)") {
		t.Errorf("message %q", msg)
	}
	_, resp, _ = post(t, srv, `{ nodes(kind: ENTERPRISE, first: 5) { edges { node { id } } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Errorf("a small answer: %+v", resp.Errors)
	}
}

// chunked is a body without a length: the transport must read it to learn its size.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestChunkedBodyOverLimit: a 10 MB body sent chunked (no Content-Length) gets 413 like a
// declared one, not 200 with an error.
func TestChunkedBodyOverLimit(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(0))
	body := append([]byte(`{"query": "{ stats { nodes } }", "pad": "`), bytes.Repeat([]byte("x"), 10<<20)...)
	body = append(body, `"}`...)
	req := httptest.NewRequest(http.MethodPost, "/graphql", chunked{bytes.NewReader(body)})
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "MAX_BODY_BYTES") || !strings.Contains(rec.Body.String(), fault.CodeBadUserInput) {
		t.Errorf("status %d, body %.300s", rec.Code, rec.Body.String())
	}
}
