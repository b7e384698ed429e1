package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/storetest"
)

const (
	replicaKey    = "replica-test-key-0123456789"
	replicaSecret = "replica-test-secret-of-32-bytes-or-more"
	replicaIssuer = "https://id.example"
	replicaAud    = "policygraph"
)

// replica is one `policygraph serve` process.
type replica struct {
	base string
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

// startReplica runs the built binary's `serve` against uri on a free port and waits until
// /readyz answers 200. It is stopped with SIGTERM at the end of the test.
func startReplica(t *testing.T, uri string) *replica {
	t.Helper()
	port := freePort(t)
	r := &replica{base: fmt.Sprintf("http://127.0.0.1:%d", port), logs: &bytes.Buffer{}}
	r.cmd = exec.Command(binary(t), "serve")
	r.cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, "NEO4J_PASSWORD="+password,
		fmt.Sprintf("HTTP_ADDR=127.0.0.1:%d", port), "RATE_LIMIT_RPS=0",
		"AUTH_API_KEYS=curator@"+replicaKey+"=editor", "AUTH_JWT_HS256_SECRET="+replicaSecret,
		"AUTH_JWT_ISSUER="+replicaIssuer, "AUTH_JWT_AUDIENCE="+replicaAud)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = r.cmd.Process.Kill()
			<-exited
		}
	})
	c := &http.Client{Timeout: 10 * time.Second}
	for deadline := time.Now().Add(2 * time.Minute); readyz(c, r.base) != 200; time.Sleep(100 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("serve on %s exited:\n%s", r.base, r.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve on %s not ready:\n%s", r.base, r.logs)
		}
	}
	return r
}

// answer is one GraphQL response with its bookmark header.
type answer struct {
	status int
	header http.Header
	data   map[string]json.RawMessage
	errors []struct {
		Message    string
		Extensions map[string]any
	}
	bookmarks []string // extensions.neo4jBookmarks
	raw       string
}

func (a answer) code() string {
	if len(a.errors) == 0 {
		return ""
	}
	c, _ := a.errors[0].Extensions["code"].(string)
	return c
}

// post sends one GraphQL request with the given credential and bookmark header values.
func (r *replica) post(t *testing.T, credential, query string, vars map[string]any, bookmarks ...string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, r.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if credential != "" {
		req.Header.Set("Authorization", "Bearer "+credential)
	}
	for _, b := range bookmarks {
		req.Header.Add(server.BookmarkHeader, b)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	var m struct {
		Data   map[string]json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
		Extensions struct {
			Neo4jBookmarks []string `json:"neo4jBookmarks"`
		}
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s answered %d with no JSON: %s", r.base, resp.StatusCode, raw)
	}
	a.data, a.errors, a.bookmarks = m.Data, m.Errors, m.Extensions.Neo4jBookmarks
	return a
}

// TestReadYourWritesAcrossReplicas runs two API processes on one Neo4j: a write through A
// answers its bookmark (header and extension), a read through B that sends it sees the write,
// B hands Neo4j what it is sent (a bookmark Neo4j does not know is BAD_USER_INPUT, a
// malformed header 400), and reads return no bookmark. It also checks, end to end, that a JWT
// whose sub could not be stored as the actor is refused with 401 and changes nothing.
func TestReadYourWritesAcrossReplicas(t *testing.T) {
	d := neo4j(t)
	s := d.open(t)
	storetest.SeedChangning(t, s)
	a := startReplica(t, d.uri())
	b := startReplica(t, d.uri())

	const (
		id     = "enterprise:矽睿科技"
		upsert = `mutation($in: EntityInput!) { upsertEntity(input: $in) { id aliases } }`
		read   = `query($id: ID!) { node(id: $id) { id aliases } }`
		trail  = `query($id: ID!) { auditTrail(targetId: $id, first: 100) { edges { node { actor action } } } }`
	)
	aliasesOf := func(ans answer) []string {
		var n struct{ Aliases []string }
		if err := json.Unmarshal(ans.data["node"], &n); err != nil {
			t.Fatalf("node: %v in %s", err, ans.raw)
		}
		return n.Aliases
	}
	for i := range 3 {
		alias := fmt.Sprintf("副本别名%d", i)
		w := a.post(t, replicaKey, upsert, map[string]any{"in": map[string]any{"id": id, "kind": "ENTERPRISE", "name": "矽睿科技", "aliases": []string{alias}}})
		if w.status != 200 || len(w.errors) > 0 {
			t.Fatalf("upsert through A: %d %s", w.status, w.raw)
		}
		h := w.header.Get(server.BookmarkHeader)
		if h == "" || !slices.Equal(strings.Split(h, ","), w.bookmarks) {
			t.Fatalf("write through A: header %q, extension %q; want the same non-empty bookmarks", h, w.bookmarks)
		}
		r := b.post(t, "", read, map[string]any{"id": id}, h)
		if r.status != 200 || len(r.errors) > 0 {
			t.Fatalf("read through B with the bookmark: %d %s", r.status, r.raw)
		}
		if got := aliasesOf(r); !slices.Contains(got, alias) {
			t.Fatalf("B with A's bookmark does not see the write: aliases %q, want %q among them", got, alias)
		}
		if r.header.Get(server.BookmarkHeader) != "" || len(r.bookmarks) > 0 {
			t.Errorf("a read answered a bookmark: %q %q", r.header.Get(server.BookmarkHeader), r.bookmarks)
		}
		t.Logf("write %d through A: bookmark %s; read through B with it: aliases %q", i, h, aliasesOf(r))
	}

	// B passes what it is sent to Neo4j: a well-formed bookmark Neo4j never issued is the
	// caller's mistake, named as such; a malformed header is refused before anything runs.
	if r := b.post(t, "", read, map[string]any{"id": id}, "FB:bm9zdWNoYm9va21hcms="); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, server.BookmarkHeader) {
		t.Errorf("unknown bookmark: %d %s; want BAD_USER_INPUT naming %s", r.status, r.raw, server.BookmarkHeader)
	}
	for name, bad := range map[string]string{"space": "FB:a b", "non-ASCII": "FB:书签", "too long": "FB:" + strings.Repeat("A", 600)} {
		if r := b.post(t, "", read, map[string]any{"id": id}, bad); r.status != 400 || r.code() != "BAD_USER_INPUT" {
			t.Errorf("%s bookmark: %d %s; want 400 BAD_USER_INPUT", name, r.status, r.raw)
		}
	}
	if r := b.post(t, "", read, map[string]any{"id": id}, strings.Repeat("FB:x,", 17)); r.status != 400 {
		t.Errorf("17 bookmarks: %d %s; want 400", r.status, r.raw)
	}

	// A sub that cannot be the actor, and a token without iss or aud: 401 with the reason,
	// a challenge, and no write.
	events := func() int {
		r := b.post(t, replicaKey, trail, map[string]any{"id": id})
		var tr struct {
			Edges []struct {
				Node struct{ Actor, Action string }
			}
		}
		if err := json.Unmarshal(r.data["auditTrail"], &tr); err != nil {
			t.Fatalf("auditTrail: %v in %s", err, r.raw)
		}
		for _, e := range tr.Edges {
			if len(e.Node.Actor) > 256 || strings.ContainsAny(e.Node.Actor, "\n\x00") {
				t.Errorf("an actor of %d bytes is stored: %.60q", len(e.Node.Actor), e.Node.Actor)
			}
		}
		return len(tr.Edges)
	}
	before := events()
	token := func(edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{"sub": "eve", "role": "editor", "iss": replicaIssuer, "aud": replicaAud,
			"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
		edit(c)
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(replicaSecret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name, token, want string
	}{
		{"5000-character sub", token(func(c jwt.MapClaims) { c["sub"] = strings.Repeat("e", 5000) }), "sub must be at most 256 bytes of printable UTF-8"},
		{"control-character sub", token(func(c jwt.MapClaims) { c["sub"] = "eve\x1b[31m\nadmin" }), "sub must be at most 256 bytes of printable UTF-8"},
		{"no iss", token(func(c jwt.MapClaims) { delete(c, "iss") }), "claim (iss) is missing"},
		{"no aud", token(func(c jwt.MapClaims) { delete(c, "aud") }), "claim (aud) is missing"},
	} {
		r := a.post(t, tc.token, upsert, map[string]any{"in": map[string]any{"id": id, "kind": "ENTERPRISE", "name": "矽睿科技", "aliases": []string{"不该写入"}}})
		if r.status != 401 || r.code() != "UNAUTHENTICATED" || !strings.Contains(r.raw, tc.want) || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %s (WWW-Authenticate %q); want 401 UNAUTHENTICATED saying %q", tc.name, r.status, r.raw, r.header.Get("WWW-Authenticate"), tc.want)
		}
	}
	if after := events(); after != before {
		t.Errorf("refused tokens wrote: %d audit events before, %d after", before, after)
	}
	if got := aliasesOf(b.post(t, "", read, map[string]any{"id": id})); slices.Contains(got, "不该写入") {
		t.Errorf("a refused token's alias was written: %q", got)
	}
}
