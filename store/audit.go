package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
)

// The audit trail: every write of policygraph creates one (:AuditEvent) node in the same
// transaction as the write, so the graph never holds a change without its record, nor a
// record of a change that was rolled back. An event names its targets (entity, relationship
// and figure ids) through (:AuditEvent)-[:ABOUT]->(:AuditKey {id}) so that the trail of one
// id is an index seek; relationships, which cannot be linked to, are found the same way.

// Actor is who makes a change, as the audit trail records it.
type Actor struct {
	Name      string // token subject, apikey:NAME, or "ingest" for the command line
	Role      string // reader, editor, admin; "" for the command line
	RequestID string // the HTTP request's id, when there is one
}

type actorKey struct{}

// WithActor returns ctx naming the actor of the writes made with it. ApplyDocument records
// it in its audit event (falling back to DocumentWrite.Actor), so an upload through the API
// is attributed to the person who sent it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx, or the zero Actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// AuditEvent is one recorded change.
type AuditEvent struct {
	ID        string
	At        string // RFC 3339 UTC with nanoseconds: sorts as a string
	Actor     string
	Role      string
	Action    string   // upsertEntity, addRelation, retractRelation, …, ingestDocument
	Targets   []string // ids the change is about
	Before    string   // JSON of the targets before the change; "" when they did not exist
	After     string   // JSON of the targets after the change
	Note      string   // the reason or review note given with the change
	RequestID string
}

// AuditPage is one page of an audit trail, newest first.
type AuditPage struct {
	Events     []AuditEvent
	TotalCount int64
	HasNext    bool
	Cursors    []string // cursor of each event, for the next page's after
}

var (
	qAuditEvent = newWrite("auditEvent", `
CREATE (a:AuditEvent {id: $id, at: $at, actor: $actor, role: $role, action: $action, targets: $targets,
                      before: $before, after: $after, note: $note, requestId: $requestId})
WITH a
UNWIND $targets AS t
MERGE (k:AuditKey {id: t})
CREATE (a)-[:ABOUT]->(k)
RETURN count(k) AS n`, map[string]any{
		"id": "0123456789abcdef", "at": "2026-01-01T00:00:00Z", "actor": "alice", "role": "editor",
		"action": "addRelation", "targets": []string{"rel:SUPPORTS:x"}, "before": "", "after": "{}", "note": "", "requestId": "r",
	})

	qAuditTrail = newQuery("auditTrail", `
CALL () {
  MATCH (:AuditKey {id: $target})<-[:ABOUT]-(a:AuditEvent)
  RETURN count(a) AS total
}
MATCH (:AuditKey {id: $target})<-[:ABOUT]-(a:AuditEvent)
WHERE a.at < $beforeAt OR (a.at = $beforeAt AND a.id < $beforeID)
WITH total, a ORDER BY a.at DESC, a.id DESC LIMIT $limit
RETURN total, a {.*} AS a`, map[string]any{"target": "policy:x", "beforeAt": "9999", "beforeID": "", "limit": 21})

	qAuditRecent = newQuery("auditRecent", `
CALL () {
  MATCH (a:AuditEvent)
  RETURN count(a) AS total
}
MATCH (a:AuditEvent)
WHERE a.at <= $beforeAt
WITH total, a ORDER BY a.at DESC, a.id DESC
WHERE a.at < $beforeAt OR a.id < $beforeID
WITH total, a LIMIT $limit
RETURN total, a {.*} AS a`, map[string]any{"beforeAt": "9999", "beforeID": "", "limit": 21})
)

// newEventID returns a random event id; it is made before the transaction so that a retried
// transaction writes the same event. Tests replace it (export_test.go).
var newEventID = func() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func nowString() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// auditJSON renders a before or after state; nil renders as "".
func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// audit records ev in tx. ID and At are filled when empty.
func (s *Store) audit(ctx context.Context, tx neo4j.ManagedTransaction, ev AuditEvent) error {
	if ev.ID == "" {
		ev.ID = newEventID()
	}
	if ev.At == "" {
		ev.At = nowString()
	}
	if ev.Targets == nil {
		ev.Targets = []string{}
	}
	_, err := s.run(ctx, tx, qAuditEvent, map[string]any{
		"id": ev.ID, "at": ev.At, "actor": ev.Actor, "role": ev.Role, "action": ev.Action, "targets": ev.Targets,
		"before": ev.Before, "after": ev.After, "note": ev.Note, "requestId": ev.RequestID,
	})
	return err
}

// AuditTrail returns the events about targetID (or, when it is empty, all events), newest
// first, first per page; after is a cursor from a previous page.
func (s *Store) AuditTrail(ctx context.Context, targetID string, first int, after string) (AuditPage, error) {
	if first < 0 || first > MaxPage {
		return AuditPage{}, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	beforeAt, beforeID := "9999", ""
	if after != "" {
		var err error
		if beforeAt, beforeID, err = decodeAuditCursor(after); err != nil {
			return AuditPage{}, err
		}
	}
	params := map[string]any{"beforeAt": beforeAt, "beforeID": beforeID, "limit": first + 1}
	q := qAuditRecent
	if targetID != "" {
		q = qAuditTrail
		params["target"] = targetID
	}
	if after == "" {
		// No cursor: every event is "before" the sentinel; the id condition must not cut.
		params["beforeID"] = "\U0010FFFF"
	}
	recs, err := s.read(ctx, q, params)
	if err != nil {
		return AuditPage{}, err
	}
	page := AuditPage{}
	for i, r := range recs {
		if i == 0 {
			t, _ := r.Get("total")
			page.TotalCount, _ = t.(int64)
		}
		if i == first {
			page.HasNext = true
			break
		}
		v, _ := r.Get("a")
		ev := decodeAudit(v)
		page.Events = append(page.Events, ev)
		page.Cursors = append(page.Cursors, encodeAuditCursor(ev))
	}
	if len(recs) == 0 && first >= 0 {
		// An empty page still reports the total.
		p := map[string]any{"beforeAt": "9999", "beforeID": "\U0010FFFF", "limit": 1}
		if targetID != "" {
			p["target"] = targetID
		}
		if recs, err := s.read(ctx, q, p); err == nil && len(recs) > 0 {
			t, _ := recs[0].Get("total")
			page.TotalCount, _ = t.(int64)
		}
	}
	return page, nil
}

func decodeAudit(v any) AuditEvent {
	m, _ := v.(map[string]any)
	return AuditEvent{
		ID: str(m["id"]), At: str(m["at"]), Actor: str(m["actor"]), Role: str(m["role"]),
		Action: str(m["action"]), Targets: strs(m["targets"]), Before: str(m["before"]),
		After: str(m["after"]), Note: str(m["note"]), RequestID: str(m["requestId"]),
	}
}

func encodeAuditCursor(ev AuditEvent) string {
	return base64.RawURLEncoding.EncodeToString([]byte("a:" + ev.At + "|" + ev.ID))
}

func decodeAuditCursor(c string) (at, id string, err error) {
	b, derr := base64.RawURLEncoding.DecodeString(c)
	if derr == nil && strings.HasPrefix(string(b), "a:") {
		if at, id, ok := strings.Cut(string(b[2:]), "|"); ok && at != "" && id != "" {
			return at, id, nil
		}
	}
	return "", "", fmt.Errorf("malformed cursor %q: %w", c, fault.ErrInvalidInput)
}

// auditDocument records one ingested document: who (ActorFrom(ctx), else w.Actor), the
// number of facts it stated before, and what the write changed.
func (s *Store) auditDocument(ctx context.Context, tx neo4j.ManagedTransaction, w DocumentWrite, prevFacts int, sum Summary, now string) error {
	a := ActorFrom(ctx)
	if a.Name == "" {
		a.Name = w.Actor
	}
	var before any
	if prevFacts > 0 {
		before = map[string]any{"facts": prevFacts}
	}
	return s.audit(ctx, tx, AuditEvent{
		At: now, Actor: a.Name, Role: a.Role, RequestID: a.RequestID, Action: "ingestDocument",
		Targets: []string{w.Doc.ID}, Before: auditJSON(before),
		After: auditJSON(map[string]any{"planHash": w.PlanHash, "nodes": sum.Nodes, "edges": sum.Edges, "quantities": sum.Quantities}),
	})
}
