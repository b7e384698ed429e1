package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// Curation: the writes policy staff make through the API. Each runs in one managed write
// transaction that reads the targets' state before, writes, reads it after and records an
// AuditEvent with both, so the change and its record commit or roll back together. The work
// is idempotent (MERGE on ids, sources appended only when new), so the driver may retry it.
//
// Sources of staff edits are appended to the fact's provenance arrays with method "curated";
// they are not in any document's factIds, so re-ingesting that document leaves them alone.
// A staff retraction moves a relationship to RETRACTED (or a figure to :Retracted) whatever
// sources it has and staffAt, so it holds for good: a document that restates the fact does not
// bring it back (conflicts.go, guardStaff).

// EntityEdit creates or updates one entity.
type EntityEdit struct {
	ID      string // the entity's id (model.EntityID of kind and name for a new one)
	Kind    model.Kind
	Name    string
	Aliases []string
	Props   map[string]any    // typed values (model.CoerceProp); nil values remove the property
	Source  *model.Provenance // nil: the edit states no source (only allowed on an update)
	Note    string
}

// EdgeEdit adds one relationship, or a source to an existing one.
type EdgeEdit struct {
	Type     model.RelType
	From, To string
	Props    map[string]any
	Source   model.Provenance
	Note     string
}

// QuantityEdit adds one figure, or a source to an existing one.
type QuantityEdit struct {
	model.Quantity // ID is computed by the caller (model.QuantityID)
	Source         model.Provenance
	Note           string
}

// Review is who confirmed a fact and when.
type Review struct {
	By, At, Note string
}

// MergeResult is the outcome of MergeEntities.
type MergeResult struct {
	Kept, Merged    Node // Merged is the retracted loser (Retracted, MergedInto = Kept.ID)
	MovedEdges      int
	MovedQuantities int
	RetractedEdges  int // relationships between the two, retracted rather than made self-loops
	// MovedConditions follow the keeper; CombinedConditions tested what one of the keeper's
	// own tests, so their sources joined it (merge_conditions.go).
	MovedConditions, CombinedConditions int
}

// srcSnippet appends $src (a provenance map, or null) to x's source arrays unless the same
// span with the same method is there, then refreshes method and confidence.
const srcSnippet = `
WITH x, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1)
         WHERE x.srcDoc[i] = $src.doc AND x.srcStart[i] = $src.start AND x.srcEnd[i] = $src.end
           AND x.srcMethod[i] = $src.method] AS dup
FOREACH (_ IN CASE WHEN $src IS NULL OR size(dup) > 0 THEN [] ELSE [1] END |
  SET x.srcDoc = coalesce(x.srcDoc, []) + $src.doc, x.srcPassage = coalesce(x.srcPassage, []) + $src.passage,
      x.srcStart = coalesce(x.srcStart, []) + $src.start, x.srcEnd = coalesce(x.srcEnd, []) + $src.end,
      x.srcQuote = coalesce(x.srcQuote, []) + $src.quote, x.srcMethod = coalesce(x.srcMethod, []) + $src.method,
      x.srcConf = coalesce(x.srcConf, []) + $src.conf)
WITH x, CASE WHEN $src IS NULL THEN [] ELSE [$src.doc + '|' + toString($src.start) + '|' + toString($src.end)] END AS staffKey
SET x.method = CASE WHEN 'curated' IN coalesce(x.srcMethod, []) THEN 'curated' ELSE coalesce(x.srcMethod[0], x.method) END,
    x.confidence = reduce(m = 0.0, c IN coalesce(x.srcConf, []) | CASE WHEN c > m THEN c ELSE m END),
    x.staffSrc = reduce(acc = coalesce(x.staffSrc, []), k IN staffKey | CASE WHEN k IN acc THEN acc ELSE acc + k END),
    x.staffAt = $now, x.staffBy = $actor`

var sampleSrc = map[string]any{"doc": "document:x", "passage": int64(0), "start": int64(0), "end": int64(2), "quote": "xx", "method": "curated", "conf": 1.0}

var (
	qEntityState = newQuery("curation_entityState", `
OPTIONAL MATCH (a:Entity {id: $id})
OPTIONAL MATCH (b:Retracted {id: $id})
RETURN a `+nodeProj+` AS live, b `+nodeProj+` AS retracted`, map[string]any{"id": "policy:x"})

	qRestoreEntity = newWrite("curation_restoreEntity", `
MATCH (x:Retracted {id: $id})
WHERE x.kind <> 'Quantity' AND x.mergedInto IS NULL
REMOVE x:Retracted
SET x:Entity:$(x.kind), x.retracted = null, x.retractedAt = null, x.retractedBy = null, x.retractReason = null,
    x.restoredAt = $now, x.restoredBy = $actor
RETURN x.id AS id`, map[string]any{"id": "policy:x", "now": "t", "actor": "a"})

	qCurateEntity = newWrite("curation_upsertEntity", `
MERGE (x:Entity {id: $id})
  ON CREATE SET x.createdAt = $now, x.createdBy = $actor
SET x:$($kind), x.kind = $kind, x += $props, x.updatedAt = $now, x.updatedBy = $actor,
    x.staffProps = reduce(acc = coalesce(x.staffProps, []), k IN $propKeys + ['name'] | CASE WHEN k IN acc THEN acc ELSE acc + k END)
WITH x, x.name AS oldName
SET x.name = $name
WITH x, $aliases + CASE WHEN oldName IS NULL OR oldName = $name THEN [] ELSE [oldName] END AS more
SET x.aliases = reduce(acc = [a IN coalesce(x.aliases, []) WHERE a <> x.name], a IN more |
      CASE WHEN a IN acc OR a = x.name THEN acc ELSE acc + a END)
WITH x
OPTIONAL MATCH (d:Entity {id: $src.doc})
FOREACH (_ IN CASE WHEN d IS NULL OR d = x THEN [] ELSE [1] END | MERGE (x)-[:MENTIONED_IN]->(d))
WITH DISTINCT x`+srcSnippet+`
RETURN x `+nodeProj+` AS x`, map[string]any{
		"id": "policy:x", "kind": "Policy", "name": "x", "aliases": []string{}, "props": map[string]any{},
		"propKeys": []string{}, "src": sampleSrc, "now": "t", "actor": "a",
	})

	qCurateEdge = newWrite("curation_addRelation", `
MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MERGE (a)-[x:$($type) {id: $id}]->(b)
  ON CREATE SET x.createdAt = $now, x.createdBy = $actor
SET x += $props, x.updatedAt = $now, x.updatedBy = $actor,
    x.staffProps = reduce(acc = coalesce(x.staffProps, []), k IN $propKeys | CASE WHEN k IN acc THEN acc ELSE acc + k END)`+srcSnippet+`
WITH x
RETURN `+rel("x")+` AS x`, map[string]any{
		"from": "policy:x", "to": "enterprise:y", "type": "SUPPORTS", "id": "rel:SUPPORTS:x",
		"props": map[string]any{}, "propKeys": []string{}, "src": sampleSrc, "now": "t", "actor": "a",
	})

	qQuantityState = newQuery("curation_quantityState", `
OPTIONAL MATCH (a:Quantity {id: $id})
OPTIONAL MATCH (b:Retracted {id: $id})
RETURN a {.*} AS live, b {.*} AS retracted`, map[string]any{"id": "qty:x"})

	qRestoreQuantity = newWrite("curation_restoreQuantity", `
MATCH (x:Retracted {id: $id})
WHERE x.kind = 'Quantity'
REMOVE x:Retracted
SET x:Quantity, x.retracted = null, x.retractedAt = null, x.retractedBy = null, x.retractReason = null,
    x.restoredAt = $now, x.restoredBy = $actor
RETURN x.id AS id`, map[string]any{"id": "qty:x", "now": "t", "actor": "a"})

	qCurateQuantity = newWrite("curation_addQuantity", `
MATCH (e:Entity {id: $subject})
MERGE (x:Quantity {id: $id})
  ON CREATE SET x.createdAt = $now, x.createdBy = $actor
SET x.kind = 'Quantity', x.subject = $subject, x.what = $what, x.value = $value, x.unit = $unit,
    x.min = $min, x.max = $max, x.qualifier = $qualifier, x.asOf = $asOf, x.raw = $raw,
    x.updatedAt = $now, x.updatedBy = $actor
MERGE (e)-[h:HAS_QUANTITY]->(x)
  ON CREATE SET h.id = $id`+srcSnippet+`
RETURN x {.*} AS x`, map[string]any{
		"subject": "policy:x", "id": "qty:x", "what": "w", "value": 1.0, "unit": "CNY", "min": nil, "max": nil,
		"qualifier": "", "asOf": "", "raw": "1元", "src": sampleSrc, "now": "t", "actor": "a",
	})

	qRetractQuantity = newWrite("curation_retractQuantity", `
MATCH (x:Quantity {id: $id})
WITH x, x {.*} AS before
REMOVE x:Quantity
SET x:Retracted, x.retracted = true, x.retractedAt = $now, x.retractedBy = $actor, x.retractReason = $reason,
    x.staffAt = $now, x.staffBy = $actor
RETURN before, x {.*} AS after`, map[string]any{"id": "qty:x", "now": "t", "actor": "a", "reason": "r"})

	qReviewEntity = newWrite("curation_reviewEntity", `
MATCH (x:Entity {id: $id})
WITH x, x {.reviewedBy, .reviewedAt, .reviewNote} AS before
SET x.reviewedBy = $actor, x.reviewedAt = $now, x.reviewNote = $note
RETURN before, x {.reviewedBy, .reviewedAt, .reviewNote} AS after`, map[string]any{"id": "policy:x", "now": "t", "actor": "a", "note": ""})

	qReviewQuantity = newWrite("curation_reviewQuantity", `
MATCH (x:Quantity {id: $id})
WITH x, x {.reviewedBy, .reviewedAt, .reviewNote} AS before
SET x.reviewedBy = $actor, x.reviewedAt = $now, x.reviewNote = $note
RETURN before, x {.reviewedBy, .reviewedAt, .reviewNote} AS after`, map[string]any{"id": "qty:x", "now": "t", "actor": "a", "note": ""})

	qMergeState = newQuery("curation_mergeState", `
MATCH (k:Entity {id: $keep})
MATCH (m:Entity {id: $merge})
CALL (m) {
  OPTIONAL MATCH (m)-[r]-(o:Entity)
  WHERE type(r) <> 'RETRACTED'
  RETURN collect({eid: elementId(r), type: type(r), out: startNode(r) = m, other: o.id, props: properties(r)}) AS rels
}
RETURN k `+nodeProj+` AS keep, m `+nodeProj+` AS merge, [r IN rels WHERE r.eid IS NOT NULL] AS rels`,
		map[string]any{"keep": "enterprise:x", "merge": "enterprise:y"})

	qMoveEdges = newWrite("curation_moveEdges", `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[x:$(row.type) {id: row.id}]->(b)
  ON CREATE SET x += row.props, x.createdAt = $now
SET x.updatedAt = $now, x.mergedFrom = coalesce(x.mergedFrom, []) + row.oldId, x.staffAt = $now, x.staffBy = $actor,
    x.staffSrc = reduce(acc = coalesce(x.staffSrc, []), k IN row.staffSrc | CASE WHEN k IN acc THEN acc ELSE acc + k END)
WITH x, row, `+newSourceIndexes("x", "row")+` AS add
SET `+appendSources("x", "row")+`
WITH x
SET x.method = CASE WHEN 'curated' IN coalesce(x.srcMethod, []) THEN 'curated' ELSE coalesce(x.srcMethod[0], x.method) END,
    x.confidence = reduce(m = 0.0, c IN coalesce(x.srcConf, []) | CASE WHEN c > m THEN c ELSE m END)
RETURN count(x) AS moved`, map[string]any{"rows": []any{}, "now": "t", "actor": "a"})

	qRetractByElementID = newWrite("curation_retractMergedEdges", `
UNWIND $rows AS row
MATCH (a)-[r]->(b) WHERE elementId(r) = row.eid
CREATE (a)-[h:RETRACTED]->(b)
SET h = properties(r), h.origType = type(r), h.retractedAt = $now, h.retractedBy = $actor,
    h.retractReason = $reason, h.mergedInto = $keep, h.movedTo = row.movedTo, h.staffAt = $now, h.staffBy = $actor
DELETE r
RETURN count(h) AS retracted`, map[string]any{"rows": []any{}, "now": "t", "actor": "a", "reason": "r", "keep": "enterprise:x"})

	qMergeFinish = newWrite("curation_mergeFinish", `
MATCH (k:Entity {id: $keep})
MATCH (m:Entity {id: $merge})
CALL (k, m) {
  MATCH (m)-[h:HAS_QUANTITY]->(q)
  MERGE (k)-[h2:HAS_QUANTITY]->(q)
    ON CREATE SET h2.id = h.id
  SET q.subject = k.id
  DELETE h
  RETURN count(q) AS quantities
}
CALL (k, m) {
  MATCH (m)-[r:MENTIONED_IN]->(d)
  MERGE (k)-[:MENTIONED_IN]->(d)
  DELETE r
  RETURN count(d) AS docs
}
WITH k, m, quantities, `+newSourceIndexes("k", "m")+` AS add
SET `+appendSources("k", "m")+`,
    k.aliases = reduce(acc = coalesce(k.aliases, []), a IN [m.name] + coalesce(m.aliases, []) |
      CASE WHEN a IN acc OR a = k.name THEN acc ELSE acc + a END),
    k.updatedAt = $now, k.updatedBy = $actor, k.mergedFrom = coalesce(k.mergedFrom, []) + m.id,
    k.staffAt = $now, k.staffBy = $actor,
    k.staffSrc = reduce(acc = coalesce(k.staffSrc, []), s IN coalesce(m.staffSrc, []) | CASE WHEN s IN acc THEN acc ELSE acc + s END)
SET k.method = CASE WHEN 'curated' IN coalesce(k.srcMethod, []) THEN 'curated' ELSE coalesce(k.srcMethod[0], k.method) END,
    k.confidence = reduce(c0 = 0.0, c IN coalesce(k.srcConf, []) | CASE WHEN c > c0 THEN c ELSE c0 END)
REMOVE m:Entity, m:$(m.kind)
SET m:Retracted, m.retracted = true, m.retractedAt = $now, m.retractedBy = $actor, m.retractReason = $reason,
    m.mergedInto = k.id, m.staffAt = $now, m.staffBy = $actor
RETURN k `+nodeProj+` AS keep, m `+nodeProj+` AS merge, quantities`, map[string]any{
		"keep": "enterprise:x", "merge": "enterprise:y", "now": "t", "actor": "a", "reason": "r",
	})
)

// Relationship lookups by id need the type to seek its index: one query per type, from the
// fixed list.
var qEdgeByID, qRetractEdgeByID, qReviewEdge = func() (a, b, c map[model.RelType]Query) {
	a, b, c = map[model.RelType]Query{}, map[model.RelType]Query{}, map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		sample := map[string]any{"id": "rel:" + string(t) + ":x", "now": "t", "actor": "a", "reason": "r", "note": ""}
		a[t] = newQuery("curation_edge_"+string(t), `
MATCH ()-[x:`+string(t)+` {id: $id}]->()
RETURN `+rel("x")+` AS x`, map[string]any{"id": "rel:" + string(t) + ":x"})
		b[t] = newWrite("curation_retractRelation_"+string(t), `
MATCH (a)-[x:`+string(t)+` {id: $id}]->(b)
WITH a, b, x, `+rel("x")+` AS before
CREATE (a)-[h:RETRACTED]->(b)
SET h = properties(x), h.origType = type(x), h.retractedAt = $now, h.retractedBy = $actor, h.retractReason = $reason,
    h.staffAt = $now, h.staffBy = $actor
DELETE x
RETURN before, h {.*, type: h.origType, from: a.id, to: b.id, retracted: true} AS after`, sample)
		c[t] = newWrite("curation_reviewRelation_"+string(t), `
MATCH ()-[x:`+string(t)+` {id: $id}]->()
WITH x, x {.reviewedBy, .reviewedAt, .reviewNote} AS before
SET x.reviewedBy = $actor, x.reviewedAt = $now, x.reviewNote = $note
RETURN before, x {.reviewedBy, .reviewedAt, .reviewNote} AS after`, sample)
	}
	return
}()

// Locks. Two staff edits of one fact at once must not both act on what each read before the
// other committed (two retractions would leave two RETRACTED copies). An edit therefore
// first takes the write lock of a node the edit will not delete — setting and removing a
// property — and reads the fact in a second statement, which sees the other edit's commit.
var qLockEdge = func() map[model.RelType]Query {
	m := map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		m[t] = newWrite("curation_lockRelation_"+string(t), `
MATCH (a)-[:`+string(t)+` {id: $id}]->()
SET a._curationLock = true
REMOVE a._curationLock
RETURN count(a) AS locked`, map[string]any{"id": "rel:" + string(t) + ":x"})
	}
	return m
}()

var (
	qLockQuantity = newWrite("curation_lockQuantity", `
MATCH (x:Quantity {id: $id})
SET x._curationLock = true
REMOVE x._curationLock
RETURN count(x) AS locked`, map[string]any{"id": "qty:x"})

	qLockPair = newWrite("curation_lockPair", `
MATCH (k:Entity {id: $keep})
MATCH (m:Entity {id: $merge})
SET k._curationLock = true, m._curationLock = true
REMOVE k._curationLock, m._curationLock
RETURN count(*) AS locked`, map[string]any{"keep": "enterprise:x", "merge": "enterprise:y"})
)

// qRetractedEdge finds a relationship that was retracted, to answer a repeated retraction.
var qRetractedEdge = newQuery("curation_retractedEdge", `
MATCH (a)-[h:RETRACTED {id: $id}]->(b)
RETURN h {.*, type: h.origType, from: a.id, to: b.id, retracted: true} AS x
ORDER BY h.retractedAt DESC LIMIT 1`, map[string]any{"id": "rel:SUPPORTS:x"})

func provParams(p *model.Provenance) any {
	if p == nil {
		return nil
	}
	return map[string]any{
		"doc": p.DocumentID, "passage": int64(p.Passage), "start": int64(p.Start), "end": int64(p.End),
		"quote": p.Quote, "method": p.Method, "conf": p.Confidence,
	}
}

// value returns the first column named key of the single record, or nil.
func value(recs []*neo4j.Record, key string) any {
	if len(recs) == 0 {
		return nil
	}
	v, _ := recs[0].Get(key)
	return v
}

// CurateEntity creates an entity, or updates one: properties are merged (a nil value removes
// one), aliases added, a renamed entity keeps its old name as an alias, and the source, when
// given, is appended. A retracted entity with the id is restored first; one that was merged
// into another is a conflict. The entity's kind may not change.
func (s *Store) CurateEntity(ctx context.Context, actor Actor, e EntityEdit) (Node, bool, error) {
	if !e.Kind.Valid() || e.Kind == "" {
		return Node{}, false, fmt.Errorf("kind %q: %w", e.Kind, fault.ErrInvalidInput)
	}
	props := e.Props
	if props == nil {
		props = map[string]any{}
	}
	aliases := e.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	evID, at := newEventID(), nowString()
	var out Node
	var created bool
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := s.run(ctx, tx, qEntityState, map[string]any{"id": e.ID})
		if err != nil {
			return err
		}
		live, _ := value(recs, "live").(map[string]any)
		retracted, _ := value(recs, "retracted").(map[string]any)
		var before any
		switch {
		case live != nil:
			if k := str(live["kind"]); k != string(e.Kind) {
				return fmt.Errorf("%s is a %s, not a %s: %w", e.ID, k, e.Kind, fault.ErrInvalidInput)
			}
			before = live
		case retracted != nil:
			if into := str(retracted["mergedInto"]); into != "" {
				return fmt.Errorf("%s was merged into %s; edit that entity instead: %w", e.ID, into, fault.ErrConflict)
			}
			if k := str(retracted["kind"]); k != string(e.Kind) {
				return fmt.Errorf("%s is a retracted %s, not a %s: %w", e.ID, k, e.Kind, fault.ErrInvalidInput)
			}
			before = retracted
			if _, err := s.run(ctx, tx, qRestoreEntity, map[string]any{"id": e.ID, "now": at, "actor": actor.Name}); err != nil {
				return err
			}
		default:
			if e.Source == nil {
				return fmt.Errorf("a new entity needs a source (document and anchor): %w", fault.ErrInvalidInput)
			}
		}
		created = live == nil && retracted == nil
		recs, err = s.run(ctx, tx, qCurateEntity, map[string]any{
			"id": e.ID, "kind": string(e.Kind), "name": e.Name, "aliases": aliases, "props": props,
			"propKeys": propKeys(props), "src": provParams(e.Source), "now": at, "actor": actor.Name,
		})
		if err != nil {
			return err
		}
		after := value(recs, "x")
		out = decodeNode(after)
		action := "upsertEntity"
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: action, Targets: []string{e.ID}, Before: auditJSON(before), After: auditJSON(after), Note: e.Note})
	})
	if err != nil {
		return Node{}, false, fmt.Errorf("upsert entity %s: %w", e.ID, err)
	}
	return out, created, nil
}

// CurateEdge adds the relationship e states between two live entities, or appends e's
// source to it when it exists. Its id is model.RelationID of type, from and to.
func (s *Store) CurateEdge(ctx context.Context, actor Actor, e EdgeEdit) (Edge, error) {
	if !e.Type.Valid() || e.Type == model.RelMentionedIn {
		return Edge{}, fmt.Errorf("relationship type %q cannot be curated: %w", e.Type, fault.ErrInvalidInput)
	}
	if e.From == e.To {
		return Edge{}, fmt.Errorf("a relationship needs two different entities: %w", fault.ErrInvalidInput)
	}
	id := model.RelationID(e.Type, e.From, e.To)
	props := e.Props
	if props == nil {
		props = map[string]any{}
	}
	evID, at := newEventID(), nowString()
	var out Edge
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		found, err := s.run(ctx, tx, qExistingEntities, map[string]any{"ids": []string{e.From, e.To}})
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, r := range found {
			v, _ := r.Get("id")
			have[str(v)] = true
		}
		for _, id := range []string{e.From, e.To} {
			if !have[id] {
				return fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
			}
		}
		recs, err := s.run(ctx, tx, qEdgeByID[e.Type], map[string]any{"id": id})
		if err != nil {
			return err
		}
		before := value(recs, "x")
		recs, err = s.run(ctx, tx, qCurateEdge, map[string]any{
			"from": e.From, "to": e.To, "type": string(e.Type), "id": id, "props": props,
			"propKeys": propKeys(props), "src": provParams(&e.Source), "now": at, "actor": actor.Name,
		})
		if err != nil {
			return err
		}
		after := value(recs, "x")
		out = decodeEdge(after)
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "addRelation", Targets: []string{id, e.From, e.To}, Before: auditJSON(before), After: auditJSON(after), Note: e.Note})
	})
	if err != nil {
		return Edge{}, fmt.Errorf("add relation %s: %w", id, err)
	}
	return out, nil
}

// RetractEdge moves the relationship with id to RETRACTED (history kept: every property,
// origType, retractedAt, retractedBy, retractReason). Retracting a retracted relationship
// returns it unchanged and records nothing; an unknown id is fault.ErrNotFound.
func (s *Store) RetractEdge(ctx context.Context, actor Actor, id, reason string) (Edge, error) {
	var t model.RelType
	if strings.HasPrefix(id, "rel:") {
		t = relTypeOfID(id)
	}
	q, ok := qRetractEdgeByID[t]
	if !ok || t == model.RelMentionedIn {
		return Edge{}, fmt.Errorf("%q is not a relationship id (rel:TYPE:…): %w", id, fault.ErrInvalidInput)
	}
	evID, at := newEventID(), nowString()
	var out Edge
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if _, err := s.run(ctx, tx, qLockEdge[t], map[string]any{"id": id}); err != nil {
			return err
		}
		recs, err := s.run(ctx, tx, q, map[string]any{"id": id, "now": at, "actor": actor.Name, "reason": reason})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			recs, err := s.run(ctx, tx, qRetractedEdge, map[string]any{"id": id})
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				return fmt.Errorf("no relationship %q: %w", id, fault.ErrNotFound)
			}
			out = decodeEdge(value(recs, "x"))
			return nil
		}
		before, after := value(recs, "before"), value(recs, "after")
		out = decodeEdge(after)
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "retractRelation", Targets: []string{id, out.From, out.To}, Before: auditJSON(before), After: auditJSON(after), Note: reason})
	})
	if err != nil {
		return Edge{}, fmt.Errorf("retract relation %s: %w", id, err)
	}
	return out, nil
}

// CurateQuantity adds a figure about a live entity, or appends the source to it; a retracted
// figure with the same id is restored.
func (s *Store) CurateQuantity(ctx context.Context, actor Actor, q QuantityEdit) (QuantityRecord, error) {
	evID, at := newEventID(), nowString()
	var out QuantityRecord
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		found, err := s.run(ctx, tx, qExistingEntities, map[string]any{"ids": []string{q.Subject}})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return fmt.Errorf("no entity %q: %w", q.Subject, fault.ErrNotFound)
		}
		recs, err := s.run(ctx, tx, qQuantityState, map[string]any{"id": q.ID})
		if err != nil {
			return err
		}
		live, _ := value(recs, "live").(map[string]any)
		retracted, _ := value(recs, "retracted").(map[string]any)
		var before any
		switch {
		case live != nil:
			before = live
		case retracted != nil:
			before = retracted
			if _, err := s.run(ctx, tx, qRestoreQuantity, map[string]any{"id": q.ID, "now": at, "actor": actor.Name}); err != nil {
				return err
			}
		}
		p := map[string]any{
			"subject": q.Subject, "id": q.ID, "what": q.What, "value": q.Value, "unit": q.Unit, "min": nil, "max": nil,
			"qualifier": q.Qualifier, "asOf": q.AsOf, "raw": q.Raw, "src": provParams(&q.Source), "now": at, "actor": actor.Name,
		}
		if q.Min != nil {
			p["min"] = *q.Min
		}
		if q.Max != nil {
			p["max"] = *q.Max
		}
		recs, err = s.run(ctx, tx, qCurateQuantity, p)
		if err != nil {
			return err
		}
		after, _ := value(recs, "x").(map[string]any)
		out = decodeQuantity(after)
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "addQuantity", Targets: []string{q.ID, q.Subject}, Before: auditJSON(before), After: auditJSON(after), Note: q.Note})
	})
	if err != nil {
		return QuantityRecord{}, fmt.Errorf("add quantity %s: %w", q.ID, err)
	}
	return out, nil
}

// RetractQuantity retracts the figure with id (label Quantity → Retracted, history kept). An
// unknown or already retracted id is fault.ErrNotFound.
func (s *Store) RetractQuantity(ctx context.Context, actor Actor, id, reason string) (QuantityRecord, error) {
	evID, at := newEventID(), nowString()
	var out QuantityRecord
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		if _, err := s.run(ctx, tx, qLockQuantity, map[string]any{"id": id}); err != nil {
			return err
		}
		recs, err := s.run(ctx, tx, qRetractQuantity, map[string]any{"id": id, "now": at, "actor": actor.Name, "reason": reason})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("no live figure %q: %w", id, fault.ErrNotFound)
		}
		before, _ := value(recs, "before").(map[string]any)
		after, _ := value(recs, "after").(map[string]any)
		out = decodeQuantity(after)
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "retractQuantity", Targets: []string{id, out.Subject}, Before: auditJSON(before), After: auditJSON(after), Note: reason})
	})
	if err != nil {
		return QuantityRecord{}, fmt.Errorf("retract quantity %s: %w", id, err)
	}
	return out, nil
}

// MarkReviewed records that actor confirmed the fact with id: an entity, a relationship
// (rel:…) or a figure (qty:…). Reviewing again replaces the review; the audit trail keeps
// every one.
func (s *Store) MarkReviewed(ctx context.Context, actor Actor, id, note string) (Review, error) {
	var q Query
	switch {
	case strings.HasPrefix(id, "rel:"):
		t := relTypeOfID(id)
		var ok bool
		if q, ok = qReviewEdge[t]; !ok {
			return Review{}, fmt.Errorf("%q is not a relationship id (rel:TYPE:…): %w", id, fault.ErrInvalidInput)
		}
	case strings.HasPrefix(id, "qty:"):
		q = qReviewQuantity
	default:
		q = qReviewEntity
	}
	evID, at := newEventID(), nowString()
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := s.run(ctx, tx, q, map[string]any{"id": id, "now": at, "actor": actor.Name, "note": note})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("no live fact %q: %w", id, fault.ErrNotFound)
		}
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "markReviewed", Targets: []string{id}, Before: auditJSON(value(recs, "before")), After: auditJSON(value(recs, "after")), Note: note})
	})
	if err != nil {
		return Review{}, fmt.Errorf("mark reviewed %s: %w", id, err)
	}
	return Review{By: actor.Name, At: at, Note: note}, nil
}

// bookkeepingEdgeProps are not carried over when a relationship is moved by a merge.
var bookkeepingEdgeProps = []string{"id", "createdAt", "updatedAt", "mergedFrom",
	"srcDoc", "srcPassage", "srcStart", "srcEnd", "srcQuote", "srcMethod", "srcConf", "staffSrc"}

// propKeys lists the property names a staff edit sets or removes: ingest will not overwrite
// them (staffProps on the fact).
func propKeys(props map[string]any) []string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// MergeEntities merges mergeID into keepID, two live entities of the same kind that name the
// same thing: every relationship of the loser is moved to the keeper (ids recomputed, sources
// combined with the keeper's own edge where it has one; the old relationship is retracted
// with mergedInto and movedTo), its figures and mentions move, its name and aliases become
// the keeper's aliases, its sources join the keeper's, and the loser is retracted with
// mergedInto = keepID. Relationships between the two are retracted. All in one transaction.
func (s *Store) MergeEntities(ctx context.Context, actor Actor, keepID, mergeID, reason string) (MergeResult, error) {
	if keepID == mergeID {
		return MergeResult{}, fmt.Errorf("cannot merge %s into itself: %w", keepID, fault.ErrInvalidInput)
	}
	var res MergeResult
	err := s.write(ctx, func(tx neo4j.ManagedTransaction) (err error) {
		res, err = s.mergeTx(ctx, tx, actor, keepID, mergeID, reason, false)
		return err
	})
	if err != nil {
		return MergeResult{}, fmt.Errorf("merge %s into %s: %w", mergeID, keepID, err)
	}
	return res, nil
}

// mergeTx is MergeEntities in the caller's transaction; anyKind lets a kind edit (review.go)
// merge an entity into its copy of another kind.
func (s *Store) mergeTx(ctx context.Context, tx neo4j.ManagedTransaction, actor Actor, keepID, mergeID, reason string, anyKind bool) (MergeResult, error) {
	if keepID == mergeID {
		return MergeResult{}, fmt.Errorf("cannot merge %s into itself: %w", keepID, fault.ErrInvalidInput)
	}
	evID, at := newEventID(), nowString()
	var res MergeResult
	err := func() error {
		if _, err := s.run(ctx, tx, qLockPair, map[string]any{"keep": keepID, "merge": mergeID}); err != nil {
			return err
		}
		recs, err := s.run(ctx, tx, qMergeState, map[string]any{"keep": keepID, "merge": mergeID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			found, err := s.run(ctx, tx, qExistingEntities, map[string]any{"ids": []string{keepID, mergeID}})
			if err != nil {
				return err
			}
			missing := []string{keepID, mergeID}
			for _, r := range found {
				v, _ := r.Get("id")
				missing = slices.DeleteFunc(missing, func(s string) bool { return s == str(v) })
			}
			return fmt.Errorf("no live entity %s: %w", strings.Join(missing, ", "), fault.ErrNotFound)
		}
		keepBefore, mergeBefore := value(recs, "keep"), value(recs, "merge")
		keep, merge := decodeNode(keepBefore), decodeNode(mergeBefore)
		if keep.Kind != merge.Kind && !anyKind {
			return fmt.Errorf("%s is a %s and %s a %s: only entities of one kind can be merged: %w", keepID, keep.Kind, mergeID, merge.Kind, fault.ErrInvalidInput)
		}
		if keep.Kind == model.KindDocument {
			return fmt.Errorf("documents cannot be merged: %w", fault.ErrInvalidInput)
		}
		rels, _ := value(recs, "rels").([]any)
		var moves, retracts []map[string]any
		targets := []string{keepID, mergeID}
		for _, it := range rels {
			r, _ := it.(map[string]any)
			t := model.RelType(str(r["type"]))
			if t == model.RelMentionedIn {
				continue // moved by qMergeFinish: bookkeeping, not a fact
			}
			other := str(r["other"])
			props, _ := r["props"].(map[string]any)
			oldID := str(props["id"])
			if oldID != "" {
				targets = append(targets, oldID)
			}
			if other == keepID || !t.Valid() {
				retracts = append(retracts, map[string]any{"eid": r["eid"], "movedTo": nil})
				res.RetractedEdges++
				continue
			}
			from, to := keepID, other
			if r["out"] != true {
				from, to = other, keepID
			}
			newID := model.RelationID(t, from, to)
			row := map[string]any{"type": string(t), "from": from, "to": to, "id": newID, "oldId": oldID}
			kept := map[string]any{}
			for k, v := range props {
				if !slices.Contains(bookkeepingEdgeProps, k) {
					kept[k] = v
				}
			}
			row["props"] = kept
			for _, k := range []string{"srcDoc", "srcPassage", "srcStart", "srcEnd", "srcQuote", "srcMethod", "srcConf", "staffSrc"} {
				v := props[k]
				if v == nil {
					v = []any{}
				}
				row[k] = v
			}
			moves = append(moves, row)
			retracts = append(retracts, map[string]any{"eid": r["eid"], "movedTo": newID})
			targets = append(targets, newID)
			res.MovedEdges++
		}
		if len(moves) > 0 {
			if _, err := s.run(ctx, tx, qMoveEdges, map[string]any{"rows": moves, "now": at, "actor": actor.Name}); err != nil {
				return err
			}
		}
		if len(retracts) > 0 {
			if _, err := s.run(ctx, tx, qRetractByElementID, map[string]any{
				"rows": retracts, "now": at, "actor": actor.Name, "reason": "merged into " + keepID, "keep": keepID,
			}); err != nil {
				return err
			}
		}
		if res.MovedConditions, res.CombinedConditions, err = s.mergeConditions(ctx, tx, keepID, mergeID, at, actor.Name); err != nil {
			return err
		}
		recs, err = s.run(ctx, tx, qMergeFinish, map[string]any{"keep": keepID, "merge": mergeID, "now": at, "actor": actor.Name, "reason": reason})
		if err != nil {
			return err
		}
		keepAfter, mergeAfter := value(recs, "keep"), value(recs, "merge")
		res.Kept, res.Merged = decodeNode(keepAfter), decodeNode(mergeAfter)
		if n, ok := value(recs, "quantities").(int64); ok {
			res.MovedQuantities = int(n)
		}
		return s.audit(ctx, tx, AuditEvent{ID: evID, At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "mergeEntities", Targets: dedupe(targets),
			Before: auditJSON(map[string]any{"keep": keepBefore, "merge": mergeBefore}),
			After: auditJSON(map[string]any{"keep": keepAfter, "merge": mergeAfter, "movedRelations": res.MovedEdges,
				"movedQuantities": res.MovedQuantities, "retractedRelations": res.RetractedEdges,
				"movedConditions": res.MovedConditions, "combinedConditions": res.CombinedConditions}),
			Note: reason})
	}()
	return res, err
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
