package bench

import (
	"cmp"
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Results is everything one benchmark run measured.
type Results struct {
	Scale      string         `json:"scale"`
	Seed       uint64         `json:"seed"`
	Machine    string         `json:"machine"`
	Started    time.Time      `json:"started"`
	Corpus     string         `json:"corpus"` // gen.Stats of the corpus
	Sweep      []LoadResult   `json:"batchSweep,omitempty"`
	Loads      []LoadResult   `json:"loads"`
	Queries    []RunResult    `json:"queries"`
	RSS        map[string]RSS `json:"rss,omitempty"` // API servers' memory, by target
	Notes      []string       `json:"notes,omitempty"`
	GraphNodes int64          `json:"graphNodes"`
	GraphRels  int64          `json:"graphRels"`
}

// RSS is a server's resident memory idle (after start-up and one request of each shape)
// and its peak under load.
type RSS struct {
	Idle int64 `json:"idle"`
	Peak int64 `json:"peak"`
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
}

// Markdown renders the results as the tables of bench/README.md.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Scale `%s`, seed %d, %s; started %s.\n\nCorpus: %s.\n\n", r.Scale, r.Seed, r.Machine, r.Started.Format(time.RFC3339), r.Corpus)
	if len(r.Sweep) > 0 {
		b.WriteString("### Batch size (policygraph ingest, first bundles of the corpus)\n\n| store.BatchSize | rows | time | rows/s |\n|---:|---:|---:|---:|\n")
		for _, l := range r.Sweep {
			fmt.Fprintf(&b, "| %d | %d | %s | %.0f |\n", l.Batch, l.Rows(), l.Elapsed.Round(time.Millisecond), l.RowsPerSec())
		}
		b.WriteString("\n")
	}
	if len(r.Loads) > 0 {
		b.WriteString("### Ingest\n\nrows = nodes + relationships in the database after the load. Plan = parse and plan (for policygraph part of its time; for the baselines it runs ahead in a goroutine), write = time in transactions. The floor's time is its write time: what Neo4j needs for these rows.\n\n| loader | batch | window | rows | time | plan | write | rows/s | × naive (rate) | time ÷ floor write time | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		var naive, floor *LoadResult
		for i := range r.Loads {
			switch r.Loads[i].Loader {
			case "naive":
				naive = &r.Loads[i]
			case "floor":
				floor = &r.Loads[i]
			}
		}
		for _, l := range r.Loads {
			xn, xf := "", ""
			if naive != nil && naive.RowsPerSec() > 0 {
				xn = fmt.Sprintf("%.1f×", l.RowsPerSec()/naive.RowsPerSec())
			}
			if floor != nil && floor.WriteTime > 0 && l.RowsPerSec() > 0 {
				// Time for the floor's rows at this loader's rate, relative to the time the
				// floor spent in its transactions (its planning runs ahead in a goroutine
				// and is not part of what Neo4j can do).
				xf = fmt.Sprintf("%.2f", float64(floor.Rows())/l.RowsPerSec()/floor.WriteTime.Seconds())
			}
			part := ""
			if l.Partial {
				part = " (partial: time budget)"
			}
			fmt.Fprintf(&b, "| %s%s | %d | %d | %d | %s | %s | %s | %.0f | %s | %s | %s |\n", l.Loader, part, l.Batch, l.Window, l.Rows(),
				l.Elapsed.Round(time.Millisecond), l.PlanTime.Round(time.Millisecond), l.WriteTime.Round(time.Millisecond),
				l.RowsPerSec(), xn, xf, mb(l.PeakRSS))
		}
		b.WriteString("\n")
	}
	if len(r.Queries) > 0 {
		b.WriteString("### Queries\n\nThroughput in requests/s; latencies in ms. Ratios: policygraph ÷ @neo4j/graphql throughput, and policygraph's overhead over the floor (1 − policygraph ÷ floor throughput).\n\n")
		b.WriteString("| shape | c | policygraph req/s | p50 | p95 | p99 | neo4j-graphql req/s | p50 | p95 | p99 | floor req/s | p50 | p95 | p99 | pg ÷ ngql | overhead vs floor | errors |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, c := range r.concurrencies() {
			for _, s := range Shapes {
				pg, ng, fl := r.find("policygraph", s, c), r.find("neo4j-graphql", s, c), r.find("floor", s, c)
				if pg == nil && ng == nil && fl == nil {
					continue
				}
				cell := func(x *RunResult) string {
					if x == nil {
						return "– | – | – | –"
					}
					return fmt.Sprintf("%.1f | %s | %s | %s", x.Throughput(), ms(x.P50), ms(x.P95), ms(x.P99))
				}
				ratio, over := "–", "–"
				failed := func(x *RunResult) bool { return x != nil && x.Errors > 0 && x.Errors >= x.Requests }
				switch {
				case failed(pg) || failed(ng):
					ratio = "n/a (errors)"
				case pg != nil && ng != nil && ng.Throughput() > 0:
					ratio = fmt.Sprintf("%.2f×", pg.Throughput()/ng.Throughput())
				}
				if pg != nil && fl != nil && fl.Throughput() > 0 {
					over = fmt.Sprintf("%.0f%%", 100*(1-pg.Throughput()/fl.Throughput()))
				}
				errs := 0
				for _, x := range []*RunResult{pg, ng, fl} {
					if x != nil {
						errs += x.Errors
					}
				}
				fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %d |\n", s, c, cell(pg), cell(ng), cell(fl), ratio, over, errs)
			}
		}
		b.WriteString("\n")
		for _, q := range r.Queries {
			if q.FirstError != "" {
				fmt.Fprintf(&b, "- %s %s c=%d: %d errors, first: `%.200s`\n", q.Target, q.Shape, q.Concurrency, q.Errors, q.FirstError)
			}
		}
		r.writeHTTPFloor(&b)
		r.writeRepetitions(&b)
		r.writeCPU(&b)
	}
	if len(r.RSS) > 0 {
		b.WriteString("\n### API server memory\n\n| server | RSS idle | peak RSS under load |\n|---|---:|---:|\n")
		for _, t := range []string{"policygraph", "neo4j-graphql"} {
			if x, ok := r.RSS[t]; ok {
				fmt.Fprintf(&b, "| %s | %s | %s |\n", t, mb(x.Idle), mb(x.Peak))
			}
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n- %s", n)
	}
	b.WriteString("\n")
	return b.String()
}

func (r *Results) concurrencies() []int {
	var out []int
	seen := map[int]bool{}
	for _, q := range r.Queries {
		if !seen[q.Concurrency] {
			seen[q.Concurrency] = true
			out = append(out, q.Concurrency)
		}
	}
	return out
}

// find returns the measurement of target on shape s at concurrency c; of several
// repetitions, the one of median throughput (the lower middle of an even number).
func (r *Results) find(target string, s Shape, c int) *RunResult {
	reps := r.reps(target, s, c)
	if len(reps) == 0 {
		return nil
	}
	sorted := slices.Clone(reps)
	slices.SortStableFunc(sorted, func(a, b *RunResult) int { return cmp.Compare(a.Throughput(), b.Throughput()) })
	return sorted[(len(sorted)-1)/2]
}

// reps returns every repetition of target on shape s at concurrency c, in order.
func (r *Results) reps(target string, s Shape, c int) []*RunResult {
	var out []*RunResult
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.Target == target && q.Shape == s && q.Concurrency == c {
			out = append(out, q)
		}
	}
	return out
}

// pairedRatios returns, for each repetition measured for both targets a and b on shape s at
// concurrency c, a's throughput divided by b's: pairs measured back to back, on the same
// minute of the machine.
func (r *Results) pairedRatios(a, b string, s Shape, c int) []float64 {
	bs := map[int]*RunResult{}
	for _, q := range r.reps(b, s, c) {
		bs[q.Rep] = q
	}
	var out []float64
	for _, q := range r.reps(a, s, c) {
		if y, ok := bs[q.Rep]; ok && y.Throughput() > 0 && q.Errors < q.Requests && y.Errors < y.Requests {
			out = append(out, q.Throughput()/y.Throughput())
		}
	}
	return out
}

// writeHTTPFloor writes the HTTP floor's rows: its rate and latencies, what the transport
// alone costs over the floor, and what policygraph costs over it (GraphQL and the API's work).
func (r *Results) writeHTTPFloor(b *strings.Builder) {
	header := false
	for _, c := range r.concurrencies() {
		for _, s := range Shapes {
			hf := r.find("http-floor", s, c)
			if hf == nil {
				continue
			}
			if !header {
				b.WriteString("\n### HTTP floor\n\nThe floor's statements behind plain HTTP and JSON (`bench.HTTPFloorServer`: the shape and arguments in a POST, every record written back as a JSON array; no GraphQL, no mapping): the least any HTTP API sending the same Cypher could cost. Transport = 1 − HTTP floor ÷ floor throughput; policygraph over it = 1 − policygraph ÷ HTTP floor.\n\n")
				b.WriteString("| shape | c | http-floor req/s | p50 | p95 | p99 | transport over floor | policygraph over http-floor |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
				header = true
			}
			tr, over := "–", "–"
			if fl := r.find("floor", s, c); fl != nil && fl.Throughput() > 0 {
				tr = fmt.Sprintf("%.0f%%", 100*(1-hf.Throughput()/fl.Throughput()))
			}
			if pg := r.find("policygraph", s, c); pg != nil && hf.Throughput() > 0 {
				over = fmt.Sprintf("%.0f%%", 100*(1-pg.Throughput()/hf.Throughput()))
			}
			fmt.Fprintf(b, "| %s | %d | %.1f | %s | %s | %s | %s | %s |\n", s, c, hf.Throughput(), ms(hf.P50), ms(hf.P95), ms(hf.P99), tr, over)
		}
	}
}

// writeRepetitions writes, where a measurement was repeated, the ratios of each repetition's
// back-to-back pairs as min / median / max: policygraph ÷ @neo4j/graphql, and policygraph's
// overhead over the floor and over the HTTP floor.
func (r *Results) writeRepetitions(b *strings.Builder) {
	repeated := false
	for _, q := range r.Queries {
		repeated = repeated || q.Rep > 0
	}
	if !repeated {
		return
	}
	b.WriteString("\n### Repetitions\n\nEach (shape, concurrency) was measured several times, the targets alternating within each repetition; the tables above show the repetition of median throughput. Here, the ratios of the pairs measured back to back in each repetition: min / median / max, then every value in order.\n\n")
	b.WriteString("| shape | c | reps | pg ÷ ngql (min / median / max) | each | overhead vs floor (min / median / max) | each | over http-floor (min / median / max) |\n|---|---:|---:|---|---|---|---|---|\n")
	// summary gives min / median / max of f over xs, and each f in order; for an overhead
	// (inverse), the largest ratio is the smallest value.
	summary := func(xs []float64, f func(float64) string, inverse bool) (string, string) {
		if len(xs) == 0 {
			return "–", "–"
		}
		each := make([]string, len(xs))
		for i, x := range xs {
			each[i] = f(x)
		}
		sorted := slices.Sorted(slices.Values(xs))
		lo, hi := sorted[0], sorted[len(sorted)-1]
		if inverse {
			lo, hi = hi, lo
		}
		return fmt.Sprintf("%s / %s / %s", f(lo), f(median(sorted)), f(hi)), strings.Join(each, ", ")
	}
	times := func(x float64) string { return fmt.Sprintf("%.2f×", x) }
	over := func(x float64) string { return fmt.Sprintf("%.0f%%", 100*(1-x)) }
	for _, c := range r.concurrencies() {
		for _, s := range Shapes {
			n := len(r.reps("policygraph", s, c))
			if n == 0 {
				continue
			}
			ng, ngEach := summary(r.pairedRatios("policygraph", "neo4j-graphql", s, c), times, false)
			fl, flEach := summary(r.pairedRatios("policygraph", "floor", s, c), over, true)
			hf, _ := summary(r.pairedRatios("policygraph", "http-floor", s, c), over, true)
			fmt.Fprintf(b, "| %s | %d | %d | %s | %s | %s | %s | %s |\n", s, c, n, ng, ngEach, fl, flEach, hf)
		}
	}
}

// median of sorted values (the mean of the middle two of an even number).
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// reportTargets are the targets in the order of the CPU table and the plots.
var reportTargets = []string{"policygraph", "neo4j-graphql", "http-floor", "floor"}

var targetColors = map[string]color.Color{
	"policygraph":   color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	"neo4j-graphql": color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	"http-floor":    color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	"floor":         color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
}

// Plots writes one PNG of throughput and one of p99 latency per concurrency into dir and
// returns their file names.
func (r *Results) Plots(dir string) ([]string, error) {
	var files []string
	for _, c := range r.concurrencies() {
		for _, metric := range []string{"throughput", "relative", "p99"} {
			p := plot.New()
			if metric == "relative" {
				p.Title.Text = fmt.Sprintf("Throughput relative to the floor at concurrency %d (%s)", c, r.Scale)
				p.Y.Label.Text = "requests/s ÷ floor's requests/s"
			} else if metric == "throughput" {
				p.Title.Text = fmt.Sprintf("Throughput at concurrency %d (%s)", c, r.Scale)
				p.Y.Label.Text = "requests/s"
			} else {
				p.Title.Text = fmt.Sprintf("p99 latency at concurrency %d (%s)", c, r.Scale)
				p.Y.Label.Text = "ms"
			}
			w := vg.Points(9)
			for i, t := range reportTargets {
				vals := make(plotter.Values, len(Shapes))
				any := false
				for j, s := range Shapes {
					vals[j] = 0
					if q := r.find(t, s, c); q != nil {
						any = true
						if metric == "throughput" {
							vals[j] = q.Throughput()
						} else if metric == "relative" {
							if f := r.find("floor", s, c); f != nil && f.Throughput() > 0 {
								vals[j] = q.Throughput() / f.Throughput()
							}
						} else {
							vals[j] = float64(q.P99) / float64(time.Millisecond)
						}
					}
				}
				if !any {
					continue
				}
				bars, err := plotter.NewBarChart(vals, w)
				if err != nil {
					return files, err
				}
				bars.LineStyle.Width = 0
				bars.Color = targetColors[t]
				bars.Offset = (vg.Length(i) - vg.Length(len(reportTargets)-1)/2) * w
				p.Add(bars)
				p.Legend.Add(t, bars)
			}
			names := make([]string, len(Shapes))
			for j, s := range Shapes {
				names[j] = string(s)
			}
			p.NominalX(names...)
			p.X.Tick.Label.Rotation = 0.5
			p.X.Tick.Label.XAlign = -0.9
			p.X.Tick.Label.YAlign = -0.5
			p.Legend.Top = true
			p.Y.Max *= 1.3 // headroom: the legend sits above the tallest bars
			name := fmt.Sprintf("%s-c%d.png", metric, c)
			if err := p.Save(9*vg.Inch, 5*vg.Inch, filepath.Join(dir, name)); err != nil {
				return files, err
			}
			files = append(files, name)
		}
	}
	return files, nil
}

// writeCPU writes where the CPU went per request: in Neo4j, in the target's server process
// and in the load generator's process (the HTTP client, or for the floor the Go driver).
// On a machine whose cores all three share, a target's throughput follows its total.
func (r *Results) writeCPU(b *strings.Builder) {
	has := false
	for _, q := range r.Queries {
		has = has || len(q.CPU) > 0
	}
	if !has {
		return
	}
	b.WriteString("\n### CPU per request\n\nCPU time per measured request in ms (user + system, from /proc): Neo4j's, the server's (policygraph's API or the @neo4j/graphql server; the floor has none) and the load generator's process (its HTTP client; for the floor, the Go driver that runs the Cypher).\n\n")
	b.WriteString("| shape | c | target | neo4j | server | client | total |\n|---|---:|---|---:|---:|---:|---:|\n")
	for _, c := range r.concurrencies() {
		for _, s := range Shapes {
			for _, t := range reportTargets {
				x := r.find(t, s, c)
				if x == nil || len(x.CPU) == 0 {
					continue
				}
				cell := func(role string) string {
					v, ok := x.CPU[role]
					if !ok {
						return "–"
					}
					return fmt.Sprintf("%.3f", v)
				}
				total := 0.0
				for _, v := range x.CPU {
					total += v
				}
				fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %.3f |\n", s, c, t, cell("neo4j"), cell("server"), cell("client"), total)
			}
		}
	}
}
