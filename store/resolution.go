package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/resolve"
)

// Cross-document resolution (issue 20): the candidates ingest compares a document's entities
// with, the decisions it records (:ResolutionDecision nodes, not entities), and the staff
// unmerge that undoes one.

// ResolutionDecision is a recorded resolve.Decision with its id and state.
type ResolutionDecision struct {
	resolve.Decision
	ID         string
	DecidedAt  string
	DecidedBy  string
	UnmergedAt string
}

// ResolutionPage is a page of decisions, newest first.
type ResolutionPage struct {
	Decisions  []ResolutionDecision
	Cursors    []string
	HasNext    bool
	TotalCount int64
}

var (
	qResolutionCandidates = newQuery("resolution_candidates", `
MATCH (x:Entity)
WHERE x.kind IN $kinds AND x.mergedInto IS NULL
RETURN x.id AS id, x.kind AS kind, x.name AS name, coalesce(x.aliases, []) AS aliases,
       x.creditCode AS creditCode, coalesce(x.srcQuote[0], '') AS quote`, map[string]any{"kinds": []string{"Enterprise"}})

	qResolutionBlocked = newQuery("resolution_blocked", `
MATCH (d:ResolutionDecision {outcome: 'UNMERGED'})
WHERE d.documentId IN $docs
RETURN d.documentId AS doc, d.fromId AS fromId, d.toId AS toId`, map[string]any{"docs": []string{"document:x"}})

	// A staff unmerge is never overwritten by a later ingest's decision about the same pair.
	qRecordResolutions = newWrite("resolution_record", `
UNWIND $rows AS row
MERGE (d:ResolutionDecision {id: row.id})
  ON CREATE SET d.createdAt = $now
WITH d, row WHERE coalesce(d.outcome, '') <> 'UNMERGED'
SET d.documentId = row.documentId, d.outcome = row.outcome, d.rule = row.rule, d.score = row.score,
    d.kind = row.kind, d.fromId = row.fromId, d.fromName = row.fromName, d.fromQuote = row.fromQuote,
    d.toId = row.toId, d.toName = row.toName, d.toQuote = row.toQuote, d.addedAliases = row.addedAliases,
    d.decidedAt = $now, d.decidedBy = $actor
RETURN count(d) AS written`, map[string]any{"rows": []any{}, "now": "t", "actor": "a"})

	qResolutionPage = newQuery("resolution_page", `
MATCH (d:ResolutionDecision)
WHERE ($doc IS NULL OR d.documentId = $doc) AND ($outcome IS NULL OR d.outcome = $outcome)
WITH d ORDER BY d.decidedAt DESC, d.id DESC
WITH collect(d) AS all
UNWIND all AS d
WITH d, size(all) AS total
WHERE d.decidedAt < $beforeAt OR (d.decidedAt = $beforeAt AND d.id < $beforeID)
RETURN properties(d) AS d, total
LIMIT $limit`, map[string]any{"doc": nil, "outcome": nil, "beforeAt": "9999", "beforeID": "x", "limit": 10})

	qResolutionByID = newQuery("resolution_byId", `
MATCH (d:ResolutionDecision {id: $id})
RETURN properties(d) AS d`, map[string]any{"id": "resolution:x"})

	// The kept entity's facts that came from the document: its own source entries, its
	// relationships' and figures' (with their sources), and its aliases.
	qUnmergeState = newQuery("resolution_unmergeState", `
MATCH (t:Entity {id: $to})
OPTIONAL MATCH (f {id: $from})
CALL (t) {
  OPTIONAL MATCH (t)-[r]-(o:Entity)
  WHERE NOT type(r) IN ['MENTIONED_IN', 'HAS_QUANTITY', 'RETRACTED'] AND $doc IN coalesce(r.srcDoc, [])
  RETURN collect({eid: elementId(r), type: type(r), out: startNode(r) = t, other: o.id, props: properties(r)}) AS rels
}
CALL (t) {
  OPTIONAL MATCH (t)-[:HAS_QUANTITY]->(q:Quantity)
  WHERE $doc IN coalesce(q.srcDoc, [])
  RETURN collect({id: q.id, all: all(d IN q.srcDoc WHERE d = $doc)}) AS qtys
}
RETURN properties(t) AS t, f IS NOT NULL AS fromExists, [r IN rels WHERE r.eid IS NOT NULL] AS rels,
       [q IN qtys WHERE q.id IS NOT NULL] AS qtys`, map[string]any{"to": "enterprise:x", "from": "enterprise:y", "doc": "document:x"})

	// The document's entity comes back: its own node (restored when a merge retracted it),
	// with the kept entity's source entries of the document, mentioned in the document.
	qUnmergeEntity = newWrite("resolution_unmergeEntity", `
MATCH (t:Entity {id: $to})
MATCH (doc:Entity {id: $doc})
OPTIONAL MATCH (old:Retracted {id: $from})
FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END |
  REMOVE old:Retracted SET old.retracted = null, old.retractedAt = null, old.retractedBy = null,
    old.retractReason = null, old.mergedInto = null)
MERGE (f:Entity {id: $from})
  ON CREATE SET f.createdAt = $now, f.name = $name, f.aliases = []
SET f:$($kind), f.kind = $kind, f.updatedAt = $now, f.staffAt = $now, f.staffBy = $actor
WITH t, f, doc, [i IN range(0, size(coalesce(t.srcDoc, [])) - 1) WHERE t.srcDoc[i] = $doc] AS mine
SET f.srcDoc = coalesce(f.srcDoc, []) + [i IN mine | t.srcDoc[i]],
    f.srcPassage = coalesce(f.srcPassage, []) + [i IN mine | t.srcPassage[i]],
    f.srcStart = coalesce(f.srcStart, []) + [i IN mine | t.srcStart[i]],
    f.srcEnd = coalesce(f.srcEnd, []) + [i IN mine | t.srcEnd[i]],
    f.srcQuote = coalesce(f.srcQuote, []) + [i IN mine | t.srcQuote[i]],
    f.srcMethod = coalesce(f.srcMethod, []) + [i IN mine | t.srcMethod[i]],
    f.srcConf = coalesce(f.srcConf, []) + [i IN mine | t.srcConf[i]]
WITH t, f, doc, [i IN range(0, size(coalesce(t.srcDoc, [])) - 1) WHERE t.srcDoc[i] <> $doc] AS keep
SET t.srcDoc = [i IN keep | t.srcDoc[i]], t.srcPassage = [i IN keep | t.srcPassage[i]],
    t.srcStart = [i IN keep | t.srcStart[i]], t.srcEnd = [i IN keep | t.srcEnd[i]],
    t.srcQuote = [i IN keep | t.srcQuote[i]], t.srcMethod = [i IN keep | t.srcMethod[i]],
    t.srcConf = [i IN keep | t.srcConf[i]],
    t.aliases = [a IN coalesce(t.aliases, []) WHERE NOT a IN $addedAliases],
    t.updatedAt = $now, t.staffAt = $now, t.staffBy = $actor
SET f.method = CASE WHEN 'curated' IN coalesce(f.srcMethod, []) THEN 'curated' ELSE coalesce(f.srcMethod[0], f.method) END,
    f.confidence = reduce(c0 = 0.0, c IN coalesce(f.srcConf, []) | CASE WHEN c > c0 THEN c ELSE c0 END)
MERGE (f)-[:MENTIONED_IN]->(doc)
WITH t, doc
OPTIONAL MATCH (t)-[m:MENTIONED_IN]->(doc)
WITH t, m, EXISTS { (t)-[r]-() WHERE type(r) <> 'MENTIONED_IN' AND $doc IN coalesce(r.srcDoc, []) } AS still
FOREACH (_ IN CASE WHEN m IS NOT NULL AND NOT still THEN [1] ELSE [] END | DELETE m)
RETURN count(*) AS done`, map[string]any{"to": "enterprise:x", "from": "enterprise:y", "doc": "document:x", "name": "y",
		"kind": "Enterprise", "now": "t", "actor": "a", "addedAliases": []string{}})

	// The document's source entries leave the kept entity's relationships (moved to the
	// document's entity by qMoveEdges); one left without sources is deleted: it was the
	// document's alone and now stands at the document's entity.
	qUnmergeDropEdgeSources = newWrite("resolution_unmergeDropEdgeSources", `
UNWIND $eids AS eid
MATCH ()-[x]->() WHERE elementId(x) = eid
WITH x, [i IN range(0, size(coalesce(x.srcDoc, [])) - 1) WHERE x.srcDoc[i] <> $doc] AS keep
SET x.srcDoc = [i IN keep | x.srcDoc[i]], x.srcPassage = [i IN keep | x.srcPassage[i]],
    x.srcStart = [i IN keep | x.srcStart[i]], x.srcEnd = [i IN keep | x.srcEnd[i]],
    x.srcQuote = [i IN keep | x.srcQuote[i]], x.srcMethod = [i IN keep | x.srcMethod[i]],
    x.srcConf = [i IN keep | x.srcConf[i]], x.updatedAt = $now
WITH x WHERE size(x.srcDoc) = 0 AND size(coalesce(x.staffSrc, [])) = 0
DELETE x
RETURN count(*) AS deleted`, map[string]any{"eids": []string{}, "doc": "document:x", "now": "t"})

	// Figures only the document states move to the document's entity.
	qUnmergeQuantities = newWrite("resolution_unmergeQuantities", `
MATCH (f:Entity {id: $from})
UNWIND $ids AS id
MATCH (t:Entity {id: $to})-[h:HAS_QUANTITY]->(q:Quantity {id: id})
MERGE (f)-[h2:HAS_QUANTITY]->(q)
  ON CREATE SET h2.id = h.id
SET q.subject = f.id, q.updatedAt = $now
DELETE h
RETURN count(q) AS moved`, map[string]any{"from": "enterprise:y", "to": "enterprise:x", "ids": []string{}, "now": "t"})

	qUnmarkDecision = newWrite("resolution_unmerged", `
MATCH (d:ResolutionDecision {id: $id})
SET d.outcome = 'UNMERGED', d.unmergedAt = $now, d.decidedAt = $now, d.decidedBy = $actor, d.unmergeReason = $reason
RETURN properties(d) AS d`, map[string]any{"id": "resolution:x", "now": "t", "actor": "a", "reason": ""})
)

// ResolutionCandidates returns the live entities of the resolvable kinds, as resolution
// compares them, and the pairs staff unmerged for the given documents (never merged again).
func (s *Store) ResolutionCandidates(ctx context.Context, docIDs []string) ([]resolve.Entity, [][3]string, error) {
	var kinds []string
	for _, k := range model.Kinds {
		if resolve.Resolvable(k) {
			kinds = append(kinds, string(k))
		}
	}
	recs, err := s.read(ctx, qResolutionCandidates, map[string]any{"kinds": kinds})
	if err != nil {
		return nil, nil, fmt.Errorf("resolution candidates: %w", err)
	}
	ents := make([]resolve.Entity, 0, len(recs))
	for _, r := range recs {
		m := r.AsMap()
		ents = append(ents, resolve.Entity{ID: str(m["id"]), Kind: model.Kind(str(m["kind"])), Name: str(m["name"]),
			Aliases: strs(m["aliases"]), CreditCode: str(m["creditCode"]), Quote: str(m["quote"])})
	}
	recs, err = s.read(ctx, qResolutionBlocked, map[string]any{"docs": docIDs})
	if err != nil {
		return nil, nil, fmt.Errorf("resolution blocks: %w", err)
	}
	var blocked [][3]string
	for _, r := range recs {
		m := r.AsMap()
		blocked = append(blocked, [3]string{str(m["doc"]), str(m["fromId"]), str(m["toId"])})
	}
	return ents, blocked, nil
}

// RecordResolutions writes decisions (of documents just written). A decision staff
// unmerged keeps its outcome.
func (s *Store) RecordResolutions(ctx context.Context, actor string, ds []resolve.Decision) error {
	if len(ds) == 0 {
		return nil
	}
	rows := make([]map[string]any, 0, len(ds))
	for _, d := range ds {
		added := d.AddedAliases
		if added == nil {
			added = []string{}
		}
		rows = append(rows, map[string]any{"id": d.ID(), "documentId": d.DocumentID, "outcome": d.Outcome, "rule": d.Rule,
			"score": d.Score, "kind": string(d.Kind), "fromId": d.FromID, "fromName": d.FromName, "fromQuote": d.FromQuote,
			"toId": d.ToID, "toName": d.ToName, "toQuote": d.ToQuote, "addedAliases": added})
	}
	return s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		for lo := 0; lo < len(rows); lo += BatchSize {
			if _, err := s.run(ctx, tx, qRecordResolutions, map[string]any{"rows": rows[lo:min(lo+BatchSize, len(rows))], "now": nowString(), "actor": actor}); err != nil {
				return fmt.Errorf("record resolutions: %w", err)
			}
		}
		return nil
	})
}

func decodeResolution(v any) ResolutionDecision {
	m, _ := v.(map[string]any)
	score, _ := m["score"].(float64)
	return ResolutionDecision{ID: str(m["id"]), DecidedAt: str(m["decidedAt"]), DecidedBy: str(m["decidedBy"]), UnmergedAt: str(m["unmergedAt"]),
		Decision: resolve.Decision{DocumentID: str(m["documentId"]), Outcome: str(m["outcome"]), Rule: str(m["rule"]), Score: score,
			Kind: model.Kind(str(m["kind"])), FromID: str(m["fromId"]), FromName: str(m["fromName"]), FromQuote: str(m["fromQuote"]),
			ToID: str(m["toId"]), ToName: str(m["toName"]), ToQuote: str(m["toQuote"]), AddedAliases: strs(m["addedAliases"])}}
}

// ResolutionDecisions returns decisions newest first, of one document (docID "" for all)
// and one outcome ("" for all), first per page after the cursor after.
func (s *Store) ResolutionDecisions(ctx context.Context, docID, outcome string, first int, after string) (ResolutionPage, error) {
	if first < 0 || first > MaxPage {
		return ResolutionPage{}, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	params := map[string]any{"doc": nil, "outcome": nil, "beforeAt": "9999", "beforeID": "\U0010FFFF", "limit": first + 1}
	if docID != "" {
		params["doc"] = docID
	}
	if outcome != "" {
		params["outcome"] = outcome
	}
	if after != "" {
		b, err := base64.RawURLEncoding.DecodeString(after)
		at, id, ok := strings.Cut(strings.TrimPrefix(string(b), "r:"), "|")
		if err != nil || !strings.HasPrefix(string(b), "r:") || !ok {
			return ResolutionPage{}, fmt.Errorf("malformed cursor %q: %w", after, fault.ErrInvalidInput)
		}
		params["beforeAt"], params["beforeID"] = at, id
	}
	recs, err := s.read(ctx, qResolutionPage, params)
	if err != nil {
		return ResolutionPage{}, fmt.Errorf("resolution decisions: %w", err)
	}
	var page ResolutionPage
	for i, r := range recs {
		if i == 0 {
			t, _ := r.Get("total")
			page.TotalCount, _ = t.(int64)
		}
		if i == first {
			page.HasNext = true
			break
		}
		v, _ := r.Get("d")
		d := decodeResolution(v)
		page.Decisions = append(page.Decisions, d)
		page.Cursors = append(page.Cursors, base64.RawURLEncoding.EncodeToString([]byte("r:"+d.DecidedAt+"|"+d.ID)))
	}
	return page, nil
}

// Unmerge undoes a merge resolution made: the document's entity comes back under its own id
// with what that document states about it — its sources, the relationships and figures the
// document gave it — and leaves the kept entity with the other documents' facts. The
// decision becomes UNMERGED, and later ingests of the document keep the two apart. All in
// one transaction, audited.
func (s *Store) Unmerge(ctx context.Context, actor Actor, decisionID, reason string) (ResolutionDecision, error) {
	recs, err := s.read(ctx, qResolutionByID, map[string]any{"id": decisionID})
	if err != nil {
		return ResolutionDecision{}, fmt.Errorf("unmerge %s: %w", decisionID, err)
	}
	if len(recs) == 0 {
		return ResolutionDecision{}, fmt.Errorf("no resolution decision %s: %w", decisionID, fault.ErrNotFound)
	}
	v, _ := recs[0].Get("d")
	d := decodeResolution(v)
	if d.Outcome != resolve.Merged {
		return ResolutionDecision{}, fmt.Errorf("decision %s is %s, not MERGED: nothing to undo: %w", decisionID, d.Outcome, fault.ErrConflict)
	}
	at := nowString()
	var out ResolutionDecision
	err = s.write(ctx, func(tx neo4j.ManagedTransaction) error {
		p := map[string]any{"to": d.ToID, "from": d.FromID, "doc": d.DocumentID}
		st, err := s.run(ctx, tx, qUnmergeState, p)
		if err != nil {
			return err
		}
		if len(st) == 0 {
			return fmt.Errorf("the kept entity %s is not live (merged or retracted since): %w", d.ToID, fault.ErrConflict)
		}
		before := value(st, "t")
		addedAliases := d.AddedAliases
		if addedAliases == nil {
			addedAliases = []string{}
		}
		if _, err := s.run(ctx, tx, qUnmergeEntity, map[string]any{"to": d.ToID, "from": d.FromID, "doc": d.DocumentID,
			"name": d.FromName, "kind": string(d.Kind), "now": at, "actor": actor.Name, "addedAliases": addedAliases}); err != nil {
			return err
		}
		rels, _ := value(st, "rels").([]any)
		var moves []map[string]any
		var eids []string
		for _, it := range rels {
			r, _ := it.(map[string]any)
			t := model.RelType(str(r["type"]))
			props, _ := r["props"].(map[string]any)
			other := str(r["other"])
			if other == d.ToID {
				other = d.FromID
			}
			from, to := d.FromID, other
			if r["out"] != true {
				from, to = other, d.FromID
			}
			row := map[string]any{"type": string(t), "from": from, "to": to, "id": model.RelationID(t, from, to), "oldId": str(props["id"])}
			kept := map[string]any{}
			for k, v := range props {
				if !slices.Contains(bookkeepingEdgeProps, k) {
					kept[k] = v
				}
			}
			row["props"] = kept
			docs, _ := props["srcDoc"].([]any)
			for _, k := range []string{"srcDoc", "srcPassage", "srcStart", "srcEnd", "srcQuote", "srcMethod", "srcConf"} {
				all, _ := props[k].([]any)
				var mine []any
				for i, v := range all {
					if i < len(docs) && docs[i] == d.DocumentID {
						mine = append(mine, v)
					}
				}
				if mine == nil {
					mine = []any{}
				}
				row[k] = mine
			}
			row["staffSrc"] = []any{}
			moves = append(moves, row)
			eids = append(eids, str(r["eid"]))
		}
		if len(moves) > 0 {
			if _, err := s.run(ctx, tx, qMoveEdges, map[string]any{"rows": moves, "now": at, "actor": actor.Name}); err != nil {
				return err
			}
			if _, err := s.run(ctx, tx, qUnmergeDropEdgeSources, map[string]any{"eids": eids, "doc": d.DocumentID, "now": at}); err != nil {
				return err
			}
		}
		var qids []string
		qtys, _ := value(st, "qtys").([]any)
		for _, it := range qtys {
			q, _ := it.(map[string]any)
			if q["all"] == true {
				qids = append(qids, str(q["id"]))
			}
		}
		if len(qids) > 0 {
			if _, err := s.run(ctx, tx, qUnmergeQuantities, map[string]any{"from": d.FromID, "to": d.ToID, "ids": qids, "now": at}); err != nil {
				return err
			}
		}
		recs, err := s.run(ctx, tx, qUnmarkDecision, map[string]any{"id": decisionID, "now": at, "actor": actor.Name, "reason": reason})
		if err != nil {
			return err
		}
		out = decodeResolution(value(recs, "d"))
		return s.audit(ctx, tx, AuditEvent{At: at, Actor: actor.Name, Role: actor.Role, RequestID: actor.RequestID,
			Action: "unmerge", Targets: dedupe([]string{decisionID, d.ToID, d.FromID}),
			Before: auditJSON(map[string]any{"kept": before}),
			After:  auditJSON(map[string]any{"decision": decisionID, "movedRelations": len(moves), "movedQuantities": len(qids)}),
			Note:   reason})
	})
	if err != nil {
		return ResolutionDecision{}, fmt.Errorf("unmerge %s (%s from %s): %w", decisionID, d.FromID, d.ToID, err)
	}
	return out, nil
}
