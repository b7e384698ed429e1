package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// LoadResult is what one loader did: rows are nodes plus relationships it created, counted
// in the database afterwards.
type LoadResult struct {
	Loader    string        `json:"loader"`
	Batch     int           `json:"batch"`  // rows per UNWIND (store.BatchSize for ingest)
	Window    int           `json:"window"` // bundles planned at a time (0: the whole corpus in one ingest.Run)
	Bundles   int           `json:"bundles"`
	Nodes     int64         `json:"nodes"`
	Rels      int64         `json:"rels"`
	Elapsed   time.Duration `json:"elapsed"`
	Partial   bool          `json:"partial"` // stopped by its time or row budget before the end of the corpus
	PeakRSS   int64         `json:"peakRss"` // VmHWM of the loading process
	PlanTime  time.Duration `json:"planTime,omitempty"`
	WriteTime time.Duration `json:"writeTime,omitempty"`
	// Statements is the number of Cypher statements sent (policygraph: store.RoundTrips).
	Statements int64 `json:"statements,omitempty"`
}

// Rows is nodes plus relationships.
func (r LoadResult) Rows() int64 { return r.Nodes + r.Rels }

// RowsPerSec is the load rate.
func (r LoadResult) RowsPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Rows()) / r.Elapsed.Seconds()
}

// LoadOptions tune a loader.
type LoadOptions struct {
	Batch   int           // rows per UNWIND statement (floor, ingest)
	Window  int           // bundle files planned together; 0 = all (ingest: one ingest.Run)
	MaxTime time.Duration // stop after this long (naive); 0 = no limit
	MaxRows int64         // stop after this many rows (naive); 0 = no limit
	Log     *slog.Logger
	Out     io.Writer // progress lines; nil for none
}

// LoadIngest runs policygraph's own ingest on the corpus, window by window of bundle files
// in lexical order (the whole folder at once when Window is 0), exactly as ingest.Run does
// it: parse every bundle, plan them together against the graph, then one ApplyDocument
// transaction per document; PlanTime and WriteTime split the elapsed time.
func LoadIngest(ctx context.Context, db store.Config, corpus string, o LoadOptions) (LoadResult, error) {
	res := LoadResult{Loader: "policygraph", Batch: o.Batch, Window: o.Window}
	if o.Batch > 0 {
		store.BatchSize = o.Batch
	}
	res.Batch = store.BatchSize
	s, err := store.Open(ctx, db, o.Log)
	if err != nil {
		return res, err
	}
	defer s.Close(context.Background())
	files, err := bundle.BundleFiles([]string{corpus})
	if err != nil {
		return res, err
	}
	res.Bundles = len(files)
	windows := [][]string{{corpus}}
	if o.Window > 0 {
		windows = nil
		for i := 0; i < len(files); i += o.Window {
			windows = append(windows, files[i:min(i+o.Window, len(files))])
		}
	}
	start := time.Now()
	for i, w := range windows {
		// ingest.Run, phase by phase (the same calls: BundleFiles, ParseFile, Plan with the
		// store's lookup, ApplyDocument per document), so parse, plan and write are timed.
		p0 := time.Now()
		files, err := bundle.BundleFiles(w)
		if err != nil {
			return res, err
		}
		bundles := make([]*bundle.Bundle, 0, len(files))
		for _, f := range files {
			b, err := bundle.ParseFile(f)
			if err != nil {
				return res, err
			}
			bundles = append(bundles, b)
		}
		writes, err := ingest.Plan(ctx, bundles, s.ExistingEntities)
		if err != nil {
			return res, err
		}
		bundles = nil
		res.PlanTime += time.Since(p0)
		w0 := time.Now()
		var rows int
		for _, dw := range writes {
			dw.Actor = "bench"
			sum, err := s.ApplyDocument(ctx, dw, false)
			if err != nil {
				return res, err
			}
			rows += sum.Total()
		}
		res.WriteTime += time.Since(w0)
		if o.Out != nil && (i%20 == 0 || i == len(windows)-1) {
			fmt.Fprintf(o.Out, "ingest: window %d/%d: %d documents, %d facts written; plan %s, write %s so far\n",
				i+1, len(windows), len(writes), rows, res.PlanTime.Round(time.Millisecond), res.WriteTime.Round(time.Millisecond))
		}
	}
	res.Elapsed = time.Since(start)
	res.Statements = s.RoundTrips()
	return res, nil
}

// trustAll is the baselines' Lookup: the corpus is known to be consistent, so every id a
// window references outside itself exists (it was declared in an earlier bundle).
func trustAll(_ context.Context, ids []string) (map[string]model.Kind, error) {
	out := make(map[string]model.Kind, len(ids))
	for _, id := range ids {
		k, _ := model.ParseKind(id[:strings.Index(id, ":")])
		out[id] = k
	}
	return out, nil
}

// planned is one window of documents, parsed and planned.
type planned struct {
	writes []store.DocumentWrite
	dur    time.Duration
	err    error
}

// planWindows parses and plans the corpus window by window in a goroutine, so that the
// baselines write while the next window is being planned: the floor measures the database,
// not YAML parsing.
func planWindows(ctx context.Context, corpus string, window int) (<-chan planned, int, error) {
	files, err := bundle.BundleFiles([]string{corpus})
	if err != nil {
		return nil, 0, err
	}
	if window <= 0 {
		window = 50
	}
	ch := make(chan planned, 1)
	go func() {
		defer close(ch)
		for i := 0; i < len(files); i += window {
			start := time.Now()
			var bundles []*bundle.Bundle
			var p planned
			for _, f := range files[i:min(i+window, len(files))] {
				b, err := bundle.ParseFile(f)
				if err != nil {
					p.err = err
					break
				}
				bundles = append(bundles, b)
			}
			if p.err == nil {
				p.writes, p.err = ingest.Plan(ctx, bundles, trustAll)
			}
			p.dur = time.Since(start)
			select {
			case ch <- p:
			case <-ctx.Done():
				return
			}
			if p.err != nil {
				return
			}
		}
	}()
	return ch, len(files), nil
}

// flatNode is the property map both baselines store for an entity: what policygraph
// stores (identity, typed props, provenance arrays), minus its ingest bookkeeping.
func flatNode(n store.NodeRow) map[string]any {
	m := map[string]any{"id": n.ID, "kind": string(n.Kind), "name": n.Name}
	if len(n.Aliases) > 0 {
		m["aliases"] = n.Aliases
	}
	for k, v := range n.Props {
		m[k] = v
	}
	sources(m, n.Sources)
	return m
}

func flatEdge(e store.EdgeRow) map[string]any {
	m := map[string]any{"id": e.ID}
	for k, v := range e.Props {
		m[k] = v
	}
	sources(m, e.Sources)
	return m
}

func flatQuantity(q store.QuantityRow) map[string]any {
	m := map[string]any{"id": q.ID, "kind": "Quantity", "subject": q.Subject, "what": q.What, "value": q.Value,
		"unit": q.Unit, "qualifier": q.Qualifier, "asOf": q.AsOf, "raw": q.Raw}
	if q.Min != nil {
		m["min"] = *q.Min
	}
	if q.Max != nil {
		m["max"] = *q.Max
	}
	sources(m, q.Sources)
	return m
}

func sources(m map[string]any, srcs []model.Provenance) {
	n := len(srcs)
	docs, quotes, methods := make([]string, n), make([]string, n), make([]string, n)
	passages, starts, ends := make([]int64, n), make([]int64, n), make([]int64, n)
	confs := make([]float64, n)
	conf := 0.0
	for i, p := range srcs {
		docs[i], quotes[i], methods[i] = p.DocumentID, p.Quote, p.Method
		passages[i], starts[i], ends[i], confs[i] = int64(p.Passage), int64(p.Start), int64(p.End), p.Confidence
		conf = max(conf, p.Confidence)
	}
	m["srcDoc"], m["srcPassage"], m["srcStart"], m["srcEnd"] = docs, passages, starts, ends
	m["srcQuote"], m["srcMethod"], m["srcConf"] = quotes, methods, confs
	m["method"], m["confidence"] = model.MethodCurated, conf
}

// The floor's statements: plain CREATE, one statement per label or type (from model's fixed
// lists), endpoints found through the entity_id constraint's index.
func floorNodeCypher(k model.Kind) string {
	return `UNWIND $rows AS row CREATE (n:Entity:` + string(k) + `) SET n = row`
}

const floorQuantityCypher = `UNWIND $rows AS row
MATCH (e:Entity {id: row.subject})
CREATE (e)-[:HAS_QUANTITY {id: row.id}]->(q:Quantity)
SET q = row`

func floorEdgeCypher(t model.RelType) string {
	return `UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
CREATE (a)-[r:` + string(t) + `]->(b)
SET r = row.props`
}

const floorMentionCypher = `UNWIND $rows AS row
MATCH (a:Entity {id: row.id})
MATCH (d:Entity {id: row.doc})
CREATE (a)-[:MENTIONED_IN]->(d)`

// LoadFloor writes the corpus with UNWIND $rows CREATE in batches of o.Batch rows, one
// transaction per batch, no MERGE: the fastest way to put these facts into Neo4j with
// Cypher, and so the floor of any loader's time. Parsing and planning run ahead in a
// goroutine; the clock starts when the first window is ready, so the floor measures the
// database, not the YAML.
func LoadFloor(ctx context.Context, drv neo4j.DriverWithContext, corpus string, o LoadOptions) (LoadResult, error) {
	if o.Batch <= 0 {
		o.Batch = 10000
	}
	res := LoadResult{Loader: "floor", Batch: o.Batch, Window: o.Window}
	ch, nfiles, err := planWindows(ctx, corpus, o.Window)
	if err != nil {
		return res, err
	}
	res.Bundles = nfiles
	var start time.Time // the clock starts when the first window is planned
	run := func(cypher string, rows []map[string]any) error {
		for i := 0; i < len(rows); i += o.Batch {
			batch := rows[i:min(i+o.Batch, len(rows))]
			_, err := neo4j.ExecuteQuery(ctx, drv, cypher, map[string]any{"rows": batch}, neo4j.EagerResultTransformer)
			if err != nil {
				return err
			}
		}
		return nil
	}
	done := 0
	for p := range ch {
		if p.err != nil {
			return res, p.err
		}
		res.PlanTime += p.dur
		if start.IsZero() {
			start = time.Now()
		}
		ws := time.Now()
		byKind := map[model.Kind][]map[string]any{}
		byType := map[model.RelType][]map[string]any{}
		var qtys, mentions []map[string]any
		for _, w := range p.writes {
			doc := flatNode(w.Doc)
			doc["passages"] = w.Passages
			byKind[model.KindDocument] = append(byKind[model.KindDocument], doc)
			for _, n := range w.Nodes {
				byKind[n.Kind] = append(byKind[n.Kind], flatNode(n))
				mentions = append(mentions, map[string]any{"id": n.ID, "doc": w.Doc.ID})
			}
			for _, e := range w.Edges {
				byType[e.Type] = append(byType[e.Type], map[string]any{"from": e.From, "to": e.To, "props": flatEdge(e)})
			}
			for _, q := range w.Quantities {
				qtys = append(qtys, flatQuantity(q))
			}
		}
		for _, k := range model.Kinds {
			if err := run(floorNodeCypher(k), byKind[k]); err != nil {
				return res, err
			}
		}
		if err := run(floorQuantityCypher, qtys); err != nil {
			return res, err
		}
		for _, t := range model.RelTypes {
			if err := run(floorEdgeCypher(t), byType[t]); err != nil {
				return res, err
			}
		}
		if err := run(floorMentionCypher, mentions); err != nil {
			return res, err
		}
		res.WriteTime += time.Since(ws)
		done += len(p.writes)
		if o.Out != nil {
			fmt.Fprintf(o.Out, "floor: %d/%d documents, %s\n", done, nfiles, time.Since(start).Round(time.Second))
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// The naive loader's statements: what a first loader usually looks like — one MERGE per
// record, each in its own transaction.
func naiveNodeCypher(k model.Kind) string {
	return `MERGE (n:Entity {id: $row.id}) SET n:` + string(k) + `, n += $row`
}

const naiveQuantityCypher = `MATCH (e:Entity {id: $row.subject})
MERGE (q:Quantity {id: $row.id}) SET q += $row
MERGE (e)-[:HAS_QUANTITY {id: $row.id}]->(q)`

func naiveEdgeCypher(t model.RelType) string {
	return `MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MERGE (a)-[r:` + string(t) + ` {id: $row.id}]->(b) SET r += $row`
}

const naiveMentionCypher = `MATCH (a:Entity {id: $id})
MATCH (d:Entity {id: $doc})
MERGE (a)-[:MENTIONED_IN]->(d)`

var errBudget = errors.New("budget spent")

// LoadNaive writes the corpus one record per transaction with MERGE, until the corpus ends
// or o.MaxTime / o.MaxRows is spent (then Partial is set and the rate is over what was
// written). As for the floor, the clock starts when the first window is planned.
func LoadNaive(ctx context.Context, drv neo4j.DriverWithContext, corpus string, o LoadOptions) (LoadResult, error) {
	res := LoadResult{Loader: "naive", Batch: 1, Window: o.Window}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, nfiles, err := planWindows(pctx, corpus, o.Window)
	if err != nil {
		return res, err
	}
	res.Bundles = nfiles
	var start time.Time // the clock starts when the first window is planned
	var rows int64
	one := func(cypher string, params map[string]any, n int64) error {
		if (o.MaxTime > 0 && time.Since(start) > o.MaxTime) || (o.MaxRows > 0 && rows >= o.MaxRows) {
			return errBudget
		}
		_, err := neo4j.ExecuteQuery(ctx, drv, cypher, params, neo4j.EagerResultTransformer)
		rows += n
		return err
	}
	write := func(w store.DocumentWrite) error {
		doc := flatNode(w.Doc)
		doc["passages"] = w.Passages
		if err := one(naiveNodeCypher(model.KindDocument), map[string]any{"row": doc}, 1); err != nil {
			return err
		}
		for _, n := range w.Nodes {
			if err := one(naiveNodeCypher(n.Kind), map[string]any{"row": flatNode(n)}, 1); err != nil {
				return err
			}
			if err := one(naiveMentionCypher, map[string]any{"id": n.ID, "doc": w.Doc.ID}, 1); err != nil {
				return err
			}
		}
		for _, q := range w.Quantities {
			if err := one(naiveQuantityCypher, map[string]any{"row": flatQuantity(q)}, 2); err != nil {
				return err
			}
		}
		for _, e := range w.Edges {
			if err := one(naiveEdgeCypher(e.Type), map[string]any{"from": e.From, "to": e.To, "row": flatEdge(e)}, 1); err != nil {
				return err
			}
		}
		return nil
	}
	done := 0
loop:
	for p := range ch {
		if p.err != nil {
			return res, p.err
		}
		if start.IsZero() {
			start = time.Now()
		}
		for _, w := range p.writes {
			if err := write(w); errors.Is(err, errBudget) {
				res.Partial = true
				break loop
			} else if err != nil {
				return res, err
			}
			done++
		}
		if o.Out != nil {
			fmt.Fprintf(o.Out, "naive: %d/%d documents, %d rows, %s\n", done, nfiles, rows, time.Since(start).Round(time.Second))
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}
