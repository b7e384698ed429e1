package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// Conditions are stored like figures: a (:Condition {id: cond:…}) node per condition, linked
// (entity)-[:REQUIRES]->(condition) from the measure, program or policy that requires it,
// with the same source arrays as every fact. They are written and retracted with their
// document (ApplyDocument) and never carry the Entity label.

// ConditionRow is a condition as one document states it.
type ConditionRow struct {
	model.Condition
	Sources []model.Provenance
	Hash    string
}

// ConditionRecord is a stored condition with its provenance.
type ConditionRecord struct {
	model.Condition
	Sources    []model.Provenance
	Method     string
	Confidence float64
}

// MatchCandidate is an entity that requires conditions, with them and its figures: what
// the policy calculator ranks.
type MatchCandidate struct {
	ID, Name   string
	Kind       model.Kind
	Conditions []ConditionRecord
	Quantities []QuantityRecord
}

// MeasurePolicy is the policy a measure comes from and the path that leads to it.
type MeasurePolicy struct {
	PolicyID string
	Path     Subgraph // the measure first, the policy last, at Full detail
}

// EnterpriseFacts is what the graph says of an enterprise that conditions can test.
type EnterpriseFacts struct {
	Node         Node
	Places       []Node   // places it is located in, transitively (a park, then its district)
	Industries   []string // names of its industries
	Recognitions []string // what it was recognized as (RECOGNIZES role), else the recognizing entity's name
}

var (
	qExistingConditions = newQuery("existingConditions", `
UNWIND $ids AS id
MATCH (c:Condition {id: id})
RETURN c.id AS id`, map[string]any{"ids": []string{"cond:x"}})

	qUpsertConditions = newWrite("upsertConditions", `
UNWIND $rows AS row
MATCH (e:Entity {id: row.of})
MERGE (x:Condition {id: row.id})
  ON CREATE SET x.createdAt = $now
SET x.kind = 'Condition', x.of = row.of, x.appliesTo = row.appliesTo, x.attribute = row.attribute,
    x.operator = row.operator, x.values = row.values, x.unit = row.unit, x.group = row.group,
    x.text = row.text
MERGE (e)-[h:REQUIRES]->(x)
  ON CREATE SET h.id = row.id
`+setSources, map[string]any{"doc": "document:x", "now": "t", "rows": []any{}})

	qDropConditionSources = newWrite("dropConditionSources", `
UNWIND $ids AS id
MATCH (x:Condition {id: id})
WITH x, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1) WHERE x.srcDoc[i] <> $doc] AS keep
SET x.srcDoc = [i IN keep | x.srcDoc[i]], x.srcPassage = [i IN keep | x.srcPassage[i]],
    x.srcStart = [i IN keep | x.srcStart[i]], x.srcEnd = [i IN keep | x.srcEnd[i]],
    x.srcQuote = [i IN keep | x.srcQuote[i]], x.srcMethod = [i IN keep | x.srcMethod[i]],
    x.srcConf = [i IN keep | x.srcConf[i]], x.updatedAt = $now
WITH x WHERE size(x.srcDoc) = 0
REMOVE x:Condition
SET x:Retracted, x.retracted = true, x.retractedAt = $now, x.retractedBy = $actor
RETURN x.id AS id`, map[string]any{"ids": []string{"cond:x"}, "doc": "document:x", "now": "t", "actor": "a"})

	// qRetractConditionsOf retracts the conditions of entities being retracted.
	qRetractConditionsOf = newWrite("retractConditionsOf", `
UNWIND $ids AS id
MATCH (x:Entity {id: id})-[:REQUIRES]->(c:Condition)
REMOVE c:Condition
SET c:Retracted, c.retracted = true, c.retractedAt = $now, c.retractedBy = $actor
RETURN count(c) AS retracted`, map[string]any{"ids": []string{"policy:x"}, "now": "t", "actor": "a"})

	qConditionsOf = newQuery("conditionsOf", `
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:REQUIRES]->(c:Condition)
RETURN id, c {.*} AS c
ORDER BY id, c.appliesTo, c.attribute, c.id`, map[string]any{"ids": []string{"policy:x"}})

	// qMatchCandidates reads every entity that requires conditions, through the index on
	// Condition.of (no label scan), with its conditions and figures.
	qMatchCandidates = newQuery("matchCandidates", `
MATCH (c:Condition) WHERE c.of IS NOT NULL
WITH c.of AS id, collect(c {.*}) AS conds
MATCH (m:Entity {id: id})
CALL (m) {
  OPTIONAL MATCH (m)-[:HAS_QUANTITY]->(q:Quantity)
  RETURN collect(q {.*}) AS qs
}
RETURN m.id AS id, m.name AS name, m.kind AS kind, conds, qs
ORDER BY id`, nil)

	// qMeasurePolicies finds, for each measure, the nearest policy it derives from,
	// implements or is part of (up to three hops), or the policy that establishes it.
	qMeasurePolicies = newQuery("measurePolicies", `
UNWIND $ids AS mid
MATCH (m:Entity {id: mid})
CALL (m) {
  MATCH p = (m)-[:DERIVED_FROM|IMPLEMENTS|PART_OF*1..3]->(pol:Policy)
  RETURN p, pol
  UNION
  MATCH p = (pol:Policy)-[:ESTABLISHES]->(m)
  RETURN p, pol
}
WITH mid, p, pol ORDER BY mid, length(p), pol.id
WITH mid, collect({p: p, pol: pol.id})[0] AS best
RETURN mid AS id, best.pol AS policy,
       [n IN nodes(best.p) | n `+nodeProj+`] AS nodes,
       [r IN relationships(best.p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS rels`,
		map[string]any{"ids": []string{"talentmeasure:x"}})

	qEnterpriseFacts = newQuery("enterpriseFacts", `
MATCH (e:Enterprise {id: $id})
CALL (e) {
  OPTIONAL MATCH (e)-[:LOCATED_IN*1..3]->(pl:Place)
  RETURN collect(DISTINCT pl `+nodeProj+`) AS places
}
CALL (e) {
  OPTIONAL MATCH (e)-[:IN_INDUSTRY]->(i:Industry)
  RETURN collect(DISTINCT i.name) AS industries
}
CALL (e) {
  OPTIONAL MATCH (by:Entity)-[r:RECOGNIZES]->(e)
  RETURN collect(DISTINCT coalesce(r.role, by.name)) AS recognitions
}
RETURN e `+nodeProj+` AS e, places, industries, recognitions`, map[string]any{"id": "enterprise:x"})
)

// ConditionsOf returns the conditions each entity requires, keyed by entity id. One round
// trip for all ids.
func (s *Store) ConditionsOf(ctx context.Context, ids []string) (map[string][]ConditionRecord, error) {
	out := make(map[string][]ConditionRecord, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, qConditionsOf, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		idv, _ := r.Get("id")
		cv, _ := r.Get("c")
		m, _ := cv.(map[string]any)
		id := idv.(string)
		out[id] = append(out[id], decodeCondition(m))
	}
	return out, nil
}

// MatchCandidates returns every entity that requires conditions, in id order, with its
// conditions and figures. One round trip.
func (s *Store) MatchCandidates(ctx context.Context) ([]MatchCandidate, error) {
	recs, err := s.read(ctx, qMatchCandidates, nil)
	if err != nil {
		return nil, err
	}
	out := make([]MatchCandidate, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Get("id")
		name, _ := r.Get("name")
		kind, _ := r.Get("kind")
		cs, _ := r.Get("conds")
		qs, _ := r.Get("qs")
		c := MatchCandidate{ID: str(id), Name: str(name), Kind: model.Kind(str(kind))}
		for _, v := range asList(cs) {
			m, _ := v.(map[string]any)
			c.Conditions = append(c.Conditions, decodeCondition(m))
		}
		for _, v := range asList(qs) {
			m, _ := v.(map[string]any)
			c.Quantities = append(c.Quantities, decodeQuantity(m))
		}
		// collect() keeps no order: answers (and their golden files) list conditions and
		// figures by id.
		slices.SortFunc(c.Conditions, func(a, b ConditionRecord) int { return cmp.Compare(a.ID, b.ID) })
		slices.SortFunc(c.Quantities, func(a, b QuantityRecord) int { return cmp.Compare(a.ID, b.ID) })
		out = append(out, c)
	}
	return out, nil
}

// MeasurePolicies returns, for those measures that have one, the policy each comes from
// and the path to it. One round trip for all ids.
func (s *Store) MeasurePolicies(ctx context.Context, ids []string) (map[string]MeasurePolicy, error) {
	out := make(map[string]MeasurePolicy, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, qMeasurePolicies, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		id, _ := r.Get("id")
		pol, _ := r.Get("policy")
		nodes, _ := r.Get("nodes")
		rels, _ := r.Get("rels")
		if str(pol) == "" {
			continue
		}
		out[str(id)] = MeasurePolicy{PolicyID: str(pol), Path: Subgraph{Nodes: decodeNodes(nodes), Edges: decodeEdges(rels)}}
	}
	return out, nil
}

// EnterpriseFacts reads what the graph says of enterprise id for the calculator: nil, nil
// when there is no such enterprise.
func (s *Store) EnterpriseFacts(ctx context.Context, id string) (*EnterpriseFacts, error) {
	recs, err := s.read(ctx, qEnterpriseFacts, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	r := recs[0]
	e, _ := r.Get("e")
	places, _ := r.Get("places")
	inds, _ := r.Get("industries")
	recg, _ := r.Get("recognitions")
	// collect keeps no order: sort, so profiles (and the calculator's "given") are stable.
	industries, recognitions := strs(inds), strs(recg)
	slices.Sort(industries)
	slices.Sort(recognitions)
	return &EnterpriseFacts{Node: decodeNode(e), Places: decodeNodes(places), Industries: industries, Recognitions: recognitions}, nil
}

// decodeCondition reads a condition projected with c {.*}.
func decodeCondition(m map[string]any) ConditionRecord {
	return ConditionRecord{
		Condition: model.Condition{
			ID: str(m["id"]), Of: str(m["of"]), AppliesTo: model.Subject(str(m["appliesTo"])),
			Attribute: str(m["attribute"]), Operator: str(m["operator"]), Values: strs(m["values"]),
			Unit: str(m["unit"]), Group: str(m["group"]), Text: str(m["text"]),
		},
		Sources: decodeSources(m), Method: str(m["method"]), Confidence: num(m["confidence"]),
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// existingConditions adds to existing the ids of rows already in the graph (live or not).
func (s *Store) existingConditions(ctx context.Context, tx neo4j.ManagedTransaction, rows []ConditionRow, existing map[string]bool) error {
	ids := make([]string, 0, len(rows))
	for _, c := range rows {
		ids = append(ids, c.ID)
	}
	for _, chunk := range chunks(ids, BatchSize*10) {
		recs, err := s.run(ctx, tx, qExistingConditions, map[string]any{"ids": chunk})
		if err != nil {
			return err
		}
		for _, r := range recs {
			id, _ := r.Get("id")
			existing[id.(string)] = true
		}
	}
	return nil
}

// writeConditions upserts rows and retracts the conditions in gone (this document's
// conditions it no longer states), inside ApplyDocument's transaction.
func (s *Store) writeConditions(ctx context.Context, tx neo4j.ManagedTransaction, rows []ConditionRow, gone []string, w DocumentWrite, now string) error {
	params := make([]map[string]any, 0, len(rows))
	for _, c := range rows {
		if _, ok := model.Attributes[c.Attribute]; !ok {
			return fmt.Errorf("condition %s: attribute %q: %w", c.ID, c.Attribute, fault.ErrInvalidInput)
		}
		m := map[string]any{
			"id": c.ID, "of": c.Of, "appliesTo": string(c.AppliesTo), "attribute": c.Attribute,
			"operator": c.Operator, "values": nonNil(c.Values), "unit": c.Unit, "group": c.Group, "text": c.Text,
		}
		sourceParams(m, c.Sources)
		params = append(params, m)
	}
	if err := s.runBatches(ctx, tx, qUpsertConditions, params, w.Doc.ID, now); err != nil {
		return err
	}
	for _, chunk := range chunks(gone, BatchSize) {
		if _, err := s.run(ctx, tx, qDropConditionSources, map[string]any{"ids": chunk, "doc": w.Doc.ID, "now": now, "actor": w.Actor}); err != nil {
			return err
		}
	}
	return nil
}

// retractConditionsOf retracts the conditions of entities that are being retracted.
func (s *Store) retractConditionsOf(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, now, actor string) error {
	_, err := s.run(ctx, tx, qRetractConditionsOf, map[string]any{"ids": ids, "now": now, "actor": actor})
	return err
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
