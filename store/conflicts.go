package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// Staff edits outrank ingest. Every curation write marks the fact it changes (curation.go):
// staffAt/staffBy (when and who), staffProps (the property names staff set or removed, and
// "name"), staffSrc (doc|start|end of the sources staff added). When a document (a bundle,
// an upload, an extraction) restates such a fact, ApplyDocument keeps the staff version:
//
//   - a staff-set property or name is not overwritten;
//   - a fact staff retracted, or an entity staff merged away, is not brought back, and the
//     document's relations and figures that would hang on it are not written;
//   - a fact staff changed (or an entity a staff relation or figure hangs on) is not
//     retracted when the document stops stating it; staff sources are never dropped.
//
// Each such case is a Conflict: both versions, who and when on each side, recorded in the
// same transaction as the write (nothing is lost either way) and listed by Conflicts.

// Conflict is one place where a document stated something other than what staff decided.
type Conflict struct {
	ID          string
	At          string // when ingest met it
	TargetID    string // the fact: an entity, rel:… or qty:… id
	DocumentID  string // the document that restated it
	Kind        string // property, name, retracted, merged, endpoint, kept
	Field       string // the property for property conflicts
	StaffValue  string // JSON of the staff version (kept)
	IngestValue string // JSON of the document's version (not written)
	StaffBy     string
	StaffAt     string
	IngestedBy  string // who ran the ingest or sent the upload
	RequestID   string
}

// The kinds of Conflict.
const (
	ConflictProperty  = "property"  // a staff-set property the document states differently
	ConflictName      = "name"      // a staff-set name the document states differently
	ConflictRetracted = "retracted" // staff retracted the fact; the document restates it
	ConflictMerged    = "merged"    // staff merged the entity away; the document restates it
	ConflictEndpoint  = "endpoint"  // a relation or figure of an entity staff retracted or merged
	ConflictKept      = "kept"      // the document no longer states a fact staff changed; kept live
)

var (
	qFactStates = newQuery("ingest_factStates", `
UNWIND $ids AS id
OPTIONAL MATCH (a:Entity {id: id})
OPTIONAL MATCH (q:Quantity {id: id})
OPTIONAL MATCH (r:Retracted {id: id})
WITH id, coalesce(a, q, r) AS x
WHERE x IS NOT NULL
RETURN id, x:Retracted AS retracted, properties(x) AS props`, map[string]any{"ids": []string{"policy:x"}})

	qWriteConflicts = newWrite("ingest_conflicts", `
UNWIND $rows AS row
CREATE (c:Conflict)
SET c = row
RETURN count(c) AS n`, map[string]any{"rows": []any{}})

	qAuditEvents = newWrite("ingest_auditEvents", `
UNWIND $rows AS ev
CREATE (a:AuditEvent {id: ev.id, at: ev.at, actor: ev.actor, role: ev.role, action: ev.action, targets: ev.targets,
                      before: ev.before, after: ev.after, note: ev.note, requestId: ev.requestId})
WITH a, ev
UNWIND ev.targets AS t
MERGE (k:AuditKey {id: t})
CREATE (a)-[:ABOUT]->(k)
RETURN count(k) AS n`, map[string]any{"rows": []any{}})

	qConflictsByTarget = newQuery("conflictsByTarget", `
MATCH (c:Conflict {targetId: $target})
WHERE $doc = '' OR c.documentId = $doc
WITH c ORDER BY c.at DESC, c.id DESC
WHERE c.at < $beforeAt OR (c.at = $beforeAt AND c.id < $beforeID)
RETURN c {.*} AS c LIMIT $limit`, map[string]any{"target": "policy:x", "doc": "", "beforeAt": "9999", "beforeID": "", "limit": 21})

	qConflictsByDoc = newQuery("conflictsByDocument", `
MATCH (c:Conflict {documentId: $doc})
WITH c ORDER BY c.at DESC, c.id DESC
WHERE c.at < $beforeAt OR (c.at = $beforeAt AND c.id < $beforeID)
RETURN c {.*} AS c LIMIT $limit`, map[string]any{"doc": "document:x", "beforeAt": "9999", "beforeID": "", "limit": 21})

	qConflictsRecent = newQuery("conflictsRecent", `
MATCH (c:Conflict)
WHERE c.at <= $beforeAt
WITH c ORDER BY c.at DESC, c.id DESC
WHERE c.at < $beforeAt OR (c.at = $beforeAt AND c.id < $beforeID)
RETURN c {.*} AS c LIMIT $limit`, map[string]any{"beforeAt": "9999", "beforeID": "", "limit": 21})
)

// qEdgeStates reads live relationships of one type by id, or the latest staff retraction of
// one that is no longer live.
var qEdgeStates = func() map[model.RelType]Query {
	m := map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		m[t] = newQuery("ingest_edgeStates_"+string(t), `
UNWIND $ids AS id
OPTIONAL MATCH ()-[a:`+string(t)+` {id: id}]->()
WITH id, head(collect(a)) AS a
OPTIONAL MATCH ()-[h:RETRACTED {id: id}]->()
WHERE a IS NULL AND h.staffAt IS NOT NULL
WITH id, a, h ORDER BY h.retractedAt DESC
WITH id, a, head(collect(h)) AS h
WHERE a IS NOT NULL OR h IS NOT NULL
RETURN id, a IS NULL AS retracted, properties(coalesce(a, h)) AS props`, map[string]any{"ids": []string{"rel:" + string(t) + ":x"}})
	}
	return m
}()

// factState is a fact as the graph holds it before a document's write.
type factState struct {
	retracted bool
	props     map[string]any
}

func (f factState) staff() bool { return f.props["staffAt"] != nil }

// ingestLog collects, while one document is written, its conflicts and per-fact audit events.
type ingestLog struct {
	doc, now  string
	actor     Actor
	conflicts []map[string]any
	events    []map[string]any
	base      string // event id prefix
}

func newIngestLog(ctx context.Context, w DocumentWrite, now string) *ingestLog {
	a := ActorFrom(ctx)
	if a.Name == "" {
		a.Name = w.Actor
	}
	return &ingestLog{doc: w.Doc.ID, now: now, actor: a, base: newEventID()}
}

func (l *ingestLog) nextID() string {
	return l.base + "-" + strconv.Itoa(len(l.events)+len(l.conflicts))
}

// conflict records one conflict, and an ingestConflict audit event about its fact.
func (l *ingestLog) conflict(target, kind, field string, staff, ingest any, st factState) {
	c := map[string]any{
		"id": l.nextID(), "at": l.now, "targetId": target, "documentId": l.doc, "kind": kind, "field": field,
		"staffValue": jsonOf(staff), "ingestValue": jsonOf(ingest), "staffBy": str(st.props["staffBy"]),
		"staffAt": str(st.props["staffAt"]), "ingestedBy": l.actor.Name, "requestId": l.actor.RequestID,
	}
	l.conflicts = append(l.conflicts, c)
	l.event(target, "ingestConflict", map[string]any{"kind": kind, "field": field, "staff": staff}, map[string]any{"kind": kind, "field": field, "document": ingest})
}

// event records one per-fact audit event of the ingest.
func (l *ingestLog) event(target, action string, before, after any) {
	l.events = append(l.events, map[string]any{
		"id": l.nextID(), "at": l.now, "actor": l.actor.Name, "role": l.actor.Role, "action": action,
		"targets": []string{target}, "before": auditJSON(before), "after": auditJSON(after), "note": l.doc,
		"requestId": l.actor.RequestID,
	})
}

func (s *Store) flushIngestLog(ctx context.Context, tx neo4j.ManagedTransaction, l *ingestLog) error {
	for start := 0; start < len(l.conflicts); start += BatchSize {
		if _, err := s.run(ctx, tx, qWriteConflicts, map[string]any{"rows": l.conflicts[start:min(start+BatchSize, len(l.conflicts))]}); err != nil {
			return err
		}
	}
	for start := 0; start < len(l.events); start += BatchSize {
		if _, err := s.run(ctx, tx, qAuditEvents, map[string]any{"rows": l.events[start:min(start+BatchSize, len(l.events))]}); err != nil {
			return err
		}
	}
	return nil
}

func jsonOf(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

func sameValue(a, b any) bool { return jsonOf(a) == jsonOf(b) }

// publicState is a fact's stored properties without provenance arrays and ingest bookkeeping,
// as an audit event's before.
func publicState(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if strings.HasPrefix(k, "src") || strings.HasPrefix(k, "staff") || k == "passages" || k == "factIds" || k == "factHashes" || k == "planHash" {
			continue
		}
		out[k] = v
	}
	return out
}

// readStates returns the stored state of the given entity and figure ids and relationships.
func (s *Store) readStates(ctx context.Context, tx neo4j.ManagedTransaction, nodeIDs []string, edges []EdgeRow) (map[string]factState, error) {
	out := map[string]factState{}
	collectStates := func(recs []*neo4j.Record) {
		for _, r := range recs {
			id, _ := r.Get("id")
			ret, _ := r.Get("retracted")
			props, _ := r.Get("props")
			pm, _ := props.(map[string]any)
			out[str(id)] = factState{retracted: ret == true, props: pm}
		}
	}
	for _, chunk := range chunks(nodeIDs, BatchSize*10) {
		recs, err := s.run(ctx, tx, qFactStates, map[string]any{"ids": chunk})
		if err != nil {
			return nil, err
		}
		collectStates(recs)
	}
	byType := map[model.RelType][]string{}
	for _, e := range edges {
		byType[e.Type] = append(byType[e.Type], e.ID)
	}
	for _, t := range model.RelTypes {
		q, ok := qEdgeStates[t]
		if !ok {
			continue
		}
		for _, chunk := range chunks(byType[t], BatchSize*10) {
			recs, err := s.run(ctx, tx, q, map[string]any{"ids": chunk})
			if err != nil {
				return nil, err
			}
			collectStates(recs)
		}
	}
	return out, nil
}

// guardStaff applies the staff-outranks-ingest rules to the rows a document is about to
// write: rows on facts staff retracted or merged are dropped, staff-set properties are
// taken out of the rest. Every case is logged as a conflict; a dropped row's count moves
// from Created or Updated (created tells which) to Kept.
func guardStaff(states map[string]factState, created map[string]bool, nodes []NodeRow, edges []EdgeRow, qtys []QuantityRow, l *ingestLog, sum *Summary) ([]NodeRow, []EdgeRow, []QuantityRow) {
	keep := func(c *Change, id string) {
		if created[id] {
			c.Created--
		} else {
			c.Updated--
		}
		c.Kept++
	}
	gone := map[string]string{} // entity id → why its relations and figures are not written
	var outNodes []NodeRow
	for _, n := range nodes {
		st, ok := states[n.ID]
		if !ok || !st.staff() {
			outNodes = append(outNodes, n)
			continue
		}
		stated := map[string]any{"name": n.Name, "kind": n.Kind, "props": n.Props}
		if st.retracted {
			kind, staff := ConflictRetracted, map[string]any{"retracted": true, "retractedAt": st.props["retractedAt"]}
			if into := str(st.props["mergedInto"]); into != "" {
				kind, staff["mergedInto"] = ConflictMerged, into
			}
			l.conflict(n.ID, kind, "", staff, stated, st)
			gone[n.ID] = kind
			keep(&sum.Nodes, n.ID)
			continue
		}
		if slices.Contains(strs(st.props["staffProps"]), "name") {
			if n.Name != "" && n.Name != str(st.props["name"]) {
				l.conflict(n.ID, ConflictName, "name", st.props["name"], n.Name, st)
			}
			n.keepName = true
		}
		n.Props = withoutStaffProps(n.ID, n.Props, st, l)
		outNodes = append(outNodes, n)
	}
	var outEdges []EdgeRow
	for _, e := range edges {
		stated := map[string]any{"type": e.Type, "from": e.From, "to": e.To, "props": e.Props}
		if why, ok := gone[e.From]; ok {
			l.conflict(e.ID, ConflictEndpoint, "from", map[string]any{"entity": e.From, "state": why}, stated, states[e.From])
			keep(&sum.Edges, e.ID)
			continue
		}
		if why, ok := gone[e.To]; ok {
			l.conflict(e.ID, ConflictEndpoint, "to", map[string]any{"entity": e.To, "state": why}, stated, states[e.To])
			keep(&sum.Edges, e.ID)
			continue
		}
		st, ok := states[e.ID]
		if !ok || !st.staff() {
			outEdges = append(outEdges, e)
			continue
		}
		if st.retracted {
			l.conflict(e.ID, ConflictRetracted, "", map[string]any{"retracted": true, "retractedAt": st.props["retractedAt"], "reason": st.props["retractReason"]}, stated, st)
			keep(&sum.Edges, e.ID)
			continue
		}
		e.Props = withoutStaffProps(e.ID, e.Props, st, l)
		outEdges = append(outEdges, e)
	}
	var outQtys []QuantityRow
	for _, q := range qtys {
		stated := map[string]any{"subject": q.Subject, "what": q.What, "raw": q.Raw}
		if why, ok := gone[q.Subject]; ok {
			l.conflict(q.ID, ConflictEndpoint, "subject", map[string]any{"entity": q.Subject, "state": why}, stated, states[q.Subject])
			keep(&sum.Quantities, q.ID)
			continue
		}
		if st, ok := states[q.ID]; ok && st.staff() && st.retracted {
			l.conflict(q.ID, ConflictRetracted, "", map[string]any{"retracted": true, "retractedAt": st.props["retractedAt"], "reason": st.props["retractReason"]}, stated, st)
			keep(&sum.Quantities, q.ID)
			continue
		}
		outQtys = append(outQtys, q)
	}
	return outNodes, outEdges, outQtys
}

// withoutStaffProps returns the document's props without those staff set on the fact (st),
// logging a conflict for each the document states differently.
func withoutStaffProps(id string, props map[string]any, st factState, l *ingestLog) map[string]any {
	keys := strs(st.props["staffProps"])
	if len(keys) == 0 {
		return props
	}
	out := maps.Clone(props)
	for _, k := range keys {
		v, has := out[k]
		if !has || k == "name" {
			continue
		}
		if !sameValue(v, st.props[k]) {
			l.conflict(id, ConflictProperty, k, st.props[k], v, st)
		}
		delete(out, k)
	}
	return out
}

// logWritten records one ingest audit event per written fact: created or updated, with the
// stored state before (updates) and what the document states.
func logWritten(l *ingestLog, states map[string]factState, nodes []NodeRow, edges []EdgeRow, qtys []QuantityRow) {
	write := func(id string, after map[string]any) {
		st, ok := states[id]
		action := "ingestCreated"
		var before any
		if ok {
			action, before = "ingestUpdated", publicState(st.props)
		}
		after["document"] = l.doc
		l.event(id, action, before, after)
	}
	for _, n := range nodes {
		if n.ID == l.doc {
			continue // the document itself: its ingestDocument event (audit.go)
		}
		write(n.ID, map[string]any{"kind": n.Kind, "name": n.Name, "aliases": n.Aliases, "props": n.Props, "sources": len(n.Sources)})
	}
	for _, e := range edges {
		write(e.ID, map[string]any{"type": e.Type, "from": e.From, "to": e.To, "props": e.Props, "sources": len(e.Sources)})
	}
	for _, q := range qtys {
		write(q.ID, map[string]any{"subject": q.Subject, "what": q.What, "value": q.Value, "unit": q.Unit, "raw": q.Raw, "sources": len(q.Sources)})
	}
}

// ConflictPage is one page of conflicts, newest first.
type ConflictPage struct {
	Conflicts []Conflict
	Cursors   []string
	HasNext   bool
}

// Conflicts lists the conflicts about targetID and/or from documentID (either may be empty;
// both empty: every conflict), newest first.
func (s *Store) Conflicts(ctx context.Context, targetID, documentID string, first int, after string) (ConflictPage, error) {
	if first < 0 || first > MaxPage {
		return ConflictPage{}, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	beforeAt, beforeID := "9999", "\U0010FFFF"
	if after != "" {
		b, err := base64.RawURLEncoding.DecodeString(after)
		at, id, ok := strings.Cut(strings.TrimPrefix(string(b), "c:"), "|")
		if err != nil || !strings.HasPrefix(string(b), "c:") || !ok || at == "" || id == "" {
			return ConflictPage{}, fmt.Errorf("malformed cursor %q: %w", after, fault.ErrInvalidInput)
		}
		beforeAt, beforeID = at, id
	}
	params := map[string]any{"doc": documentID, "beforeAt": beforeAt, "beforeID": beforeID, "limit": first + 1}
	q := qConflictsRecent
	switch {
	case targetID != "":
		q, params["target"] = qConflictsByTarget, targetID
	case documentID != "":
		q = qConflictsByDoc
	}
	recs, err := s.read(ctx, q, params)
	if err != nil {
		return ConflictPage{}, err
	}
	var page ConflictPage
	for i, r := range recs {
		if i == first {
			page.HasNext = true
			break
		}
		v, _ := r.Get("c")
		m, _ := v.(map[string]any)
		c := Conflict{
			ID: str(m["id"]), At: str(m["at"]), TargetID: str(m["targetId"]), DocumentID: str(m["documentId"]),
			Kind: str(m["kind"]), Field: str(m["field"]), StaffValue: str(m["staffValue"]), IngestValue: str(m["ingestValue"]),
			StaffBy: str(m["staffBy"]), StaffAt: str(m["staffAt"]), IngestedBy: str(m["ingestedBy"]), RequestID: str(m["requestId"]),
		}
		page.Conflicts = append(page.Conflicts, c)
		page.Cursors = append(page.Cursors, base64.RawURLEncoding.EncodeToString([]byte("c:"+c.At+"|"+c.ID)))
	}
	return page, nil
}

// keptOrphans splits the ids a document no longer states and that have no source left into
// those to retract and those staff work keeps live (logged as conflicts).
func keptOrphans(recs []*neo4j.Record, l *ingestLog, c *Change) (retract []string) {
	for _, r := range recs {
		id, _ := r.Get("id")
		staff, _ := r.Get("staff")
		if staff == true {
			by, _ := r.Get("staffBy")
			at, _ := r.Get("staffAt")
			st := factState{props: map[string]any{"staffBy": by, "staffAt": at}}
			l.conflict(str(id), ConflictKept, "", map[string]any{"live": true, "staffChanged": true},
				map[string]any{"stated": false, "wouldRetract": true}, st)
			c.Retracted--
			c.Kept++
			continue
		}
		retract = append(retract, str(id))
	}
	slices.Sort(retract)
	return retract
}
