package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/gen"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// progressCounter counts ingest's "[i/n] …" progress lines and signals when it reaches at.
type progressCounter struct {
	mu   sync.Mutex
	n    int
	at   int
	hit  chan struct{}
	done bool
}

func (p *progressCounter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += bytes.Count(b, []byte("\n"))
	if p.n >= p.at && !p.done {
		p.done = true
		close(p.hit)
	}
	return len(b), nil
}

// factIDs lists every fact a document write states: the document, its entities,
// relationships and figures.
func factIDs(w store.DocumentWrite) []string {
	ids := []string{w.Doc.ID}
	for _, n := range w.Nodes {
		ids = append(ids, n.ID)
	}
	for _, e := range w.Edges {
		ids = append(ids, e.ID)
	}
	for _, q := range w.Quantities {
		ids = append(ids, q.ID)
	}
	return ids
}

// checkWholeOrAbsent checks every planned document: ingested with every fact it states
// citing it, or not ingested with no fact citing it. It returns the number ingested.
func checkWholeOrAbsent(t *testing.T, s *store.Store, writes []store.DocumentWrite) int {
	t.Helper()
	ctx := context.Background()
	present := 0
	for _, w := range writes {
		ingested, stored, err := s.DocumentFacts(ctx, w.Doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids := factIDs(w)
		srcs, err := s.SourcesOf(ctx, ids[1:])
		if err != nil {
			t.Fatal(err)
		}
		var cite, missing []string
		for _, id := range ids[1:] {
			if slices.Contains(srcs[id], w.Doc.ID) {
				cite = append(cite, id)
			} else {
				missing = append(missing, id)
			}
		}
		if ingested {
			present++
			want := append([]string{}, ids...)
			sort.Strings(want)
			sort.Strings(stored)
			if len(missing) > 0 || !slices.Equal(want, stored) {
				t.Errorf("%s is recorded as ingested but %d of its %d facts are missing (%v); factIds match: %v",
					w.Doc.ID, len(missing), len(ids)-1, first(missing, 3), slices.Equal(want, stored))
			}
		} else if len(cite) > 0 {
			t.Errorf("%s is not ingested but %d facts cite it (%v): a partial document", w.Doc.ID, len(cite), first(cite, 3))
		}
	}
	return present
}

func first(ids []string, n int) []string { return ids[:min(n, len(ids))] }

// TestKillNeo4jMidIngest kills Neo4j (SIGKILL of the launcher's process group) while a
// generated corpus is being ingested, restarts it on the same data, and checks that each
// document is wholly present or wholly absent; a second ingest then completes the corpus.
func TestKillNeo4jMidIngest(t *testing.T) {
	d := neo4j(t)
	s := d.open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := s.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := gen.Generate(ctx, dir, gen.Config{Seed: 8, Scale: gen.Presets["tiny"]}); err != nil {
		t.Fatal(err)
	}
	files, err := bundle.BundleFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var bundles []*bundle.Bundle
	for _, f := range files {
		b, err := bundle.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	writes, err := ingest.Plan(ctx, bundles, nil)
	if err != nil {
		t.Fatal(err)
	}
	killAt := len(writes) / 3
	progress := &progressCounter{at: killAt, hit: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		_, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{Progress: progress, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		errc <- err
	}()
	select {
	case <-progress.hit:
	case err := <-errc:
		t.Fatalf("ingest ended before the kill: %v", err)
	}
	d.kill(t)
	killedAfter := progress.n
	err = <-errc
	if err == nil {
		t.Fatal("ingest reported success although Neo4j was killed during it")
	}
	t.Logf("killed Neo4j after %d of %d documents; ingest said: %.200s", killedAfter, len(writes), err)

	d.start(t)
	s2 := d.open(t)
	present := checkWholeOrAbsent(t, s2, writes)
	t.Logf("after the restart: %d documents wholly present, %d wholly absent", present, len(writes)-present)
	if present < killedAfter || present >= len(writes) {
		t.Errorf("%d documents present; the kill came after %d of %d", present, killedAfter, len(writes))
	}

	rep, err := ingest.Run(ctx, s2, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatalf("re-running the ingest: %v", err)
	}
	unchanged := 0
	for _, sum := range rep.Documents {
		if sum.Unchanged {
			unchanged++
		}
	}
	if unchanged != present || len(rep.Documents) != len(writes) {
		t.Errorf("re-run: %d documents, %d unchanged; want %d, %d", len(rep.Documents), unchanged, len(writes), present)
	}
	if n := checkWholeOrAbsent(t, s2, writes); n != len(writes) {
		t.Errorf("after the re-run %d of %d documents are present", n, len(writes))
	}
}

type gqlAnswer struct {
	status int
	code   string
	err    error
	took   time.Duration
}

func ask(c *http.Client, base, q string) gqlAnswer {
	start := time.Now()
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := c.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return gqlAnswer{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	var r struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &r)
	a := gqlAnswer{status: resp.StatusCode, took: time.Since(start)}
	if len(r.Errors) > 0 {
		a.code, _ = r.Errors[0].Extensions["code"].(string)
	}
	return a
}

func readyz(c *http.Client, base string) int {
	resp, err := c.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestNeo4jRestartWhileServing stops Neo4j under a serving API and starts it again, with
// clients asking all along: while it is down every answer is UNAVAILABLE within a few
// seconds and /readyz is 503; after it is back the same server answers within seconds.
func TestNeo4jRestartWhileServing(t *testing.T) {
	d := neo4j(t)
	s := d.open(t)
	storetest.SeedChangning(t, s)
	cfg := server.DefaultConfig()
	cfg.RateLimitRPS = 0
	srv := httptest.NewServer(server.New(cfg, server.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	c := &http.Client{Timeout: 30 * time.Second}
	const q = `{ stats { nodes } search(text: "长宁", first: 3) { node { id } } }`
	if a := ask(c, srv.URL, q); a.status != 200 || a.code != "" || readyz(c, srv.URL) != 200 {
		t.Fatalf("before the restart: %+v", a)
	}

	// Clients keep asking through the restart; no answer may be a 5xx or INTERNAL.
	var stop atomic.Bool
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				a := ask(c, srv.URL, q)
				key := a.code
				switch {
				case a.err != nil:
					key = "transport: " + a.err.Error()
				case a.status >= 500:
					key = fmt.Sprintf("HTTP %d", a.status)
				case key == "":
					key = "ok"
				}
				mu.Lock()
				codes[key]++
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}

	d.stop(t)
	down := time.Now()
	var slowest time.Duration
	for range 5 {
		a := ask(c, srv.URL, q)
		if a.code != "UNAVAILABLE" || a.status >= 500 {
			t.Errorf("while Neo4j is down: %+v, want UNAVAILABLE", a)
		}
		slowest = max(slowest, a.took)
	}
	if slowest > 5*time.Second {
		t.Errorf("requests took up to %s to fail while Neo4j was down; want a fast failure", slowest)
	}
	if code := readyz(c, srv.URL); code != 503 {
		t.Errorf("/readyz while Neo4j is down: %d", code)
	}
	t.Logf("while down (%s): requests failed with UNAVAILABLE in at most %s", time.Since(down).Round(time.Millisecond), slowest.Round(time.Millisecond))

	d.start(t)
	back := time.Now()
	var recovered time.Duration
	for {
		if a := ask(c, srv.URL, q); a.status == 200 && a.code == "" && readyz(c, srv.URL) == 200 {
			recovered = time.Since(back)
			break
		}
		if time.Since(back) > 30*time.Second {
			t.Fatal("the API did not answer within 30s of Neo4j's return")
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("service resumed %s after Neo4j was ready again; answers during the restart: %v", recovered.Round(time.Millisecond), codes)
	if recovered > 10*time.Second {
		t.Errorf("service resumed only %s after Neo4j's return", recovered)
	}
	for k, n := range codes {
		if k != "ok" && k != "UNAVAILABLE" && k != "TIMEOUT" {
			t.Errorf("%d answers %q during the restart", n, k)
		}
	}
}

// TestSIGTERMDrainsInFlight runs the built binary under load (slow requests: a 1s dataloader
// window), sends SIGTERM, and checks that every request in flight finishes with 200, that
// new connections are refused, and that the process exits cleanly within 10 s.
func TestSIGTERMDrainsInFlight(t *testing.T) {
	d := neo4j(t)
	s := d.open(t)
	storetest.SeedChangning(t, s)
	bin := binary(t)
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "NEO4J_URI="+d.uri(), "NEO4J_PASSWORD="+password, fmt.Sprintf("HTTP_ADDR=127.0.0.1:%d", port),
		"GRAPHQL_LOADER_WAIT=1s", "SHUTDOWN_TIMEOUT=8s", "RATE_LIMIT_RPS=0")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()
	c := &http.Client{Timeout: 30 * time.Second}
	for deadline := time.Now().Add(time.Minute); readyz(c, base) != 200; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %s", logs.String())
		}
	}

	// Each request waits for two dataloader batches of 1s: about 2s in flight.
	const slow = `{ nodes(kind: ENTERPRISE, first: 20) { edges { node { ... on Enterprise { industries { edges { node { name } } } quantities { value } } } } } }`
	type result struct {
		started time.Time
		a       gqlAnswer
	}
	var (
		mu      sync.Mutex
		results []result
		stop    atomic.Bool
		wg      sync.WaitGroup
		term    time.Time
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				start := time.Now()
				a := ask(c, base, slow)
				mu.Lock()
				results = append(results, result{start, a})
				mu.Unlock()
				if a.err != nil {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(2500 * time.Millisecond) // every client has a request in flight
	mu.Lock()
	term = time.Now()
	mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var exitErr error
	select {
	case exitErr = <-exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("the process did not exit within 10s of SIGTERM:\n%s", logs.String())
	}
	exitTook := time.Since(term)
	// New connections are refused once it is gone (and while it drains: the listener closes
	// first).
	if _, err := c.Get(base + "/healthz"); err == nil {
		t.Error("a new request was answered after the process exited")
	}
	stop.Store(true)
	wg.Wait()
	if exitErr != nil {
		t.Errorf("exit: %v\n%s", exitErr, logs.String())
	}

	var inflight, inflightOK, late, lateRefused int
	for _, r := range results {
		switch {
		case r.started.Before(term.Add(-50 * time.Millisecond)):
			// sent well before SIGTERM: the server has it (a request racing the signal by a
			// few milliseconds may meet a connection being closed, and is not judged)
			inflight++
			if r.a.err == nil && r.a.status == 200 && r.a.code == "" {
				inflightOK++
			} else {
				t.Errorf("a request in flight at SIGTERM failed: %+v", r.a)
			}
		case r.started.After(term.Add(200 * time.Millisecond)):
			late++
			if r.a.err != nil {
				lateRefused++
			} else {
				t.Errorf("a request sent %s after SIGTERM was served: %+v", r.started.Sub(term), r.a)
			}
		}
	}
	t.Logf("SIGTERM with %d requests sent before it (%d finished with 200); process exited after %s; %d requests sent later, %d refused",
		inflight, inflightOK, exitTook.Round(time.Millisecond), late, lateRefused)
	if inflight < 16 {
		t.Errorf("only %d requests were in flight at SIGTERM", inflight)
	}
	if !strings.Contains(logs.String(), "HTTP server stopped") {
		t.Errorf("no clean shutdown in the log:\n%s", logs.String())
	}
}
