// Command walkcost measures what the API's walks make Neo4j hand back: for sampled start
// nodes of a generated corpus, the rows of each level's statement and of the final fetch of
// a support walk (both directions, maxHops 1..6) and of a lineage walk (depth 1..10). The
// figures price the walks in graph/complexity.go.
//
//	go run ./bench/cmd/walkcost -uri bolt://127.0.0.1:7833 -password policygraph-bench -n 20
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/bench"
	"github.com/policygraph/policygraph/store"
)

func main() {
	uri := flag.String("uri", "bolt://127.0.0.1:7790", "Bolt URI of the benchmark Neo4j")
	password := flag.String("password", bench.Password, "neo4j password")
	n := flag.Int("n", 20, "start nodes sampled per walk")
	seed := flag.Uint64("seed", 1, "sample seed")
	flag.Parse()
	ctx := context.Background()
	drv, err := neo4j.NewDriverWithContext(*uri, neo4j.BasicAuth("neo4j", *password, ""))
	if err != nil {
		log.Fatal(err)
	}
	defer drv.Close(ctx)
	pool, err := bench.SamplePool(ctx, drv, *seed, *n)
	if err != nil {
		log.Fatal(err)
	}
	r := rand.New(rand.NewPCG(*seed, 17))
	pick := func(xs []string) []string {
		out := slices.Clone(xs)
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out[:min(*n, len(out))]
	}
	sess := drv.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)

	fmt.Println("| walk | levels | starts | rows per level (mean) | rows per level (max) | fetch rows (mean) | all rows (mean / max) |")
	fmt.Println("|---|---:|---:|---|---|---:|---:|")
	report := func(name string, levels int, rows []store.WalkRows) {
		mean, most := make([]float64, levels), make([]int, levels)
		fetch, total, maxTotal := 0.0, 0.0, 0
		for _, w := range rows {
			t := w.Fetch
			for i, c := range w.PerLevel {
				mean[i] += float64(c) / float64(len(rows))
				most[i] = max(most[i], c)
				t += c
			}
			fetch += float64(w.Fetch) / float64(len(rows))
			total += float64(t) / float64(len(rows))
			maxTotal = max(maxTotal, t)
		}
		fmt.Printf("| %s | %d | %d | %.0f | %v | %.0f | %.0f / %d |\n", name, levels, len(rows), mean, most, fetch, total, maxTotal)
	}
	policies, enterprises, lineage := pick(pool.Policies), pick(pool.Enterprises), pick(pool.Lineage)
	for hops := 1; hops <= store.MaxHops; hops++ {
		for _, c := range []struct {
			name   string
			dir    store.SupportDirection
			starts []string
		}{{"enterprisesSupportedBy", store.FromPolicy, policies}, {"policiesSupporting", store.FromEnterprise, enterprises}} {
			var rows []store.WalkRows
			for _, id := range c.starts {
				w, err := store.MeasureSupportWalk(ctx, sess, c.dir, id, hops, store.MaxPage, store.Full)
				if err != nil {
					fmt.Fprintln(os.Stderr, c.name, id, err)
					continue
				}
				rows = append(rows, w)
			}
			report(c.name, hops, rows)
		}
	}
	for depth := 1; depth <= store.MaxDepth; depth++ {
		var rows []store.WalkRows
		for _, id := range lineage {
			w, err := store.MeasureLineage(ctx, sess, id, store.Both, depth, store.Full)
			if err != nil {
				fmt.Fprintln(os.Stderr, "lineage", id, err)
				continue
			}
			rows = append(rows, w)
		}
		report("lineage BOTH", depth, rows)
	}
}
