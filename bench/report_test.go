package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// rr is a measurement of n requests in one second.
func rr(target string, s Shape, c, rep, n int) RunResult {
	return RunResult{Target: target, Shape: s, Concurrency: c, Rep: rep, Requests: n, Elapsed: time.Second}
}

// TestRepetitions: of repeated measurements the tables show the median one, and the ratios
// are read from the pairs of each repetition, not across repetitions.
func TestRepetitions(t *testing.T) {
	r := &Results{Queries: []RunResult{
		rr("policygraph", ShapeShortest, 8, 0, 300), rr("neo4j-graphql", ShapeShortest, 8, 0, 100), rr("floor", ShapeShortest, 8, 0, 400),
		rr("policygraph", ShapeShortest, 8, 1, 500), rr("neo4j-graphql", ShapeShortest, 8, 1, 400), rr("floor", ShapeShortest, 8, 1, 500),
		rr("policygraph", ShapeShortest, 8, 2, 450), rr("neo4j-graphql", ShapeShortest, 8, 2, 300), rr("floor", ShapeShortest, 8, 2, 600),
		rr("policygraph", ShapeNode, 8, 0, 1000), rr("floor", ShapeNode, 8, 0, 2000),
		rr("policygraph", ShapeNode, 8, 1, 900), rr("floor", ShapeNode, 8, 1, 1000),
	}}
	tests := []struct {
		target string
		shape  Shape
		want   int // requests of the median repetition
	}{
		{"policygraph", ShapeShortest, 450},
		{"neo4j-graphql", ShapeShortest, 300},
		{"floor", ShapeShortest, 500},
		{"policygraph", ShapeNode, 900}, // the lower middle of two
	}
	for _, tt := range tests {
		got := r.find(tt.target, tt.shape, 8)
		if got == nil || got.Requests != tt.want {
			t.Errorf("find(%s, %s) = %+v, want the repetition of %d requests", tt.target, tt.shape, got, tt.want)
		}
	}
	if got := r.find("neo4j-graphql", ShapeNode, 8); got != nil {
		t.Errorf("find of an unmeasured target = %+v", got)
	}

	ratios := r.pairedRatios("policygraph", "neo4j-graphql", ShapeShortest, 8)
	want := []float64{3, 1.25, 1.5}
	if len(ratios) != len(want) {
		t.Fatalf("paired ratios %v, want %v", ratios, want)
	}
	for i := range want {
		if ratios[i] != want[i] {
			t.Errorf("paired ratios %v, want %v", ratios, want)
		}
	}

	md := r.Markdown()
	for _, line := range []string{
		// pg ÷ ngql: 1.25, 1.5, 3 → median 1.5; overhead: 25 %, 0 %, 25 % → 0 / 25 / 25.
		"| shortestPath | 8 | 3 | 1.25× / 1.50× / 3.00× | 3.00×, 1.25×, 1.50× | 0% / 25% / 25% | 25%, 0%, 25% | – |",
		// Two repetitions: the median is the mean of the middle two (ratios 0.5 and 0.9).
		"| node+sources | 8 | 2 | – | – | 10% / 30% / 50% | 50%, 10% | – |",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("the report lacks %q:\n%s", line, md)
		}
	}

	single := &Results{Queries: []RunResult{rr("policygraph", ShapeNode, 8, 0, 10), rr("floor", ShapeNode, 8, 0, 20)}}
	if strings.Contains(single.Markdown(), "Repetitions") {
		t.Error("a run measured once has a repetitions section")
	}
}

// TestHTTPFloorRejectsBadBodies: a body that is not a request answers 400 with a GraphQL-shaped
// error naming what is wrong, before any statement is sent (the floor here has no driver).
func TestHTTPFloorRejectsBadBodies(t *testing.T) {
	h := HTTPFloorServer(&FloorTarget{})
	for _, body := range []string{``, `{`, `{"shape": 3}`, `[]`} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/q", strings.NewReader(body)))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"message":"request body: `) {
			t.Errorf("body %q: %d %s", body, rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("healthz: %d", rec.Code)
	}
}
