package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/store"
)

// Shape is one kind of contract query.
type Shape string

// The query shapes of the benchmark, in report order.
const (
	ShapeSearch       Shape = "search"
	ShapeNode         Shape = "node+sources"
	ShapeNodesPage    Shape = "nodesPage"
	ShapePolicies     Shape = "policiesSupporting"
	ShapeEnterprises  Shape = "enterprisesSupportedBy"
	ShapeLineage      Shape = "lineage"
	ShapeNeighborhood Shape = "neighborhood2"
	ShapeShortest     Shape = "shortestPath"
)

// Shapes lists every shape in report order.
var Shapes = []Shape{ShapeSearch, ShapeNode, ShapeNodesPage, ShapePolicies, ShapeEnterprises, ShapeLineage, ShapeNeighborhood, ShapeShortest}

// Args are the randomised arguments of one request.
type Args struct {
	Text     string // search text
	ID, ToID string
	Offset   int    // nodes page: position of the page in id order
	AfterID  string // nodes page: id of the node before the page (keyset cursor)
}

// Pool holds the ids requests draw from, sampled from the graph once before the run.
type Pool struct {
	Enterprises []string // sorted by id: the nodes page's order
	Policies    []string // gazette policies (they support enterprises)
	Lineage     []string // talent measures and programs (lineage walks up from them)
	Names       []string // enterprise short names (aliases) for search
}

// SamplePool reads the id pools from the graph; seed fixes which ids are drawn.
func SamplePool(ctx context.Context, drv neo4j.DriverWithContext, seed uint64, n int) (*Pool, error) {
	q := func(cypher string) ([]string, error) {
		res, err := neo4j.ExecuteQuery(ctx, drv, cypher, nil, neo4j.EagerResultTransformer)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(res.Records))
		for _, r := range res.Records {
			v, _ := r.Get("v")
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out, nil
	}
	p := &Pool{}
	var err error
	if p.Enterprises, err = q(`MATCH (n:Enterprise) RETURN n.id AS v ORDER BY v`); err != nil {
		return nil, err
	}
	if p.Policies, err = q(`MATCH (n:Policy) WHERE n.policyType <> 'list' AND n.policyType <> 'framework' RETURN n.id AS v ORDER BY v`); err != nil {
		return nil, err
	}
	if p.Lineage, err = q(`MATCH (n:TalentMeasure) RETURN n.id AS v ORDER BY v`); err != nil {
		return nil, err
	}
	if p.Names, err = q(`MATCH (n:Enterprise) RETURN n.aliases[0] AS v ORDER BY n.id`); err != nil {
		return nil, err
	}
	if len(p.Enterprises) == 0 || len(p.Policies) == 0 || len(p.Lineage) == 0 {
		return nil, fmt.Errorf("bench: the graph has no enterprises, policies or measures to query")
	}
	r := rand.New(rand.NewPCG(seed, 99))
	p.Policies = sample(r, p.Policies, n)
	p.Lineage = sample(r, p.Lineage, n)
	p.Names = sample(r, p.Names, n)
	return p, nil
}

func sample(r *rand.Rand, xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	out := make([]string, n)
	for i := range out {
		out[i] = xs[r.IntN(len(xs))]
	}
	return out
}

// Args draws the arguments of one request of shape s.
func (p *Pool) Args(r *rand.Rand, s Shape) Args {
	ent := func() string { return p.Enterprises[r.IntN(len(p.Enterprises))] }
	switch s {
	case ShapeSearch:
		return Args{Text: p.Names[r.IntN(len(p.Names))]}
	case ShapeNode, ShapePolicies, ShapeNeighborhood:
		return Args{ID: ent()}
	case ShapeNodesPage:
		k := r.IntN(len(p.Enterprises))
		a := Args{Offset: k}
		if k > 0 {
			a.AfterID = p.Enterprises[k-1]
		}
		return a
	case ShapeEnterprises:
		return Args{ID: p.Policies[r.IntN(len(p.Policies))]}
	case ShapeLineage:
		return Args{ID: p.Lineage[r.IntN(len(p.Lineage))]}
	case ShapeShortest:
		return Args{ID: p.Policies[r.IntN(len(p.Policies))], ToID: ent()}
	}
	return Args{}
}

// Target is a system under test: it answers one request of a shape.
type Target interface {
	Name() string
	Do(ctx context.Context, s Shape, a Args) error
}

// GraphQL documents sent to policygraph's API: the contract of schema.graphqls.
var policygraphDocs = map[Shape]string{
	ShapeSearch:       `query($t: String!) { search(text: $t, first: 20) { score node { id kind name } } }`,
	ShapeNode:         `query($id: ID!) { node(id: $id) { id kind name aliases method confidence sources { documentId passage start end quote method confidence } } }`,
	ShapeNodesPage:    `query($a: String) { nodes(kind: ENTERPRISE, first: 50, after: $a) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`,
	ShapePolicies:     `query($id: ID!) { policiesSupporting(enterpriseId: $id, maxHops: 3) { hops policy { id name } } }`,
	ShapeEnterprises:  `query($id: ID!) { enterprisesSupportedBy(policyId: $id, maxHops: 3) { hops enterprise { id name } } }`,
	ShapeLineage:      `query($id: ID!) { lineage(id: $id, direction: UPSTREAM, maxDepth: 6) { nodes { id kind label } edges { id type source target } truncated } }`,
	ShapeNeighborhood: `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { nodes { id kind label } edges { id type source target } truncated } }`,
	ShapeShortest:     `query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxHops: 6) { nodes { id kind label } edges { id type source target } } }`,
}

// GraphQL documents sent to the @neo4j/graphql server (bench/neo4j-graphql/schema.graphql):
// the generated queries where the library has them, @cypher fields for the walks.
var neo4jGraphQLDocs = map[Shape]string{
	ShapeSearch:       `query($t: String!) { search(text: $t, first: 20) { score node { id kind name } } }`,
	ShapeNode:         `query($id: ID!) { entities(where: { id: { eq: $id } }) { id kind name aliases method confidence srcDoc srcPassage srcStart srcEnd srcQuote srcMethod srcConf } }`,
	ShapeNodesPage:    `query($a: String) { enterprisesConnection(first: 50, after: $a, sort: [{ id: ASC }]) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`,
	ShapePolicies:     `query($id: ID!) { policiesSupporting(enterpriseId: $id, maxHops: 3) { hops policy { id name } } }`,
	ShapeEnterprises:  `query($id: ID!) { enterprisesSupportedBy(policyId: $id, maxHops: 3) { hops enterprise { id name } } }`,
	ShapeLineage:      `query($id: ID!) { lineage(id: $id, maxDepth: 6) { nodes { id kind label } edges { id type source target } truncated } }`,
	ShapeNeighborhood: `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { nodes { id kind label } edges { id type source target } truncated } }`,
	ShapeShortest:     `query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxHops: 6) { nodes { id kind label } edges { id type source target } } }`,
}

// HTTPTarget posts GraphQL requests (or, with body set, other JSON) to a server on loopback.
type HTTPTarget struct {
	name   string
	url    string
	docs   map[Shape]string
	vars   func(s Shape, a Args) map[string]any
	body   func(s Shape, a Args) any // the request body; nil: a GraphQL request of docs and vars
	client *http.Client
}

// NewPolicygraphTarget returns the target for policygraph's API at url (…/graphql).
func NewPolicygraphTarget(url string) *HTTPTarget {
	return &HTTPTarget{name: "policygraph", url: url, docs: policygraphDocs, client: httpClient(), vars: func(s Shape, a Args) map[string]any {
		switch s {
		case ShapeSearch:
			return map[string]any{"t": a.Text}
		case ShapeNodesPage:
			if a.AfterID == "" {
				return map[string]any{"a": nil}
			}
			return map[string]any{"a": store.Cursor(a.AfterID)}
		case ShapeShortest:
			return map[string]any{"a": a.ID, "b": a.ToID}
		}
		return map[string]any{"id": a.ID}
	}}
}

// NewNeo4jGraphQLTarget returns the target for the @neo4j/graphql server at url.
func NewNeo4jGraphQLTarget(url string) *HTTPTarget {
	return &HTTPTarget{name: "neo4j-graphql", url: url, docs: neo4jGraphQLDocs, client: httpClient(), vars: func(s Shape, a Args) map[string]any {
		switch s {
		case ShapeSearch:
			return map[string]any{"t": a.Text}
		case ShapeNodesPage:
			if a.Offset == 0 {
				return map[string]any{"a": nil}
			}
			// The library's cursors are offsets (graphql-relay's arrayconnection).
			return map[string]any{"a": base64.StdEncoding.EncodeToString([]byte("arrayconnection:" + strconv.Itoa(a.Offset-1)))}
		case ShapeShortest:
			return map[string]any{"a": a.ID, "b": a.ToID}
		}
		return map[string]any{"id": a.ID}
	}}
}

func httpClient() *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
}

// Name implements Target.
func (t *HTTPTarget) Name() string { return t.name }

// Do implements Target: one POST, the whole body read, GraphQL errors reported.
func (t *HTTPTarget) Do(ctx context.Context, s Shape, a Args) error {
	var payload any
	if t.body != nil {
		payload = t.body(s, a)
	} else {
		payload = map[string]any{"query": t.docs[s], "variables": t.vars(s, a)}
	}
	body, _ := json.Marshal(payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %.300s", t.name, resp.StatusCode, b)
	}
	var out struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("%s: %v", t.name, err)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("%s: %s", t.name, out.Errors[0].Message)
	}
	return nil
}

// FloorTarget runs the store's own Cypher for each shape through the Go driver: no HTTP,
// no GraphQL, no result mapping — what Neo4j itself costs. Every statement is auto-commit,
// as the store sends its reads. The support walks, which are several statements, run
// through store.RunSupportWalk: the same
// statements and the same hop-by-hop logic, with nothing decoded.
type FloorTarget struct {
	drv neo4j.DriverWithContext
	q   map[Shape]string
}

// NewFloorTarget takes the Cypher of each shape from store.Queries.
func NewFloorTarget(drv neo4j.DriverWithContext) (*FloorTarget, error) {
	byName := map[string]string{}
	for _, q := range store.Queries() {
		byName[q.Name] = q.Cypher
	}
	// The views' documents ask only what draws a graph, so the API reads them at
	// store.Outline: the floor runs those statements.
	names := map[Shape]string{
		ShapeSearch: "search_outline", ShapeNode: "nodesByIDs", ShapeNodesPage: "listNodes_Enterprise_outline",
		ShapeNeighborhood: "neighborhood_2_outline", ShapeShortest: "shortestPath_6_outline",
	}
	t := &FloorTarget{drv: drv, q: map[Shape]string{}}
	for s, n := range names {
		c, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("bench: store has no query %q", n)
		}
		t.q[s] = c
	}
	return t, nil
}

// Name implements Target.
func (t *FloorTarget) Name() string { return "floor" }

// Do implements Target with the parameters the store passes for the API's arguments.
func (t *FloorTarget) Do(ctx context.Context, s Shape, a Args) error {
	_, err := t.run(ctx, s, a, nil)
	return err
}

// run sends shape s's statements for a and hands each record of a one-statement shape to
// each (when not nil); it returns the number of records, or of rows a walk found.
func (t *FloorTarget) run(ctx context.Context, s Shape, a Args, each func(*neo4j.Record) error) (int, error) {
	var p map[string]any
	switch s {
	case ShapeSearch:
		p = map[string]any{"lucene": store.LuceneQuery(a.Text), "text": a.Text, "kinds": []string{}, "cand": 100, "first": 20}
	case ShapeNode:
		p = map[string]any{"ids": []string{a.ID}}
	case ShapeNodesPage:
		p = map[string]any{"after": a.AfterID, "limit": 51}
	case ShapePolicies, ShapeEnterprises:
		// A support walk is several statements, the next chosen from the last answer (a
		// breadth-first search, one statement per hop): the floor sends exactly the store's.
		dir := store.FromEnterprise
		if s == ShapeEnterprises {
			dir = store.FromPolicy
		}
		return t.walk(ctx, func(ctx context.Context, sess neo4j.SessionWithContext) (int, error) {
			return store.RunSupportWalk(ctx, sess, dir, a.ID, 3, store.MaxPage, store.Outline) // the documents ask no path
		})
	case ShapeLineage:
		// A lineage walk is one statement per level (breadth-first), as the store sends it.
		return t.walk(ctx, func(ctx context.Context, sess neo4j.SessionWithContext) (int, error) {
			return store.RunLineage(ctx, sess, a.ID, store.Upstream, 6, store.Outline)
		})
	case ShapeNeighborhood:
		p = map[string]any{"id": a.ID, "kinds": []string{}, "limit": 200}
	case ShapeShortest:
		p = map[string]any{"from": a.ID, "to": a.ToID}
	}
	// The same bound as the HTTP targets' client timeout; one auto-commit statement, as the
	// store sends its reads (one round trip; ExecuteQuery's transaction costs two).
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	sess := t.drv.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, t.q[s], p)
	if err != nil {
		return 0, err
	}
	n := 0
	for res.Next(ctx) { // every record read and hydrated
		n++
		if each != nil {
			if err := each(res.Record()); err != nil {
				return n, err
			}
		}
	}
	return n, res.Err()
}

// walk runs a multi-statement walk on one read session, auto-commit like the store's, bounded
// like the HTTP targets' client timeout.
func (t *FloorTarget) walk(ctx context.Context, walk func(context.Context, neo4j.SessionWithContext) (int, error)) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	sess := t.drv.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	return walk(ctx, sess)
}

// RunResult is one (target, shape, concurrency) measurement.
type RunResult struct {
	Target      string        `json:"target"`
	Shape       Shape         `json:"shape"`
	Concurrency int           `json:"concurrency"`
	Rep         int           `json:"rep,omitempty"` // the repetition (Suite.Repeat), from 0
	Requests    int           `json:"requests"`
	Errors      int           `json:"errors"`
	FirstError  string        `json:"firstError,omitempty"`
	Elapsed     time.Duration `json:"elapsed"`
	P50         time.Duration `json:"p50"`
	P95         time.Duration `json:"p95"`
	P99         time.Duration `json:"p99"`
	Max         time.Duration `json:"max"`
	// CPU is the CPU time each process spent per measured request, in ms, by role (see
	// RunOptions.CPU): where the machine's two cores went.
	CPU map[string]float64 `json:"cpuMsPerRequest,omitempty"`
}

// Throughput is requests per second.
func (r RunResult) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// RunOptions bound one measurement.
type RunOptions struct {
	Concurrency int
	Warmup      time.Duration // requests sent first and not measured
	Duration    time.Duration // measured time
	MaxRequests int           // stop the measured phase after this many requests (0: 1e6)
	Seed        uint64
	// CPU names the processes whose CPU time the measured phase is charged with, by role
	// ("neo4j", "server", "client"; pid 0 is this process); the result reports it per request.
	CPU map[string]int
}

// Run measures one target on one shape: Concurrency workers send requests back to back,
// for Warmup (unmeasured) then Duration or MaxRequests, whichever comes first.
func Run(ctx context.Context, t Target, pool *Pool, s Shape, o RunOptions) RunResult {
	if o.MaxRequests <= 0 {
		o.MaxRequests = 1_000_000
	}
	res := RunResult{Target: t.Name(), Shape: s, Concurrency: o.Concurrency}
	phase := func(d time.Duration, limit int, record bool) ([]time.Duration, int, string, time.Duration) {
		var mu sync.Mutex
		var lat []time.Duration
		var errs int
		var first string
		var sent atomic.Int64
		start := time.Now()
		deadline := start.Add(d)
		var wg sync.WaitGroup
		for w := 0; w < o.Concurrency; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(o.Seed, uint64(w)<<32|uint64(len(s))))
				var mine []time.Duration
				for time.Now().Before(deadline) && ctx.Err() == nil && sent.Add(1) <= int64(limit) {
					a := pool.Args(r, s)
					t0 := time.Now()
					err := t.Do(ctx, s, a)
					el := time.Since(t0)
					if err != nil {
						mu.Lock()
						errs++
						if first == "" {
							first = err.Error()
						}
						mu.Unlock()
						continue
					}
					if record {
						mine = append(mine, el)
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}(w)
		}
		wg.Wait()
		return lat, errs, first, time.Since(start)
	}
	if o.Warmup > 0 {
		phase(o.Warmup, o.MaxRequests, false)
	}
	before := cpuTimes(o.CPU)
	lat, errs, first, el := phase(o.Duration, o.MaxRequests, true)
	after := cpuTimes(o.CPU)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res.Requests, res.Errors, res.FirstError, res.Elapsed = len(lat), errs, first, el
	if len(lat) > 0 && len(o.CPU) > 0 {
		res.CPU = map[string]float64{}
		for role, t := range after {
			res.CPU[role] = float64((t - before[role]).Microseconds()) / 1000 / float64(len(lat))
		}
	}
	if len(lat) > 0 {
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		res.P50, res.P95, res.P99, res.Max = pct(0.50), pct(0.95), pct(0.99), lat[len(lat)-1]
	}
	return res
}
