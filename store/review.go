package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// The review queue (issue 20). Every fact — entity, relationship, figure — has a status:
//
//   - PROPOSED: written by the extractor (no curated source) with a confidence below the
//     store's review threshold (Config.ReviewMinConfidence); it is live and read by default,
//     flagged, until staff decide;
//   - ACCEPTED: curated, stated with enough confidence, or accepted by staff. A staff
//     acceptance makes the fact staff-owned (staffAt, its sources in staffSrc, its name in
//     staffProps): ingest never retracts it, never drops its sources, never renames it,
//     whatever a later extraction states (conflicts.go);
//   - REJECTED: rejected by staff. The fact is retracted like any staff retraction (history
//     kept, hidden from default reads), so a document that states it again does not bring
//     it back (a Conflict "retracted" instead).
//
// Ingest only ever moves a fact from no status or PROPOSED to ACCEPTED (a curated source, or a
// confident enough one); it never touches a staff decision. Facts stored before statuses
// existed are ACCEPTED (migrateStatus).

// Fact statuses.
const (
	StatusProposed = "PROPOSED"
	StatusAccepted = "ACCEPTED"
	StatusRejected = "REJECTED"
)

// ReviewAll is the review threshold above every confidence: every extracted fact is PROPOSED.
const ReviewAll = 2.0

// Fact types of a review item.
const (
	FactEntity   = "ENTITY"
	FactRelation = "RELATION"
	FactFigure   = "FIGURE"
)

// statusOf is the status ingest gives a row: ACCEPTED when a source is curated or the best
// confidence reaches the threshold, PROPOSED otherwise.
func (s *Store) statusOf(row map[string]any) string {
	if row["curated"] == true {
		return StatusAccepted
	}
	best := 0.0
	confs, _ := row["srcConf"].([]float64)
	for _, c := range confs {
		best = max(best, c)
	}
	if len(confs) == 0 || best >= s.reviewBelow {
		return StatusAccepted
	}
	return StatusProposed
}

// withStatus sets the status ingest proposes for a row (setSources keeps a decided one).
func (s *Store) withStatus(row map[string]any) map[string]any {
	row["status"] = s.statusOf(row)
	return row
}

// statusSnippet (part of setSources) keeps a decided status and otherwise takes the row's.
const statusSnippet = `x.status = CASE WHEN x.status IN ['ACCEPTED', 'REJECTED'] THEN x.status ELSE coalesce(row.status, 'ACCEPTED') END`

// Data migration: facts written before statuses existed are ACCEPTED. Run once (a marker
// node records it), in batches; not named queries (they scan by design, once).
var statusMigration = func() []Query {
	qs := []Query{
		{Name: "migrate_status_entities", Cypher: `MATCH (x:Entity) WHERE x.status IS NULL CALL (x) { SET x.status = 'ACCEPTED' } IN TRANSACTIONS OF 5000 ROWS`},
		{Name: "migrate_status_quantities", Cypher: `MATCH (x:Quantity) WHERE x.status IS NULL CALL (x) { SET x.status = 'ACCEPTED' } IN TRANSACTIONS OF 5000 ROWS`},
	}
	for _, t := range model.RelTypes {
		qs = append(qs, Query{Name: "migrate_status_" + string(t),
			Cypher: `MATCH ()-[r:` + string(t) + `]->() WHERE r.status IS NULL CALL (r) { SET r.status = 'ACCEPTED' } IN TRANSACTIONS OF 5000 ROWS`})
	}
	return qs
}()

const statusMarker = "migration:fact-status-v1"

func (s *Store) migrateStatus(ctx context.Context) error {
	recs, err := s.read(ctx, qMigrationDone, map[string]any{"id": statusMarker})
	if err != nil {
		return fmt.Errorf("migrate: reading the status marker: %w", err)
	}
	if len(recs) > 0 {
		return nil
	}
	for _, q := range statusMigration {
		s.count(ctx, q)
		sess := s.session(ctx, true)
		_, err := sess.Run(ctx, q.Cypher, nil) // CALL … IN TRANSACTIONS needs an implicit transaction
		sess.Close(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", q.Name, s.classify(ctx, q, err))
		}
	}
	return s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := s.run(ctx, tx, qMigrationMark, map[string]any{"id": statusMarker, "now": nowString()})
		return err
	})
}

var (
	qMigrationDone = newQuery("migrationDone", `MATCH (m:Migration {id: $id}) RETURN m.id AS id`, map[string]any{"id": "m"})
	qMigrationMark = newWrite("migrationMark", `MERGE (m:Migration {id: $id}) ON CREATE SET m.at = $now`, map[string]any{"id": "m", "now": "t"})
)

// ReviewItem is one fact of the review queue (or the outcome of a review mutation).
type ReviewItem struct {
	ID         string
	FactType   string // ENTITY, RELATION, FIGURE
	Kind       string // entity kind, relationship type, or "Quantity"
	Status     string
	Confidence float64
	Method     string
	Name       string // an entity's name
	From, To   string // a relationship's ends
	Subject    string // a figure's entity
	What, Raw  string // a figure's measure and text
	Value      float64
	Unit       string
	Sources    []model.Provenance
	Document   string // the queue's document (the first source's otherwise)
	Position   int    // first rune offset of the fact in Document
	Retracted  bool
	EditedInto string // set when an edit replaced the fact by another
}

// ReviewFilter narrows the review queue.
type ReviewFilter struct {
	DocumentID    string   // empty: every document
	Kinds         []string // entity kinds, relationship types, "Quantity"; empty: any
	MaxConfidence float64  // only facts at most this confident
	First         int
	After         string
}

// ReviewPage is one page of the queue in document order (document, first offset, id).
type ReviewPage struct {
	Items   []ReviewItem
	Cursors []string
	HasNext bool
	Total   int
}

const factProjEntity = `x {.*, passages: null, factIds: null, factHashes: null, planHash: null, factType: 'ENTITY'}`

const factProjRel = `r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id, factType: 'RELATION'}`

var (
	qReviewDocuments = newQuery("review_documents", `
MATCH (d:Entity {kind: 'Document'})
RETURN d.id AS id ORDER BY id`, nil)

	qReviewQueue = newQuery("review_queue", `
UNWIND $docs AS docId
MATCH (d:Entity {id: docId})
CALL (d) {
  MATCH (x:Entity)-[:MENTIONED_IN]->(d)
  WHERE x.status = 'PROPOSED'
  RETURN `+factProjEntity+` AS f
  UNION
  MATCH (x:Entity)-[:MENTIONED_IN]->(d)
  MATCH (x)-[r]-(:Entity)
  WHERE r.status = 'PROPOSED' AND d.id IN r.srcDoc
  RETURN `+factProjRel+` AS f
  UNION
  MATCH (x:Entity)-[:MENTIONED_IN]->(d)
  MATCH (x)-[:HAS_QUANTITY]->(q:Quantity)
  WHERE q.status = 'PROPOSED' AND d.id IN q.srcDoc
  RETURN q {.*, factType: 'FIGURE'} AS f
}
WITH d, f, CASE f.factType WHEN 'ENTITY' THEN f.kind WHEN 'RELATION' THEN f.type ELSE 'Quantity' END AS kind
WHERE (size($kinds) = 0 OR kind IN $kinds) AND coalesce(f.confidence, 0.0) <= $maxConf
WITH d.id AS doc, f, [i IN range(0, size(coalesce(f.srcDoc, [])) - 1) WHERE f.srcDoc[i] = d.id | f.srcStart[i]] AS starts
WITH doc, f, reduce(m = -1, s IN starts | CASE WHEN m < 0 OR s < m THEN s ELSE m END) AS pos
ORDER BY doc, pos, f.id
WITH collect({doc: doc, pos: pos, f: f}) AS items
RETURN size(items) AS total,
       [it IN items WHERE it.doc > $aDoc OR (it.doc = $aDoc AND (it.pos > $aPos OR (it.pos = $aPos AND it.f.id > $aID)))][0..$limit] AS page`,
		map[string]any{"docs": []string{"document:x"}, "kinds": []string{}, "maxConf": 1.0, "aDoc": "", "aPos": -2, "aID": "", "limit": 21})

	// Facts by id, live or retracted, for the answers of the review mutations.
	qReviewFactEntity = newQuery("review_factEntity", `
OPTIONAL MATCH (a:Entity {id: $id})
OPTIONAL MATCH (b:Retracted {id: $id})
WITH coalesce(a, b) AS x WHERE x IS NOT NULL AND x.kind <> 'Quantity'
RETURN `+factProjEntity+` AS f`, map[string]any{"id": "policy:x"})

	qReviewFactFigure = newQuery("review_factFigure", `
OPTIONAL MATCH (a:Quantity {id: $id})
OPTIONAL MATCH (b:Retracted {id: $id})
WITH coalesce(a, b) AS q WHERE q IS NOT NULL AND q.kind = 'Quantity'
RETURN q {.*, factType: 'FIGURE'} AS f`, map[string]any{"id": "qty:x"})
)

// staffOwn is the SET list that makes fact x staff-owned on acceptance: its current sources
// become staff sources (never dropped by ingest), staffAt/staffBy mark it (never retracted
// by ingest).
const staffOwn = `x.status = 'ACCEPTED', x.statusBy = $actor, x.statusAt = $now,
    x.reviewedBy = $actor, x.reviewedAt = $now, x.reviewNote = $note, x.staffAt = $now, x.staffBy = $actor,
    x.staffSrc = reduce(acc = coalesce(x.staffSrc, []), i IN range(0, size(coalesce(x.srcDoc, [])) - 1) |
      CASE WHEN (x.srcDoc[i] + '|' + toString(x.srcStart[i]) + '|' + toString(x.srcEnd[i])) IN acc THEN acc
           ELSE acc + (x.srcDoc[i] + '|' + toString(x.srcStart[i]) + '|' + toString(x.srcEnd[i])) END)`

// retractMark is the SET list of a staff rejection (h: the retracted copy or node).
const retractMark = `h.retracted = true, h.retractedAt = $now, h.retractedBy = $actor, h.retractReason = $reason,
    h.status = 'REJECTED', h.statusBy = $actor, h.statusAt = $now, h.staffAt = $now, h.staffBy = $actor, h.editedInto = $editedInto`

var sampleReview = map[string]any{"id": "policy:x", "now": "t", "actor": "a", "note": "", "reason": "r", "editedInto": nil}

var (
	qAcceptEntity = newWrite("review_acceptEntity", `
MATCH (x:Entity {id: $id})
WITH x, x.status AS before
SET `+staffOwn+`,
    x.staffProps = CASE WHEN 'name' IN coalesce(x.staffProps, []) THEN x.staffProps ELSE coalesce(x.staffProps, []) + 'name' END
RETURN before, `+factProjEntity+` AS f`, sampleReview)

	qAcceptFigure = newWrite("review_acceptFigure", `
MATCH (x:Quantity {id: $id})
WITH x, x.status AS before
SET `+staffOwn+`
RETURN before, x {.*, factType: 'FIGURE'} AS f`, sampleReview)

	qRejectFigure = newWrite("review_rejectFigure", `
MATCH (h:Quantity {id: $id})
WITH h, h.status AS before
REMOVE h:Quantity
SET h:Retracted, `+retractMark+`
RETURN before, h {.*, factType: 'FIGURE'} AS f`, sampleReview)

	// Rejecting an entity retracts it with its relationships and figures (marked
	// rejectedWith, so reopening it brings them back).
	qRejectEntity = newWrite("review_rejectEntity", `
MATCH (h:Entity {id: $id})
WHERE h.kind <> 'Document'
WITH h, h.status AS before
CALL (h) {
  MATCH (h)-[r]-(:Entity)
  WHERE type(r) <> 'MENTIONED_IN'
  WITH r, startNode(r) AS a, endNode(r) AS b
  CREATE (a)-[c:RETRACTED]->(b)
  SET c = properties(r), c.origType = type(r), c.retractedAt = $now, c.retractedBy = $actor, c.rejectedWith = h.id
  DELETE r
}
CALL (h) {
  MATCH (h)-[:HAS_QUANTITY]->(q:Quantity)
  REMOVE q:Quantity
  SET q:Retracted, q.retracted = true, q.retractedAt = $now, q.retractedBy = $actor, q.rejectedWith = h.id
}
REMOVE h:Entity, h:$(h.kind)
SET h:Retracted, `+retractMark+`
WITH before, h AS x
RETURN before, `+factProjEntity+` AS f`, sampleReview)

	// Reopening (undo): a rejected fact comes back PROPOSED; an accepted one becomes PROPOSED.
	qReopenEntity = newWrite("review_reopenEntity", `
OPTIONAL MATCH (a:Entity {id: $id})
OPTIONAL MATCH (b:Retracted {id: $id})
WITH coalesce(a, b) AS x, a IS NULL AS wasRetracted
WHERE x IS NOT NULL AND x.kind <> 'Quantity' AND x.mergedInto IS NULL AND x.status IN ['ACCEPTED', 'REJECTED']
WITH x, wasRetracted, x.status AS before
CALL (x, wasRetracted) {
  WITH x WHERE wasRetracted
  REMOVE x:Retracted
  SET x:Entity:$(x.kind), x.retracted = null, x.retractedAt = null, x.retractedBy = null, x.retractReason = null
}
CALL (x) {
  MATCH (a)-[h:RETRACTED {rejectedWith: x.id}]->(b)
  WHERE a:Entity AND b:Entity
  CREATE (a)-[r:$(h.origType)]->(b)
  SET r = properties(h), r.origType = null, r.retractedAt = null, r.retractedBy = null, r.rejectedWith = null
  DELETE h
}
CALL (x) {
  MATCH (x)-[:HAS_QUANTITY]->(q:Retracted {rejectedWith: x.id})
  REMOVE q:Retracted
  SET q:Quantity, q.retracted = null, q.retractedAt = null, q.retractedBy = null, q.rejectedWith = null
}
SET x.status = 'PROPOSED', x.statusBy = $actor, x.statusAt = $now, x.restoredAt = $now, x.restoredBy = $actor,
    x.staffAt = $now, x.staffBy = $actor
RETURN before, `+factProjEntity+` AS f`, sampleReview)

	qReopenFigure = newWrite("review_reopenFigure", `
OPTIONAL MATCH (a:Quantity {id: $id})
OPTIONAL MATCH (b:Retracted {id: $id})
WITH coalesce(a, b) AS x, a IS NULL AS wasRetracted
WHERE x IS NOT NULL AND x.kind = 'Quantity' AND x.status IN ['ACCEPTED', 'REJECTED']
  AND EXISTS { (e:Entity)-[:HAS_QUANTITY]->(x) }
WITH x, wasRetracted, x.status AS before
CALL (x, wasRetracted) {
  WITH x WHERE wasRetracted
  REMOVE x:Retracted
  SET x:Quantity, x.retracted = null, x.retractedAt = null, x.retractedBy = null, x.retractReason = null, x.editedInto = null
}
SET x.status = 'PROPOSED', x.statusBy = $actor, x.statusAt = $now, x.staffAt = $now, x.staffBy = $actor
RETURN before, x {.*, factType: 'FIGURE'} AS f`, sampleReview)

	// An edited entity kind: a copy of the entity under the new kind's id (or the entity
	// of that id when there is one), which the old one is then merged into.
	qRetypeCopy = newWrite("review_retypeCopy", `
MATCH (o:Entity {id: $id})
WITH properties(o) AS p
MERGE (x:Entity {id: $newId})
  ON CREATE SET x = p {.*, id: $newId, createdAt: $now, createdBy: $actor, mergedFrom: null, staffSrc: null, staffProps: null}
SET x:$($kind), x.kind = $kind
RETURN x.id AS id`, map[string]any{"id": "policy:x", "newId": "program:x", "kind": "Program", "now": "t", "actor": "a"})

	// An edited figure: a new figure on the same subject with the old one's sources.
	qRefigure = newWrite("review_refigure", `
MATCH (o:Quantity {id: $id})
MATCH (e:Entity {id: o.subject})
WITH e, properties(o) AS p
MERGE (x:Quantity {id: $newId})
  ON CREATE SET x = p {.*, id: $newId, createdAt: $now, createdBy: $actor, staffSrc: null}
SET x.what = $what, x.value = $value, x.unit = $unit, x.min = $min, x.max = $max, x.qualifier = $qualifier,
    x.asOf = $asOf, x.raw = $raw, x.updatedAt = $now, x.updatedBy = $actor
MERGE (e)-[h:HAS_QUANTITY]->(x)
  ON CREATE SET h.id = $newId
RETURN x.id AS id`, map[string]any{"id": "qty:x", "newId": "qty:y", "what": "w", "value": 1.0, "unit": "CNY", "min": nil, "max": nil,
		"qualifier": "", "asOf": "", "raw": "1元", "now": "t", "actor": "a"})
)

// Relationship statements need the type for their index seek: one per type.
var qAcceptRel, qRejectRel, qReopenRel, qReviewRel = func() (a, b, c, d map[model.RelType]Query) {
	a, b, c, d = map[model.RelType]Query{}, map[model.RelType]Query{}, map[model.RelType]Query{}, map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		sample := map[string]any{"id": "rel:" + string(t) + ":x", "now": "t", "actor": "a", "note": "", "reason": "r", "editedInto": nil}
		a[t] = newWrite("review_acceptRelation_"+string(t), `
MATCH ()-[x:`+string(t)+` {id: $id}]->()
WITH x, x.status AS before
SET `+staffOwn+`
WITH before, x AS r
RETURN before, `+factProjRel+` AS f`, sample)
		b[t] = newWrite("review_rejectRelation_"+string(t), `
MATCH (a)-[x:`+string(t)+` {id: $id}]->(b)
WITH a, b, x, x.status AS before
CREATE (a)-[h:RETRACTED]->(b)
SET h = properties(x), h.origType = type(x), `+retractMark+`
DELETE x
RETURN before, h {.*, type: h.origType, from: a.id, to: b.id, factType: 'RELATION'} AS f`, sample)
		c[t] = newWrite("review_reopenRelation_"+string(t), `
MATCH (a:Entity)-[h:RETRACTED {id: $id}]->(b:Entity)
WHERE h.status = 'REJECTED' AND h.origType = '`+string(t)+`' AND NOT EXISTS { (a)-[:`+string(t)+` {id: $id}]->(b) }
WITH a, b, h ORDER BY h.retractedAt DESC LIMIT 1
CREATE (a)-[x:`+string(t)+`]->(b)
SET x = properties(h), x.origType = null, x.retracted = null, x.retractedAt = null, x.retractedBy = null,
    x.retractReason = null, x.editedInto = null, x.status = 'PROPOSED', x.statusBy = $actor, x.statusAt = $now,
    x.staffAt = $now, x.staffBy = $actor
DELETE h
WITH x AS r
RETURN 'REJECTED' AS before, `+factProjRel+` AS f`, sample)
		d[t] = newQuery("review_relation_"+string(t), `
OPTIONAL MATCH ()-[a:`+string(t)+` {id: $id}]->()
OPTIONAL MATCH (s)-[h:RETRACTED {id: $id}]->(e)
WITH a, s, h, e ORDER BY h.retractedAt DESC
WITH a, head(collect(h {.*, type: h.origType, from: s.id, to: e.id, factType: 'RELATION', retracted: true})) AS old
WHERE a IS NOT NULL OR old IS NOT NULL
WITH a AS r, old
RETURN CASE WHEN r IS NULL THEN old ELSE `+factProjRel+` END AS f`, map[string]any{"id": "rel:" + string(t) + ":x"})
	}
	return
}()

func factType(id string) string {
	switch {
	case strings.HasPrefix(id, "rel:"):
		return FactRelation
	case strings.HasPrefix(id, "qty:"):
		return FactFigure
	default:
		return FactEntity
	}
}

func relQuery(m map[model.RelType]Query, id string) (Query, model.RelType, error) {
	t := relTypeOfID(id)
	q, ok := m[t]
	if !ok {
		return Query{}, "", fmt.Errorf("%q is not a relationship id (rel:TYPE:…): %w", id, fault.ErrInvalidInput)
	}
	return q, t, nil
}

func decodeReviewItem(v any, doc string) ReviewItem {
	m, _ := v.(map[string]any)
	it := ReviewItem{
		ID: str(m["id"]), FactType: str(m["factType"]), Status: str(m["status"]), Confidence: num(m["confidence"]),
		Method: str(m["method"]), Sources: decodeSources(m), Retracted: m["retracted"] == true, EditedInto: str(m["editedInto"]),
	}
	if it.Status == "" {
		it.Status = StatusAccepted
	}
	switch it.FactType {
	case FactEntity:
		it.Kind, it.Name = str(m["kind"]), str(m["name"])
	case FactRelation:
		it.Kind, it.From, it.To = str(m["type"]), str(m["from"]), str(m["to"])
	case FactFigure:
		it.Kind, it.Subject, it.What, it.Raw, it.Value, it.Unit = "Quantity", str(m["subject"]), str(m["what"]), str(m["raw"]), num(m["value"]), str(m["unit"])
	}
	it.Position = -1
	for _, p := range it.Sources {
		if doc == "" {
			doc = p.DocumentID
		}
		if p.DocumentID == doc && (it.Position < 0 || p.Start < it.Position) {
			it.Position = p.Start
		}
	}
	it.Document = doc
	return it
}

// ReviewQueue lists the PROPOSED facts of one document (or of every document), in document
// order: by document id, then by the fact's first offset in it, then by id.
func (s *Store) ReviewQueue(ctx context.Context, f ReviewFilter) (ReviewPage, error) {
	if f.First < 0 || f.First > MaxPage {
		return ReviewPage{}, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, f.First, fault.ErrInvalidInput)
	}
	aDoc, aPos, aID := "", int64(-2), ""
	if f.After != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.After)
		parts := strings.SplitN(strings.TrimPrefix(string(b), "rq:"), "|", 3)
		if err != nil || !strings.HasPrefix(string(b), "rq:") || len(parts) != 3 {
			return ReviewPage{}, fmt.Errorf("malformed cursor %q: %w", f.After, fault.ErrInvalidInput)
		}
		p, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return ReviewPage{}, fmt.Errorf("malformed cursor %q: %w", f.After, fault.ErrInvalidInput)
		}
		aDoc, aPos, aID = parts[0], p, parts[2]
	}
	docs := []string{f.DocumentID}
	if f.DocumentID == "" {
		recs, err := s.read(ctx, qReviewDocuments, nil)
		if err != nil {
			return ReviewPage{}, err
		}
		docs = docs[:0]
		for _, r := range recs {
			v, _ := r.Get("id")
			docs = append(docs, str(v))
		}
	}
	kinds := f.Kinds
	if kinds == nil {
		kinds = []string{}
	}
	recs, err := s.read(ctx, qReviewQueue, map[string]any{
		"docs": docs, "kinds": kinds, "maxConf": f.MaxConfidence, "aDoc": aDoc, "aPos": aPos, "aID": aID, "limit": f.First + 1,
	})
	if err != nil {
		return ReviewPage{}, err
	}
	var page ReviewPage
	if len(recs) == 0 {
		return page, nil
	}
	total, _ := recs[0].Get("total")
	page.Total = int(num(total))
	rows, _ := recs[0].Get("page")
	list, _ := rows.([]any)
	for i, it := range list {
		if i == f.First {
			page.HasNext = true
			break
		}
		m, _ := it.(map[string]any)
		doc, pos := str(m["doc"]), num(m["pos"])
		item := decodeReviewItem(m["f"], doc)
		page.Items = append(page.Items, item)
		page.Cursors = append(page.Cursors, base64.RawURLEncoding.EncodeToString(
			[]byte("rq:"+doc+"|"+strconv.FormatInt(int64(pos), 10)+"|"+item.ID)))
	}
	return page, nil
}

// ReviewFact reads one fact, live or retracted, by id.
func (s *Store) ReviewFact(ctx context.Context, id string) (ReviewItem, error) {
	var q Query
	switch factType(id) {
	case FactRelation:
		var err error
		if q, _, err = relQuery(qReviewRel, id); err != nil {
			return ReviewItem{}, err
		}
	case FactFigure:
		q = qReviewFactFigure
	default:
		q = qReviewFactEntity
	}
	recs, err := s.read(ctx, q, map[string]any{"id": id})
	if err != nil {
		return ReviewItem{}, err
	}
	if len(recs) == 0 {
		return ReviewItem{}, fmt.Errorf("no fact %q: %w", id, fault.ErrNotFound)
	}
	return decodeReviewItem(value(recs, "f"), ""), nil
}

// reviewTx runs one review write: q on the fact id in the caller's transaction, and its
// audit event. An id that matches nothing is fault.ErrNotFound (why says what was looked for).
func (s *Store) reviewTx(ctx context.Context, tx neo4j.ManagedTransaction, actor Actor, action string, q Query, params map[string]any, why string, note string) (ReviewItem, error) {
	id := str(params["id"])
	for k, v := range sampleReview {
		if _, ok := params[k]; !ok && k != "id" {
			params[k] = v
		}
	}
	params["now"], params["actor"] = nowString(), actor.Name
	recs, err := s.run(ctx, tx, q, params)
	if err != nil {
		return ReviewItem{}, err
	}
	if len(recs) == 0 {
		return ReviewItem{}, fmt.Errorf("no %s %q: %w", why, id, fault.ErrNotFound)
	}
	before, after := value(recs, "before"), value(recs, "f")
	it := decodeReviewItem(after, "")
	targets := []string{id}
	for _, t := range []string{it.From, it.To, it.Subject, it.EditedInto} {
		if t != "" {
			targets = append(targets, t)
		}
	}
	err = s.audit(ctx, tx, AuditEvent{At: str(params["now"]), Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
		Action: action, Targets: targets, Before: auditJSON(map[string]any{"status": before}),
		After: auditJSON(map[string]any{"status": it.Status, "editedInto": it.EditedInto}), Note: note})
	return it, err
}

func (s *Store) acceptTx(ctx context.Context, tx neo4j.ManagedTransaction, actor Actor, id, note string) (ReviewItem, error) {
	var q Query
	switch factType(id) {
	case FactRelation:
		var err error
		if q, _, err = relQuery(qAcceptRel, id); err != nil {
			return ReviewItem{}, err
		}
	case FactFigure:
		q = qAcceptFigure
	default:
		q = qAcceptEntity
	}
	return s.reviewTx(ctx, tx, actor, "acceptFact", q, map[string]any{"id": id, "note": note}, "live fact", note)
}

func (s *Store) rejectTx(ctx context.Context, tx neo4j.ManagedTransaction, actor Actor, id, reason, editedInto string) (ReviewItem, error) {
	var q Query
	switch factType(id) {
	case FactRelation:
		var err error
		if q, _, err = relQuery(qRejectRel, id); err != nil {
			return ReviewItem{}, err
		}
	case FactFigure:
		q = qRejectFigure
	default:
		q = qRejectEntity
	}
	var into any
	if editedInto != "" {
		into = editedInto
	}
	action := "rejectFact"
	if editedInto != "" {
		action = "editFact"
	}
	return s.reviewTx(ctx, tx, actor, action, q, map[string]any{"id": id, "reason": reason, "editedInto": into}, "live fact (documents cannot be rejected)", reason)
}

// AcceptFact marks the fact with id (an entity, rel:… or qty:…) ACCEPTED and staff-owned: no
// later ingest retracts it, drops its sources or renames it.
func (s *Store) AcceptFact(ctx context.Context, actor Actor, id, note string) (ReviewItem, error) {
	var out ReviewItem
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) (err error) {
		out, err = s.acceptTx(ctx, tx, actor, id, note)
		return err
	})
	if err != nil {
		return ReviewItem{}, fmt.Errorf("accept %s: %w", id, err)
	}
	return out, nil
}

// RejectFact marks the fact REJECTED and retracts it (an entity with its relationships and
// figures); a document that states it again does not bring it back.
func (s *Store) RejectFact(ctx context.Context, actor Actor, id, reason string) (ReviewItem, error) {
	var out ReviewItem
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) (err error) {
		out, err = s.rejectTx(ctx, tx, actor, id, reason, "")
		return err
	})
	if err != nil {
		return ReviewItem{}, fmt.Errorf("reject %s: %w", id, err)
	}
	return out, nil
}

// ReopenFact undoes a decision: a rejected fact is restored (an entity with what its
// rejection retracted), an accepted one goes back to PROPOSED. Either stays staff-touched.
func (s *Store) ReopenFact(ctx context.Context, actor Actor, id, note string) (ReviewItem, error) {
	var q Query
	switch factType(id) {
	case FactRelation:
		var err error
		t := relTypeOfID(id)
		if q, _, err = relQuery(qReopenRel, id); err != nil {
			return ReviewItem{}, err
		}
		// an accepted relationship is live: reopening it is a status change
		var out ReviewItem
		err = s.write(ctx, func(tx neo4j.ManagedTransaction) error {
			recs, err := s.run(ctx, tx, qReviewRel[t], map[string]any{"id": id})
			if err != nil {
				return err
			}
			if len(recs) > 0 && !decodeReviewItem(value(recs, "f"), "").Retracted {
				out, err = s.reviewTx(ctx, tx, actor, "reopenFact", qSetRelProposed[t], map[string]any{"id": id, "note": note}, "decided fact", note)
				return err
			}
			out, err = s.reviewTx(ctx, tx, actor, "reopenFact", q, map[string]any{"id": id, "note": note}, "rejected relationship", note)
			return err
		})
		if err != nil {
			return ReviewItem{}, fmt.Errorf("reopen %s: %w", id, err)
		}
		return out, nil
	case FactFigure:
		q = qReopenFigure
	default:
		q = qReopenEntity
	}
	var out ReviewItem
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) (err error) {
		out, err = s.reviewTx(ctx, tx, actor, "reopenFact", q, map[string]any{"id": id, "note": note}, "accepted or rejected fact", note)
		return err
	})
	if err != nil {
		return ReviewItem{}, fmt.Errorf("reopen %s: %w", id, err)
	}
	return out, nil
}

var qSetRelProposed = func() map[model.RelType]Query {
	m := map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		m[t] = newWrite("review_proposeRelation_"+string(t), `
MATCH ()-[r:`+string(t)+` {id: $id}]->()
WHERE r.status = 'ACCEPTED'
WITH r, r.status AS before
SET r.status = 'PROPOSED', r.statusBy = $actor, r.statusAt = $now
RETURN before, `+factProjRel+` AS f`, map[string]any{"id": "rel:" + string(t) + ":x", "now": "t", "actor": "a"})
	}
	return m
}()

// FactEdit is a staff correction of a proposed fact. Only the fields that change are set.
type FactEdit struct {
	ID       string
	Name     string          // an entity's new name
	Kind     model.Kind      // an entity's new kind (a new id; the old entity is merged into it)
	Type     model.RelType   // a relationship's new type
	From, To string          // a relationship's new ends
	Figure   *model.Quantity // a figure's new value (What, Value, Unit, Min, Max, Qualifier, AsOf, Raw)
	Note     string
}

// EditFact corrects a fact and accepts the result, in one transaction:
//   - an entity's name is set (the old name becomes an alias, staff-owned);
//   - an entity's kind makes a new entity (kind:name) that the old one is merged into;
//   - a relationship's type or ends make a new relationship with the old one's sources;
//   - a figure's value makes a new figure with the old one's sources.
//
// A replaced fact is retracted as REJECTED with editedInto = the new id, so re-extraction
// never restores it. The answer is the accepted fact.
func (s *Store) EditFact(ctx context.Context, actor Actor, e FactEdit) (ReviewItem, error) {
	var out ReviewItem
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		newID, err := s.editTx(ctx, tx, actor, e)
		if err != nil {
			return err
		}
		out, err = s.acceptTx(ctx, tx, actor, newID, e.Note)
		return err
	})
	if err != nil {
		return ReviewItem{}, fmt.Errorf("edit %s: %w", e.ID, err)
	}
	return out, nil
}

func (s *Store) editTx(ctx context.Context, tx neo4j.ManagedTransaction, actor Actor, e FactEdit) (string, error) {
	now := nowString()
	switch factType(e.ID) {
	case FactEntity:
		recs, err := s.run(ctx, tx, qEntityState, map[string]any{"id": e.ID})
		if err != nil {
			return "", err
		}
		live, _ := value(recs, "live").(map[string]any)
		if live == nil {
			return "", fmt.Errorf("no live entity %q: %w", e.ID, fault.ErrNotFound)
		}
		kind, name := model.Kind(str(live["kind"])), str(live["name"])
		if kind == model.KindDocument {
			return "", fmt.Errorf("documents cannot be edited here: %w", fault.ErrInvalidInput)
		}
		if e.Name != "" && e.Name != name {
			if _, err := s.run(ctx, tx, qCurateEntity, map[string]any{
				"id": e.ID, "kind": string(kind), "name": e.Name, "aliases": []string{}, "props": map[string]any{},
				"propKeys": []string{}, "src": nil, "now": now, "actor": actor.Name,
			}); err != nil {
				return "", err
			}
			name = e.Name
		}
		if e.Kind == "" || e.Kind == kind {
			return e.ID, nil
		}
		if !e.Kind.Valid() || e.Kind == model.KindDocument {
			return "", fmt.Errorf("kind %q: %w", e.Kind, fault.ErrInvalidInput)
		}
		newID := model.EntityID(e.Kind, name)
		if _, err := s.run(ctx, tx, qRetypeCopy, map[string]any{"id": e.ID, "newId": newID, "kind": string(e.Kind), "now": now, "actor": actor.Name}); err != nil {
			return "", err
		}
		if _, err := s.mergeTx(ctx, tx, actor, newID, e.ID, "kind edited to "+string(e.Kind), true); err != nil {
			return "", err
		}
		return newID, nil
	case FactRelation:
		t := relTypeOfID(e.ID)
		q, ok := qEdgeByID[t]
		if !ok {
			return "", fmt.Errorf("%q is not a relationship id (rel:TYPE:…): %w", e.ID, fault.ErrInvalidInput)
		}
		recs, err := s.run(ctx, tx, q, map[string]any{"id": e.ID})
		if err != nil {
			return "", err
		}
		if len(recs) == 0 {
			return "", fmt.Errorf("no live relationship %q: %w", e.ID, fault.ErrNotFound)
		}
		old, _ := value(recs, "x").(map[string]any)
		nt, from, to := t, str(old["from"]), str(old["to"])
		if e.Type != "" {
			nt = e.Type
		}
		if e.From != "" {
			from = e.From
		}
		if e.To != "" {
			to = e.To
		}
		if !nt.Valid() || nt == model.RelMentionedIn || nt == model.RelHasQuantity {
			return "", fmt.Errorf("relationship type %q: %w", nt, fault.ErrInvalidInput)
		}
		if from == to {
			return "", fmt.Errorf("a relationship needs two different entities: %w", fault.ErrInvalidInput)
		}
		newID := model.RelationID(nt, from, to)
		if newID == e.ID {
			return e.ID, nil
		}
		found, err := s.run(ctx, tx, qExistingEntities, map[string]any{"ids": []string{from, to}})
		if err != nil {
			return "", err
		}
		if len(found) < 2 {
			return "", fmt.Errorf("no live entity %s or %s: %w", from, to, fault.ErrNotFound)
		}
		row := map[string]any{"type": string(nt), "from": from, "to": to, "id": newID, "oldId": e.ID}
		kept := map[string]any{}
		for k, v := range old {
			if !slices.Contains(bookkeepingEdgeProps, k) && !slices.Contains([]string{"type", "from", "to", "status", "staffAt", "staffBy", "staffProps"}, k) {
				kept[k] = v
			}
		}
		row["props"] = kept
		for _, k := range []string{"srcDoc", "srcPassage", "srcStart", "srcEnd", "srcQuote", "srcMethod", "srcConf", "staffSrc"} {
			v := old[k]
			if v == nil {
				v = []any{}
			}
			row[k] = v
		}
		if _, err := s.run(ctx, tx, qMoveEdges, map[string]any{"rows": []any{row}, "now": now, "actor": actor.Name}); err != nil {
			return "", err
		}
		if _, err := s.rejectTx(ctx, tx, actor, e.ID, "edited: "+e.Note, newID); err != nil {
			return "", err
		}
		return newID, nil
	default:
		if e.Figure == nil {
			return e.ID, nil
		}
		recs, err := s.run(ctx, tx, qQuantityState, map[string]any{"id": e.ID})
		if err != nil {
			return "", err
		}
		live, _ := value(recs, "live").(map[string]any)
		if live == nil {
			return "", fmt.Errorf("no live figure %q: %w", e.ID, fault.ErrNotFound)
		}
		f := *e.Figure
		if f.What == "" {
			f.What = str(live["what"])
		}
		newID := model.QuantityID(str(live["subject"]), f.What, f.Raw)
		if newID == e.ID {
			return e.ID, nil
		}
		p := map[string]any{"id": e.ID, "newId": newID, "what": f.What, "value": f.Value, "unit": f.Unit, "min": nil, "max": nil,
			"qualifier": f.Qualifier, "asOf": f.AsOf, "raw": f.Raw, "now": now, "actor": actor.Name}
		if f.Min != nil {
			p["min"] = *f.Min
		}
		if f.Max != nil {
			p["max"] = *f.Max
		}
		if _, err := s.run(ctx, tx, qRefigure, p); err != nil {
			return "", err
		}
		if _, err := s.rejectTx(ctx, tx, actor, e.ID, "edited: "+e.Note, newID); err != nil {
			return "", err
		}
		return newID, nil
	}
}

// MergeFacts merges mergeID into keepID (MergeEntities) and accepts the kept entity, in one
// transaction.
func (s *Store) MergeFacts(ctx context.Context, actor Actor, keepID, mergeID, note string) (ReviewItem, error) {
	var out ReviewItem
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if _, err := s.mergeTx(ctx, tx, actor, keepID, mergeID, note, false); err != nil {
			return err
		}
		var err error
		out, err = s.acceptTx(ctx, tx, actor, keepID, note)
		return err
	})
	if err != nil {
		return ReviewItem{}, fmt.Errorf("merge %s into %s: %w", mergeID, keepID, err)
	}
	return out, nil
}

func statusList(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
