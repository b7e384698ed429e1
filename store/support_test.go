package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/gen"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// oracleStep is the support walk as one quantified path pattern: the direction of each step
// checked on the relationship, the definition the breadth-first walk replaced because Neo4j
// cannot run it fast on hubs. It is the test's independent answer, never sent by the product.
const oracleStep = `((a)-[r:SUPPORTS|RECOGNIZES|ESTABLISHES|TARGETS|INVESTS_IN|IMPLEMENTS|PART_OF|DERIVED_FROM|PARTICIPATES_IN|IN_INDUSTRY|MEMBER_OF]-(b) WHERE
      (startNode(r) = a AND type(r) IN ['SUPPORTS','RECOGNIZES','ESTABLISHES','TARGETS','INVESTS_IN'])
   OR (endNode(r) = a AND type(r) IN ['IMPLEMENTS','PART_OF','DERIVED_FROM','PARTICIPATES_IN','IN_INDUSTRY','MEMBER_OF']))`

func oracleQuery(dir store.SupportDirection, hops int) string {
	q := strconv.Itoa(hops)
	if dir == store.FromEnterprise {
		return `MATCH (e:Entity {id: $id}) MATCH p = ANY SHORTEST (pol:Policy)` + oracleStep + `{1,` + q + `}(e)
RETURN pol.id AS end, length(p) AS hops, [r IN relationships(p) | type(r)] AS types`
	}
	return `MATCH (pol:Entity {id: $id}) MATCH p = ANY SHORTEST (pol)` + oracleStep + `{1,` + q + `}(e:Enterprise)
RETURN e.id AS end, length(p) AS hops, [r IN relationships(p) | type(r)] AS types`
}

// oracle returns "end@hops" for every far end, sorted.
func oracle(t *testing.T, drv neo4j.DriverWithContext, db string, dir store.SupportDirection, id string, hops int) []string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), drv, oracleQuery(dir, hops), map[string]any{"id": id},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatalf("oracle %s: %v", id, err)
	}
	var out []string
	for _, r := range res.Records {
		m := r.AsMap()
		out = append(out, fmt.Sprintf("%v@%v", m["end"], m["hops"]))
	}
	slices.Sort(out)
	return out
}

func ids(t *testing.T, drv neo4j.DriverWithContext, db, label string) []string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), drv, `MATCH (n:Entity) WHERE n.kind = $kind RETURN n.id AS id ORDER BY id`,
		map[string]any{"kind": label}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Records {
		out = append(out, r.AsMap()["id"].(string))
	}
	return out
}

// checkAgainstOracle compares both walks from every given start with the oracle: the same far
// ends at the same distances, paths that are real support chains of that length, and
// ends ordered by hops, then name.
func checkAgainstOracle(t *testing.T, s *store.Store, drv neo4j.DriverWithContext, db string, enterprises, policies []string) {
	ctx := context.Background()
	checked := 0
	for _, c := range []struct {
		dir    store.SupportDirection
		starts []string
	}{{store.FromEnterprise, enterprises}, {store.FromPolicy, policies}} {
		for _, id := range c.starts {
			for _, hops := range []int{1, 3} {
				var got []store.SupportPath
				var err error
				if c.dir == store.FromEnterprise {
					got, err = s.PoliciesSupporting(ctx, id, hops, store.MaxPage, store.Full)
				} else {
					got, err = s.EnterprisesSupportedBy(ctx, id, hops, store.MaxPage, store.Full)
				}
				if err != nil {
					t.Fatalf("%s (%d hops): %v", id, hops, err)
				}
				want := oracle(t, drv, db, c.dir, id, hops)
				var have []string
				for i, p := range got {
					end, start := p.PolicyID, p.EnterpriseID
					if c.dir == store.FromPolicy {
						end, start = p.EnterpriseID, p.PolicyID
					}
					if start != id {
						t.Errorf("%s: path %d starts at %s", id, i, start)
					}
					have = append(have, fmt.Sprintf("%s@%d", end, p.Hops))
					if len(p.Path.Nodes) != p.Hops+1 || len(p.Path.Edges) != p.Hops {
						t.Errorf("%s → %s: %d hops but %d nodes and %d edges", id, end, p.Hops, len(p.Path.Nodes), len(p.Path.Edges))
						continue
					}
					if p.Path.Nodes[0].ID != p.PolicyID || p.Path.Nodes[p.Hops].ID != p.EnterpriseID {
						t.Errorf("%s → %s: path runs %s … %s", id, end, p.Path.Nodes[0].ID, p.Path.Nodes[p.Hops].ID)
					}
					for k, e := range p.Path.Edges { // every edge joins consecutive nodes
						a, b := p.Path.Nodes[k].ID, p.Path.Nodes[k+1].ID
						if !(e.From == a && e.To == b) && !(e.From == b && e.To == a) {
							t.Errorf("%s → %s: edge %d %s→%s does not join %s and %s", id, end, k, e.From, e.To, a, b)
						}
					}
					if i > 0 {
						prev := got[i-1]
						pn, n := prev.Path.Nodes[len(prev.Path.Nodes)-1].Name, p.Path.Nodes[len(p.Path.Nodes)-1].Name
						if c.dir == store.FromEnterprise {
							pn, n = prev.Path.Nodes[0].Name, p.Path.Nodes[0].Name
						}
						if prev.Hops > p.Hops || (prev.Hops == p.Hops && pn > n) {
							t.Errorf("%s: path %d (%d hops, %s) after (%d hops, %s)", id, i, p.Hops, n, prev.Hops, pn)
						}
					}
				}
				var outline []store.SupportPath
				if c.dir == store.FromEnterprise {
					outline, err = s.PoliciesSupporting(ctx, id, hops, store.MaxPage, store.Outline)
				} else {
					outline, err = s.EnterprisesSupportedBy(ctx, id, hops, store.MaxPage, store.Outline)
				}
				if err != nil || len(outline) != len(got) {
					t.Fatalf("%s outline: %d paths, %v; full: %d", id, len(outline), err, len(got))
				}
				for i, o := range outline { // the same ends in the same order, and only the ends
					if o.PolicyID != got[i].PolicyID || o.EnterpriseID != got[i].EnterpriseID || o.Hops != got[i].Hops ||
						len(o.Path.Nodes) != 2 || o.Path.Nodes[0].ID != o.PolicyID || o.Path.Nodes[1].ID != o.EnterpriseID || len(o.Path.Edges) != 0 {
						t.Errorf("%s outline path %d: %+v, full %s → %s (%d hops)", id, i, o, got[i].PolicyID, got[i].EnterpriseID, got[i].Hops)
					}
				}
				slices.Sort(have)
				if !slices.Equal(have, want) {
					t.Errorf("%s (%d hops):\n got  %v\n want %v", id, hops, have, want)
				}
				checked++
			}
		}
	}
	t.Logf("%d walks agree with the oracle", checked)
}

func rawDriver(t *testing.T) (neo4j.DriverWithContext, string) {
	cfg := storetest.Config(t)
	user := cfg.User
	if user == "" {
		user = "neo4j" // as store.Open
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(user, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drv.Close(context.Background()) })
	return drv, cfg.Database
}

// TestSupportWalkMatchesOracle checks the breadth-first support walks against the single
// shortest-path statement on the curated Changning graph (every enterprise and policy) and on
// the tiny synthetic corpus (hubs: industries with many enterprises, derivation chains).
func TestSupportWalkMatchesOracle(t *testing.T) {
	s := storetest.Open(t)
	drv, db := rawDriver(t)
	t.Run("changning", func(t *testing.T) {
		storetest.SeedChangning(t, s)
		checkAgainstOracle(t, s, drv, db, ids(t, drv, db, "Enterprise"), ids(t, drv, db, "Policy"))
	})
	t.Run("tiny", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if _, err := gen.Generate(ctx, dir, gen.Config{Seed: 7, Scale: gen.Presets["tiny"]}); err != nil {
			t.Fatal(err)
		}
		storetest.Reset(t, s)
		if _, err := ingest.Run(ctx, s, []string{filepath.Join(dir)}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
		every := func(xs []string, n int) []string { // a spread sample, hubs included
			var out []string
			for i := 0; i < len(xs); i += max(1, len(xs)/n) {
				out = append(out, xs[i])
			}
			return out
		}
		checkAgainstOracle(t, s, drv, db, every(ids(t, drv, db, "Enterprise"), 40), every(ids(t, drv, db, "Policy"), 40))
	})
}

func TestSupportWalkArguments(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	const policy = "policy:长宁区支持金融服务业发展和金融科技创新的实施办法"
	all, err := s.EnterprisesSupportedBy(ctx, policy, 3, store.MaxPage, store.Full)
	if err != nil || len(all) < 3 {
		t.Fatalf("%d paths, %v", len(all), err)
	}
	for _, c := range []struct {
		name    string
		run     func() ([]store.SupportPath, error)
		want    int
		wantErr error
	}{
		{"first cuts in order", func() ([]store.SupportPath, error) { return s.EnterprisesSupportedBy(ctx, policy, 3, 2, store.Full) }, 2, nil},
		{"first 0 is empty", func() ([]store.SupportPath, error) { return s.EnterprisesSupportedBy(ctx, policy, 3, 0, store.Full) }, 0, nil},
		{"first 0 still checks the id", func() ([]store.SupportPath, error) {
			return s.EnterprisesSupportedBy(ctx, "policy:不存在", 3, 0, store.Full)
		}, 0, fault.ErrNotFound},
		{"first too large", func() ([]store.SupportPath, error) {
			return s.EnterprisesSupportedBy(ctx, policy, 3, store.MaxPage+1, store.Full)
		}, 0, fault.ErrInvalidInput},
		{"maxHops 0", func() ([]store.SupportPath, error) { return s.EnterprisesSupportedBy(ctx, policy, 0, 10, store.Full) }, 0, fault.ErrInvalidInput},
		{"unknown enterprise", func() ([]store.SupportPath, error) {
			return s.PoliciesSupporting(ctx, "enterprise:不存在", 3, 10, store.Full)
		}, 0, fault.ErrNotFound},
		{"policy given as enterprise", func() ([]store.SupportPath, error) { return s.PoliciesSupporting(ctx, policy, 3, 10, store.Full) }, 0, fault.ErrInvalidInput},
		{"enterprise given as policy", func() ([]store.SupportPath, error) {
			return s.EnterprisesSupportedBy(ctx, all[0].EnterpriseID, 3, 10, store.Full)
		}, 0, fault.ErrInvalidInput},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.run()
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("err = %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil || len(got) != c.want {
				t.Fatalf("%d paths, %v; want %d", len(got), err, c.want)
			}
			for i := range got {
				if got[i].EnterpriseID != all[i].EnterpriseID {
					t.Errorf("path %d: %s, want %s (a prefix of the full answer)", i, got[i].EnterpriseID, all[i].EnterpriseID)
				}
			}
		})
	}
}

// TestShortestPathMatchesOracle checks store.ShortestPath (Neo4j's bidirectional
// shortestPath()) against SHORTEST 1 on every pair of a spread of Changning entities: the
// same length, or none for both, and a path that really joins the two.
func TestShortestPathMatchesOracle(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	drv, db := rawDriver(t)
	ctx := context.Background()
	var starts []string
	for _, k := range []string{"Enterprise", "Policy", "Alliance", "TalentMeasure", "Program"} {
		xs := ids(t, drv, db, k)
		for i := 0; i < len(xs); i += max(1, len(xs)/4) {
			starts = append(starts, xs[i])
		}
	}
	const oracle = `MATCH (a:Entity {id: $from}) MATCH (b:Entity {id: $to})
OPTIONAL MATCH p = SHORTEST 1 (a)-[:ISSUED_BY|SUPPORTS|RECOGNIZES|ESTABLISHES|IMPLEMENTS|DERIVED_FROM|PART_OF|AMENDS|SUPERSEDES|MEMBER_OF|PARTICIPATES_IN|OPERATES|LOCATED_IN|IN_INDUSTRY|INVESTS_IN|TARGETS|INTRODUCED|PROPOSED_BY|RESPONDS_TO|SIGNED_BY]-{1,4}(b)
RETURN length(p) AS l`
	checked := 0
	for _, a := range starts {
		for _, b := range starts {
			if a == b {
				continue
			}
			res, err := neo4j.ExecuteQuery(ctx, drv, oracle, map[string]any{"from": a, "to": b}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := res.Records[0].AsMap()["l"].(int64)
			for _, d := range []store.Detail{store.Full, store.Outline} {
				got, err := s.ShortestPath(ctx, a, b, 4, d)
				if err != nil {
					t.Fatalf("%s → %s: %v", a, b, err)
				}
				if got == nil {
					if want != 0 {
						t.Errorf("%s → %s: no path, oracle %d hops", a, b, want)
					}
					continue
				}
				if int64(len(got.Edges)) != want || len(got.Nodes) != len(got.Edges)+1 || got.Nodes[0].ID != a || got.Nodes[len(got.Nodes)-1].ID != b {
					t.Errorf("%s → %s: %d edges over %d nodes, oracle %d hops", a, b, len(got.Edges), len(got.Nodes), want)
				}
			}
			checked++
		}
	}
	if got, err := s.ShortestPath(ctx, starts[0], starts[0], 4, store.Full); err != nil || got == nil || len(got.Nodes) != 1 || len(got.Edges) != 0 {
		t.Errorf("path to itself: %+v, %v", got, err)
	}
	if _, err := s.ShortestPath(ctx, "policy:不存在", "policy:不存在", 4, store.Full); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unknown id to itself: %v", err)
	}
	t.Logf("%d pairs agree with the oracle", checked)
}

// TestLineageMatchesOracle checks the breadth-first lineage walk against the single
// quantified-path statement it replaced, from every Changning entity, in every direction:
// the same nodes and the same edges.
func TestLineageMatchesOracle(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	drv, db := rawDriver(t)
	ctx := context.Background()
	steps := map[store.Direction]string{
		store.Upstream: `((a)-[r:DERIVED_FROM|IMPLEMENTS|PART_OF|AMENDS|SUPERSEDES|ESTABLISHES]-(b) WHERE
      (startNode(r) = a AND type(r) <> 'ESTABLISHES') OR (endNode(r) = a AND type(r) = 'ESTABLISHES'))`,
		store.Downstream: `((a)-[r:DERIVED_FROM|IMPLEMENTS|PART_OF|AMENDS|SUPERSEDES|ESTABLISHES]-(b) WHERE
      (endNode(r) = a AND type(r) <> 'ESTABLISHES') OR (startNode(r) = a AND type(r) = 'ESTABLISHES'))`,
		store.Both: `((a)-[r:DERIVED_FROM|IMPLEMENTS|PART_OF|AMENDS|SUPERSEDES|ESTABLISHES]-(b))`,
	}
	var all []string
	for _, k := range []string{"Policy", "Program", "TalentMeasure", "Enterprise", "Alliance", "Organization"} {
		all = append(all, ids(t, drv, db, k)...)
	}
	checked, nonTrivial := 0, 0
	for dir, step := range steps {
		for _, depth := range []int{2, 6} {
			oracle := `MATCH (n:Entity {id: $id})
OPTIONAL MATCH p = (n)` + step + `{1,` + strconv.Itoa(depth) + `}(:Entity)
WITH n, p
UNWIND CASE WHEN p IS NULL THEN [null] ELSE relationships(p) END AS r
WITH n, collect(DISTINCT r.id) AS rels, collect(DISTINCT startNode(r).id) + collect(DISTINCT endNode(r).id) + [n.id] AS ns
UNWIND ns AS x WITH rels, collect(DISTINCT x) AS nodes RETURN nodes, rels`
			for _, id := range all {
				res, err := neo4j.ExecuteQuery(ctx, drv, oracle, map[string]any{"id": id}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
				if err != nil {
					t.Fatal(err)
				}
				m := res.Records[0].AsMap()
				wantN, wantR := toStrings(m["nodes"]), toStrings(m["rels"])
				got, err := s.Lineage(ctx, id, dir, depth, store.Outline)
				if err != nil {
					t.Fatalf("%s %s %d: %v", id, dir, depth, err)
				}
				var gotN, gotR []string
				for _, n := range got.Nodes {
					gotN = append(gotN, n.ID)
				}
				for _, e := range got.Edges {
					gotR = append(gotR, e.ID)
				}
				if got.Nodes[0].ID != id {
					t.Errorf("%s: view starts at %s", id, got.Nodes[0].ID)
				}
				slices.Sort(gotN)
				slices.Sort(gotR)
				if !slices.Equal(gotN, wantN) || !slices.Equal(gotR, wantR) {
					t.Errorf("%s %s %d:\n got  %v %v\n want %v %v", id, dir, depth, gotN, gotR, wantN, wantR)
				}
				checked++
				if len(gotR) > 1 {
					nonTrivial++
				}
			}
		}
	}
	if nonTrivial < 20 {
		t.Errorf("only %d of %d walks found more than one edge", nonTrivial, checked)
	}
	t.Logf("%d lineage walks agree with the oracle (%d with more than one edge)", checked, nonTrivial)
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// TestSupportWalkSlots checks that walks beyond Config.MaxWalks wait for a slot within their
// deadline, and report a timeout (not a database failure) when none frees up.
func TestSupportWalkSlots(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	release := store.HoldWalkSlots(s)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err := s.PoliciesSupporting(ctx, "enterprise:西井科技", 3, 10, store.Outline)
	cancel()
	if !errors.Is(err, fault.ErrTimeout) {
		t.Fatalf("with every slot taken: %v, want a timeout", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.PoliciesSupporting(context.Background(), "enterprise:西井科技", 3, 10, store.Outline)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	release()
	if err := <-done; err != nil {
		t.Fatalf("after the slots were freed: %v", err)
	}
}
