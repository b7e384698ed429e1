package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// NodeRow is an entity as one document states it.
type NodeRow struct {
	ID      string
	Kind    model.Kind
	Name    string
	Aliases []string
	Props   map[string]any // typed values: string, []string, int64, float64, bool
	Sources []model.Provenance
	Hash    string // fingerprint of this row, for diffing re-ingests

	keepName bool // staff set the name: the row's name becomes an alias (conflicts.go)
}

// EdgeRow is a relationship as one document states it.
type EdgeRow struct {
	ID       string
	Type     model.RelType
	From, To string
	Props    map[string]any
	Sources  []model.Provenance
	Hash     string
}

// QuantityRow is a typed figure as one document states it.
type QuantityRow struct {
	model.Quantity
	Sources []model.Provenance
	Hash    string
}

// DocumentWrite is everything one document states. ApplyDocument writes it in one
// transaction: the graph holds all of it or none of it.
type DocumentWrite struct {
	Doc        NodeRow // the Document entity itself
	Passages   []string
	Nodes      []NodeRow
	Edges      []EdgeRow
	Quantities []QuantityRow
	Conditions []ConditionRow // conditions.go
	PlanHash   string         // fingerprint of the whole write; equal to the stored one → nothing to do
	Actor      string         // who writes (audit); "ingest" by default
}

// Change counts what ApplyDocument did (or, in a dry run, would do).
type Change struct {
	Created, Updated, Unchanged, Retracted int
	// Kept counts facts where the staff version was kept over what the document states (a
	// staff retraction or merge not undone, a staff-changed fact not retracted); each is a
	// Conflict. Staff-set properties the document restates differently are conflicts too,
	// but the rest of the fact is still written (Updated).
	Kept int
}

// Summary is the outcome of writing one document.
type Summary struct {
	DocumentID string
	Unchanged  bool // the document was already ingested with the same content
	Nodes      Change
	Edges      Change
	Quantities Change
	Conditions Change
	DryRun     bool
}

// Total returns the number of facts created, updated or retracted.
func (s Summary) Total() int {
	return s.Nodes.Created + s.Nodes.Updated + s.Nodes.Retracted +
		s.Edges.Created + s.Edges.Updated + s.Edges.Retracted +
		s.Quantities.Created + s.Quantities.Updated + s.Quantities.Retracted +
		s.Conditions.Created + s.Conditions.Updated + s.Conditions.Retracted
}

// BatchSize is the number of rows per UNWIND statement.
var BatchSize = 1000

var (
	qDocState = newQuery("docState", `
MATCH (d:Entity {id: $doc})
RETURN d.planHash AS planHash, coalesce(d.factIds, []) AS ids, coalesce(d.factHashes, []) AS hashes`,
		map[string]any{"doc": "document:x"})

	qExistingEntities = newQuery("existingEntities", `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n.kind AS kind`, map[string]any{"ids": []string{"policy:x"}})

	qExistingQuantities = newQuery("existingQuantities", `
UNWIND $ids AS id
MATCH (q:Quantity {id: id})
RETURN q.id AS id`, map[string]any{"ids": []string{"qty:x"}})

	qRestoreRetracted = newWrite("restoreRetracted", `
UNWIND $ids AS id
MATCH (n:Retracted {id: id})
REMOVE n:Retracted
SET n.retracted = null, n.retractedAt = null, n.retractedBy = null
WITH n
CALL (n) {
  WITH n WHERE n.kind = 'Quantity'
  SET n:Quantity
}
CALL (n) {
  WITH n WHERE n.kind = 'Condition'
  SET n:Condition
}
CALL (n) {
  WITH n WHERE NOT n.kind IN ['Quantity', 'Condition']
  SET n:Entity
}
RETURN count(n) AS restored`, map[string]any{"ids": []string{"policy:x"}})

	// Source arrays: one entry per (document, span). Writing a document replaces its own
	// entries and keeps the other documents' and every source staff added (staffSrc, even one
	// citing this document); a stated span staff already cites is not added twice.
	setSources = `
WITH x, row, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1) WHERE ` + keepSource + `] AS keep
WITH x, row, keep, [i IN keep | x.srcDoc[i] + '|' + toString(x.srcStart[i]) + '|' + toString(x.srcEnd[i])] AS have
WITH x, row, keep, [j IN range(0, size(row.srcDoc) - 1)
      WHERE NOT (row.srcDoc[j] + '|' + toString(row.srcStart[j]) + '|' + toString(row.srcEnd[j])) IN have] AS add
SET x.srcDoc = [i IN keep | x.srcDoc[i]] + [j IN add | row.srcDoc[j]],
    x.srcPassage = [i IN keep | x.srcPassage[i]] + [j IN add | row.srcPassage[j]],
    x.srcStart = [i IN keep | x.srcStart[i]] + [j IN add | row.srcStart[j]],
    x.srcEnd = [i IN keep | x.srcEnd[i]] + [j IN add | row.srcEnd[j]],
    x.srcQuote = [i IN keep | x.srcQuote[i]] + [j IN add | row.srcQuote[j]],
    x.srcMethod = [i IN keep | x.srcMethod[i]] + [j IN add | row.srcMethod[j]],
    x.srcConf = [i IN keep | x.srcConf[i]] + [j IN add | row.srcConf[j]]
WITH x, row
SET x.method = CASE WHEN 'curated' IN x.srcMethod THEN 'curated' ELSE x.srcMethod[0] END,
    x.confidence = reduce(m = 0.0, c IN x.srcConf | CASE WHEN c > m THEN c ELSE m END),
    x.updatedAt = $now, ` + statusSnippet + `
RETURN count(*) AS written`

	qUpsertQuantities = newWrite("upsertQuantities", `
UNWIND $rows AS row
MATCH (e:Entity {id: row.subject})
MERGE (x:Quantity {id: row.id})
  ON CREATE SET x.createdAt = $now
SET x.kind = 'Quantity', x.subject = row.subject, x.what = row.what, x.value = row.value,
    x.unit = row.unit, x.min = row.min, x.max = row.max, x.qualifier = row.qualifier,
    x.asOf = row.asOf, x.raw = row.raw
MERGE (e)-[h:HAS_QUANTITY]->(x)
  ON CREATE SET h.id = row.id
`+setSources, map[string]any{"doc": "document:x", "now": "t", "rows": []any{}})

	// Retraction: drop this document's source entries; a fact left without any source is
	// retracted (hidden from default reads, history kept), never deleted.
	qDropEntitySources = newWrite("dropEntitySources", `
UNWIND $ids AS id
MATCH (x:Entity {id: id})
WITH x, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1) WHERE `+keepSource+`] AS keep
SET x.srcDoc = [i IN keep | x.srcDoc[i]], x.srcPassage = [i IN keep | x.srcPassage[i]],
    x.srcStart = [i IN keep | x.srcStart[i]], x.srcEnd = [i IN keep | x.srcEnd[i]],
    x.srcQuote = [i IN keep | x.srcQuote[i]], x.srcMethod = [i IN keep | x.srcMethod[i]],
    x.srcConf = [i IN keep | x.srcConf[i]], x.updatedAt = $now
WITH x
OPTIONAL MATCH (x)-[m:MENTIONED_IN]->(:Entity {id: $doc})
DELETE m
WITH DISTINCT x WHERE size(x.srcDoc) = 0
RETURN x.id AS id, x.staffBy AS staffBy, x.staffAt AS staffAt,
       x.staffAt IS NOT NULL OR EXISTS { (x)-[r]-() WHERE r.staffAt IS NOT NULL }
         OR EXISTS { (x)-[:HAS_QUANTITY]->(q) WHERE q.staffAt IS NOT NULL } AS staff`, map[string]any{"ids": []string{"policy:x"}, "doc": "document:x", "now": "t"})

	qRetractEntities = newWrite("retractEntities", `
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  MATCH (x)-[r]-(:Entity)
  WHERE type(r) <> 'MENTIONED_IN'
  WITH r, startNode(r) AS a, endNode(r) AS b
  CREATE (a)-[h:RETRACTED]->(b)
  SET h = properties(r), h.origType = type(r), h.retractedAt = $now, h.retractedBy = $actor
  DELETE r
}
CALL (x) {
  MATCH (x)-[:HAS_QUANTITY]->(q:Quantity)
  REMOVE q:Quantity
  SET q:Retracted, q.retracted = true, q.retractedAt = $now, q.retractedBy = $actor
}
REMOVE x:Entity, x:$(x.kind)
SET x:Retracted, x.retracted = true, x.retractedAt = $now, x.retractedBy = $actor
RETURN count(x) AS retracted`, map[string]any{"ids": []string{"policy:x"}, "now": "t", "actor": "a"})

	qDropQuantitySources = newWrite("dropQuantitySources", `
UNWIND $ids AS id
MATCH (x:Quantity {id: id})
WITH x, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1) WHERE `+keepSource+`] AS keep
SET x.srcDoc = [i IN keep | x.srcDoc[i]], x.srcPassage = [i IN keep | x.srcPassage[i]],
    x.srcStart = [i IN keep | x.srcStart[i]], x.srcEnd = [i IN keep | x.srcEnd[i]],
    x.srcQuote = [i IN keep | x.srcQuote[i]], x.srcMethod = [i IN keep | x.srcMethod[i]],
    x.srcConf = [i IN keep | x.srcConf[i]], x.updatedAt = $now
WITH x WHERE size(x.srcDoc) = 0
WITH x, x.staffAt IS NOT NULL AS staff
CALL (x, staff) {
  WITH x WHERE NOT staff
  REMOVE x:Quantity
  SET x:Retracted, x.retracted = true, x.retractedAt = $now, x.retractedBy = $actor
}
RETURN x.id AS id, staff, x.staffBy AS staffBy, x.staffAt AS staffAt`, map[string]any{"ids": []string{"qty:x"}, "doc": "document:x", "now": "t", "actor": "a"})

	qSetDocState = newWrite("setDocState", `
MATCH (d:Entity {id: $doc})
SET d.planHash = $planHash, d.factIds = $ids, d.factHashes = $hashes, d.passages = $passages,
    d.ingestedAt = $now, d.ingestedBy = $actor`, map[string]any{"doc": "document:x", "planHash": "h", "ids": []string{}, "hashes": []string{}, "passages": []string{}, "now": "t", "actor": "a"})
)

// keepSource selects the source entries (index i of x's arrays) a write of document $doc
// keeps: other documents' and staff's.
const keepSource = `x.srcDoc[i] <> $doc OR (x.srcDoc[i] + '|' + toString(x.srcStart[i]) + '|' + toString(x.srcEnd[i])) IN coalesce(x.staffSrc, [])`

// qUpsertEntities writes entities of any kind in one statement. The kind label is set with
// Neo4j 5.26's dynamic labels from row.kind, which ApplyDocument checks against model.Kinds
// before sending: labels still come from the fixed list, never from free input.
var qUpsertEntities = newWrite("upsertEntities", `
UNWIND $rows AS row
MERGE (x:Entity {id: row.id})
  ON CREATE SET x.createdAt = $now
SET x:$(row.kind), x.kind = row.kind
FOREACH (_ IN CASE WHEN row.curated OR coalesce(x.method, '') <> 'curated' OR x.name IS NULL THEN [1] ELSE [] END |
  SET x += row.props, x.name = CASE WHEN row.keepName AND x.name IS NOT NULL THEN x.name ELSE row.name END)
SET x.aliases = reduce(acc = coalesce(x.aliases, []), a IN row.aliases + CASE WHEN row.keepName THEN [row.name] ELSE [] END |
      CASE WHEN a IN acc OR a = x.name THEN acc ELSE acc + a END)
WITH x, row
OPTIONAL MATCH (d:Entity {id: $doc})
FOREACH (_ IN CASE WHEN d IS NULL OR d = x THEN [] ELSE [1] END | MERGE (x)-[:MENTIONED_IN]->(d))
WITH x, row
`+setSources, map[string]any{"doc": "document:x", "now": "t", "rows": []any{}})

// qUpsertEdges writes relationships of any type in one statement (dynamic types, checked
// against model.RelTypes before sending). MERGE expands between the two bound endpoints.
var qUpsertEdges = newWrite("upsertEdges", `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[x:$(row.type) {id: row.id}]->(b)
  ON CREATE SET x.createdAt = $now
FOREACH (_ IN CASE WHEN row.curated OR coalesce(x.method, '') <> 'curated' THEN [1] ELSE [] END |
  SET x += row.props)
WITH x, row
`+setSources, map[string]any{"doc": "document:x", "now": "t", "rows": []any{}})

// retractEdge moves relationships of one type to RETRACTED once no document states them.
var retractEdge = func() map[model.RelType]Query {
	m := map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		m[t] = newWrite("dropEdgeSources_"+string(t), `
UNWIND $ids AS id
MATCH (a)-[x:`+string(t)+` {id: id}]->(b)
WITH a, b, x, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1) WHERE `+keepSource+`] AS keep
SET x.srcDoc = [i IN keep | x.srcDoc[i]], x.srcPassage = [i IN keep | x.srcPassage[i]],
    x.srcStart = [i IN keep | x.srcStart[i]], x.srcEnd = [i IN keep | x.srcEnd[i]],
    x.srcQuote = [i IN keep | x.srcQuote[i]], x.srcMethod = [i IN keep | x.srcMethod[i]],
    x.srcConf = [i IN keep | x.srcConf[i]], x.updatedAt = $now
WITH a, b, x WHERE size(x.srcDoc) = 0
WITH a, b, x, x.id AS id, x.staffAt IS NOT NULL AS staff, x.staffBy AS staffBy, x.staffAt AS staffAt
CALL (a, b, x, staff) {
  WITH a, b, x WHERE NOT staff
  CREATE (a)-[h:RETRACTED]->(b)
  SET h = properties(x), h.origType = type(x), h.retractedAt = $now, h.retractedBy = $actor
  DELETE x
}
RETURN id, staff, staffBy, staffAt`, map[string]any{"ids": []string{"rel:x"}, "doc": "document:x", "now": "t", "actor": "a"})
	}
	return m
}()

// ApplyDocument writes one document's facts in a single transaction, diffing against what
// the same document wrote before: unchanged facts are skipped, changed ones rewritten, facts
// the document no longer states lose its sources and, when no source is left, are retracted.
// Re-applying an unchanged document writes nothing. With dryRun the same plan is computed
// in a read transaction and nothing is written. The work is idempotent, so the driver may
// retry it.
func (s *Store) ApplyDocument(ctx context.Context, w DocumentWrite, dryRun bool) (Summary, error) {
	if w.Actor == "" {
		w.Actor = "ingest"
	}
	var sum Summary
	work := func(tx neo4j.ManagedTransaction) error {
		sum = Summary{DocumentID: w.Doc.ID, DryRun: dryRun}
		return s.applyDocument(ctx, tx, w, dryRun, &sum)
	}
	var err error
	if dryRun {
		sess := s.session(ctx, false)
		defer sess.Close(ctx)
		_, err = sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return nil, work(tx) })
		if err != nil {
			err = s.classify(ctx, Query{Name: "applyDocument(dry-run)"}, err)
		}
	} else {
		err = s.write(ctx, work)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("write document %s: %w", w.Doc.ID, err)
	}
	return sum, nil
}

// applyDocument reads the document's prior state and which of its facts exist, diffs
// (diffDocument, pure), and applies the diff: staff edits kept, facts upserted, facts no
// longer stated retracted, the new state and the audit recorded.
func (s *Store) applyDocument(ctx context.Context, tx neo4j.ManagedTransaction, w DocumentWrite, dryRun bool, sum *Summary) error {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	prior, err := s.readPriorState(ctx, tx, w.Doc.ID)
	if err != nil {
		return err
	}
	var existing map[string]bool
	if !prior.same(w) {
		if existing, err = s.readExisting(ctx, tx, w); err != nil {
			return err
		}
	}
	d := diffDocument(w, prior, existing, sum)
	if d.Unchanged {
		return nil
	}
	nodes, edges, qtys, conds := d.Nodes, d.Edges, d.Quantities, d.Conditions

	// Staff edits outrank the document (conflicts.go): read the stored state of what it is
	// about to write, keep staff's version, log the conflicts.
	ilog := newIngestLog(ctx, w, now)
	stateIDs := make([]string, 0, len(nodes)+len(qtys))
	for _, n := range nodes {
		stateIDs = append(stateIDs, n.ID)
	}
	for _, q := range qtys {
		stateIDs = append(stateIDs, q.ID)
	}
	states, err := s.readStates(ctx, tx, stateIDs, edges)
	if err != nil {
		return err
	}
	nodes, edges, qtys = guardStaff(states, d.Created, nodes, edges, qtys, ilog, sum)
	if dryRun {
		return nil
	}

	// Bring back facts retracted earlier that this document states again.
	restore := restoreIDs(nodes, qtys, conds, existing)
	for _, chunk := range chunks(restore, BatchSize*10) {
		if _, err := s.run(ctx, tx, qRestoreRetracted, map[string]any{"ids": chunk}); err != nil {
			return err
		}
	}

	if err := s.upsertFacts(ctx, tx, w, nodes, edges, qtys, now); err != nil {
		return err
	}
	if err := s.writeConditions(ctx, tx, conds, d.GoneConditions, w, now); err != nil {
		return err
	}

	logWritten(ilog, states, nodes, edges, qtys)

	// Retract what the document no longer states (never what staff changed).
	if err := s.retractGone(ctx, tx, w, d, ilog, sum, now); err != nil {
		return err
	}

	// Remember what this document states, for the next diff.
	passages := w.Passages
	if passages == nil {
		passages = []string{}
	}
	_, err = s.run(ctx, tx, qSetDocState, map[string]any{
		"doc": w.Doc.ID, "planHash": w.PlanHash, "ids": d.FactIDs, "hashes": d.FactHashes,
		"passages": passages, "now": now, "actor": w.Actor,
	})
	if err != nil {
		return err
	}
	if err := s.flushIngestLog(ctx, tx, ilog); err != nil {
		return err
	}
	return s.auditDocument(ctx, tx, w, len(prior.Facts), *sum, now) // audit.go: same transaction
}

// upsertFacts writes the entities (the document node first, in its own batch, so
// MENTIONED_IN can point at it), relations and figures of a diff.
func (s *Store) upsertFacts(ctx context.Context, tx neo4j.ManagedTransaction, w DocumentWrite, nodes []NodeRow, edges []EdgeRow, qtys []QuantityRow, now string) error {
	var docRows, nodeRows []map[string]any
	for _, n := range nodes {
		if !n.Kind.Valid() {
			return fmt.Errorf("entity %s: kind %q: %w", n.ID, n.Kind, fault.ErrInvalidInput)
		}
		if n.ID == w.Doc.ID {
			row := nodeParams(n)
			row["status"] = StatusAccepted
			docRows = append(docRows, row)
		} else {
			nodeRows = append(nodeRows, s.withStatus(nodeParams(n)))
		}
	}
	if err := s.runBatches(ctx, tx, qUpsertEntities, docRows, w.Doc.ID, now); err != nil {
		return err
	}
	if err := s.runBatches(ctx, tx, qUpsertEntities, nodeRows, w.Doc.ID, now); err != nil {
		return err
	}
	edgeRows := make([]map[string]any, 0, len(edges))
	for _, e := range edges {
		if !e.Type.Valid() || e.Type == model.RelMentionedIn || e.Type == model.RelHasQuantity {
			return fmt.Errorf("relation %s: type %q: %w", e.ID, e.Type, fault.ErrInvalidInput)
		}
		edgeRows = append(edgeRows, s.withStatus(edgeParams(e)))
	}
	if err := s.runBatches(ctx, tx, qUpsertEdges, edgeRows, w.Doc.ID, now); err != nil {
		return err
	}
	qrows := make([]map[string]any, 0, len(qtys))
	for _, q := range qtys {
		qrows = append(qrows, s.withStatus(quantityParams(q)))
	}
	return s.runBatches(ctx, tx, qUpsertQuantities, qrows, w.Doc.ID, now)
}

// retractGone drops this document's sources from the facts it no longer states and retracts
// those left without a source (never what staff changed), logging each.
func (s *Store) retractGone(ctx context.Context, tx neo4j.ManagedTransaction, w DocumentWrite, d docDiff, ilog *ingestLog, sum *Summary, now string) error {
	goneEvents := func(ids, retracted []string) {
		for _, id := range ids {
			if slices.Contains(retracted, id) {
				ilog.event(id, "ingestRetracted", nil, map[string]any{"document": w.Doc.ID, "retracted": true})
			} else {
				ilog.event(id, "ingestSourceDropped", nil, map[string]any{"document": w.Doc.ID, "retracted": false})
			}
		}
	}
	for _, t := range model.RelTypes {
		for _, chunk := range chunks(d.GoneEdges[t], BatchSize) {
			recs, err := s.run(ctx, tx, retractEdge[t], map[string]any{"ids": chunk, "doc": w.Doc.ID, "now": now, "actor": w.Actor})
			if err != nil {
				return err
			}
			goneEvents(chunk, keptOrphans(recs, ilog, &sum.Edges))
		}
	}
	for _, chunk := range chunks(d.GoneQuantities, BatchSize) {
		recs, err := s.run(ctx, tx, qDropQuantitySources, map[string]any{"ids": chunk, "doc": w.Doc.ID, "now": now, "actor": w.Actor})
		if err != nil {
			return err
		}
		goneEvents(chunk, keptOrphans(recs, ilog, &sum.Quantities))
	}
	for _, chunk := range chunks(d.GoneNodes, BatchSize) {
		recs, err := s.run(ctx, tx, qDropEntitySources, map[string]any{"ids": chunk, "doc": w.Doc.ID, "now": now})
		if err != nil {
			return err
		}
		orphans := keptOrphans(recs, ilog, &sum.Nodes)
		goneEvents(chunk, orphans)
		if len(orphans) > 0 {
			if err := s.retractConditionsOf(ctx, tx, orphans, now, w.Actor); err != nil {
				return err
			}
			if _, err := s.run(ctx, tx, qRetractEntities, map[string]any{"ids": orphans, "now": now, "actor": w.Actor}); err != nil {
				return err
			}
		}
	}
	return nil
}

// readPriorState reads what the document wrote the last time (priorState; empty when new).
func (s *Store) readPriorState(ctx context.Context, tx neo4j.ManagedTransaction, doc string) (priorState, error) {
	recs, err := s.run(ctx, tx, qDocState, map[string]any{"doc": doc})
	if err != nil {
		return priorState{}, err
	}
	p := priorState{Facts: map[string]string{}}
	if len(recs) != 1 {
		return p, nil
	}
	h, _ := recs[0].Get("planHash")
	p.PlanHash, _ = h.(string)
	ids, _ := recs[0].Get("ids")
	hashes, _ := recs[0].Get("hashes")
	il, _ := ids.([]any)
	hl, _ := hashes.([]any)
	for i := range il {
		id, _ := il[i].(string)
		h := ""
		if i < len(hl) {
			h, _ = hl[i].(string)
		}
		p.Facts[id] = h
	}
	return p, nil
}

// readExisting returns which of w's entities, figures and conditions are live in the graph.
func (s *Store) readExisting(ctx context.Context, tx neo4j.ManagedTransaction, w DocumentWrite) (map[string]bool, error) {
	nodeIDs := []string{w.Doc.ID}
	for _, n := range w.Nodes {
		nodeIDs = append(nodeIDs, n.ID)
	}
	qIDs := make([]string, 0, len(w.Quantities))
	for _, q := range w.Quantities {
		qIDs = append(qIDs, q.ID)
	}
	existing := map[string]bool{}
	for _, look := range []struct {
		q   Query
		ids []string
	}{{qExistingEntities, nodeIDs}, {qExistingQuantities, qIDs}} {
		for _, chunk := range chunks(look.ids, BatchSize*10) {
			recs, err := s.run(ctx, tx, look.q, map[string]any{"ids": chunk})
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				id, _ := r.Get("id")
				existing[id.(string)] = true
			}
		}
	}
	if err := s.existingConditions(ctx, tx, w.Conditions, existing); err != nil {
		return nil, err
	}
	return existing, nil
}

// runBatches sends rows in UNWIND batches and checks that every row was written: a
// relationship or figure whose endpoint is not in the graph matches nothing, and that must
// fail the document's transaction rather than vanish.
func (s *Store) runBatches(ctx context.Context, tx neo4j.ManagedTransaction, q Query, rows []map[string]any, doc, now string) error {
	for start := 0; start < len(rows); start += BatchSize {
		end := min(start+BatchSize, len(rows))
		recs, err := s.run(ctx, tx, q, map[string]any{"rows": rows[start:end], "doc": doc, "now": now})
		if err != nil {
			return err
		}
		var written int64
		if len(recs) == 1 {
			v, _ := recs[0].Get("written")
			written, _ = v.(int64)
		}
		if int(written) != end-start {
			return fmt.Errorf("%s: %d of %d rows refer to entities that are not in the graph (written in a later document?): %w",
				q.Name, end-start-int(written), end-start, fault.ErrInvalidInput)
		}
	}
	return nil
}

func sourceParams(m map[string]any, srcs []model.Provenance) {
	docs := make([]string, len(srcs))
	passages := make([]int64, len(srcs))
	starts := make([]int64, len(srcs))
	ends := make([]int64, len(srcs))
	quotes := make([]string, len(srcs))
	methods := make([]string, len(srcs))
	confs := make([]float64, len(srcs))
	curated := false
	for i, p := range srcs {
		docs[i], passages[i], starts[i], ends[i] = p.DocumentID, int64(p.Passage), int64(p.Start), int64(p.End)
		quotes[i], methods[i], confs[i] = p.Quote, p.Method, p.Confidence
		if p.Method == model.MethodCurated {
			curated = true
		}
	}
	m["srcDoc"], m["srcPassage"], m["srcStart"], m["srcEnd"] = docs, passages, starts, ends
	m["srcQuote"], m["srcMethod"], m["srcConf"] = quotes, methods, confs
	m["curated"] = curated
}

func nodeParams(n NodeRow) map[string]any {
	aliases := n.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	props := n.Props
	if props == nil {
		props = map[string]any{}
	}
	m := map[string]any{"id": n.ID, "kind": string(n.Kind), "name": n.Name, "aliases": aliases, "props": props, "keepName": n.keepName}
	sourceParams(m, n.Sources)
	return m
}

func edgeParams(e EdgeRow) map[string]any {
	props := e.Props
	if props == nil {
		props = map[string]any{}
	}
	m := map[string]any{"id": e.ID, "type": string(e.Type), "from": e.From, "to": e.To, "props": props}
	sourceParams(m, e.Sources)
	return m
}

func quantityParams(q QuantityRow) map[string]any {
	m := map[string]any{
		"id": q.ID, "subject": q.Subject, "what": q.What, "value": q.Value, "unit": q.Unit,
		"qualifier": q.Qualifier, "asOf": q.AsOf, "raw": q.Raw, "min": nil, "max": nil,
	}
	if q.Min != nil {
		m["min"] = *q.Min
	}
	if q.Max != nil {
		m["max"] = *q.Max
	}
	sourceParams(m, q.Sources)
	return m
}

func chunks(ids []string, n int) [][]string {
	var out [][]string
	for start := 0; start < len(ids); start += n {
		out = append(out, ids[start:min(start+n, len(ids))])
	}
	return out
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// relTypeOfID extracts TYPE from an id of the form rel:TYPE:hash (see model.RelationID).
func relTypeOfID(id string) model.RelType {
	rest := id[len("rel:"):]
	for i := 0; i < len(rest); i++ {
		if rest[i] == ':' {
			return model.RelType(rest[:i])
		}
	}
	return ""
}

// ExistingEntities returns the kinds of those ids that name an entity in the graph.
func (s *Store) ExistingEntities(ctx context.Context, ids []string) (map[string]model.Kind, error) {
	out := map[string]model.Kind{}
	for _, chunk := range chunks(ids, BatchSize*10) {
		recs, err := s.read(ctx, qExistingEntities, map[string]any{"ids": chunk})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			id, _ := r.Get("id")
			k, _ := r.Get("kind")
			ks, _ := k.(string)
			out[id.(string)] = model.Kind(ks)
		}
	}
	return out, nil
}
