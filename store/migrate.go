package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/model"
)

// Schema statements, applied in order by Migrate. Every statement is idempotent (IF NOT
// EXISTS), so Migrate runs at every start. Labels and types come from model's fixed lists.
func schemaStatements() []Query {
	qs := []Query{
		{Name: "constraint_entity_id", Cypher: `CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE`},
		{Name: "constraint_quantity_id", Cypher: `CREATE CONSTRAINT quantity_id IF NOT EXISTS FOR (q:Quantity) REQUIRE q.id IS UNIQUE`},
		{Name: "constraint_retracted_id", Cypher: `CREATE CONSTRAINT retracted_id IF NOT EXISTS FOR (n:Retracted) REQUIRE n.id IS UNIQUE`},
		{Name: "constraint_audit_id", Cypher: `CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditEvent) REQUIRE a.id IS UNIQUE`},
		{Name: "constraint_audit_key_id", Cypher: `CREATE CONSTRAINT audit_key_id IF NOT EXISTS FOR (k:AuditKey) REQUIRE k.id IS UNIQUE`},
		{Name: "fulltext_entity_names", Cypher: `CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliases] OPTIONS {indexConfig: {` + "`fulltext.analyzer`" + `: 'cjk', ` + "`fulltext.eventually_consistent`" + `: false}}`},
		{Name: "text_entity_name", Cypher: `CREATE TEXT INDEX entity_name_text IF NOT EXISTS FOR (n:Entity) ON (n.name)`},
		{Name: "range_entity_name", Cypher: `CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)`},
		{Name: "range_entity_kind", Cypher: `CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)`},
		{Name: "constraint_migration_id", Cypher: `CREATE CONSTRAINT migration_id IF NOT EXISTS FOR (m:Migration) REQUIRE m.id IS UNIQUE`},
		{Name: "range_entity_status", Cypher: `CREATE INDEX entity_status IF NOT EXISTS FOR (n:Entity) ON (n.status)`},
		{Name: "range_entity_aliases", Cypher: `CREATE INDEX entity_aliases IF NOT EXISTS FOR (n:Entity) ON (n.aliases)`},
		{Name: "constraint_condition_id", Cypher: `CREATE CONSTRAINT condition_id IF NOT EXISTS FOR (c:Condition) REQUIRE c.id IS UNIQUE`},
		{Name: "range_condition_of", Cypher: `CREATE INDEX condition_of IF NOT EXISTS FOR (c:Condition) ON (c.of)`},
		{Name: "range_quantity_subject", Cypher: `CREATE INDEX quantity_subject IF NOT EXISTS FOR (q:Quantity) ON (q.subject)`},
		{Name: "range_audit_at", Cypher: `CREATE INDEX audit_at IF NOT EXISTS FOR (a:AuditEvent) ON (a.at)`},
		{Name: "constraint_conflict_id", Cypher: `CREATE CONSTRAINT conflict_id IF NOT EXISTS FOR (c:Conflict) REQUIRE c.id IS UNIQUE`},
		{Name: "range_conflict_target", Cypher: `CREATE INDEX conflict_target IF NOT EXISTS FOR (c:Conflict) ON (c.targetId)`},
		{Name: "range_conflict_at", Cypher: `CREATE INDEX conflict_at IF NOT EXISTS FOR (c:Conflict) ON (c.at)`},
		{Name: "range_conflict_document", Cypher: `CREATE INDEX conflict_document IF NOT EXISTS FOR (c:Conflict) ON (c.documentId)`},
	}
	for _, k := range model.Kinds {
		// Per-kind id index: nodes(kind) pages in id order with an index-backed ORDER BY.
		qs = append(qs, Query{
			Name:   "range_" + k.Slug() + "_id",
			Cypher: fmt.Sprintf("CREATE INDEX %s_id IF NOT EXISTS FOR (n:%s) ON (n.id)", k.Slug(), k),
		})
	}
	rels := append([]model.RelType{}, model.RelTypes...)
	rels = append(rels, model.RelHasQuantity, model.RelRequires, RelRetracted)
	for _, r := range rels {
		qs = append(qs, Query{
			Name:   "range_rel_" + string(r) + "_id",
			Cypher: fmt.Sprintf("CREATE INDEX rel_%s_id IF NOT EXISTS FOR ()-[r:%s]-() ON (r.id)", r, r),
		})
	}
	return qs
}

// Every constraint here is backed by an index of the same name, so the online indexes name
// everything Migrate creates.
var qSchemaNames = newQuery("schemaNames", `SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN name`, nil)

// schemaNames returns the names of the online indexes and the constraints, so that Migrate
// sends only what is missing (one round trip when the schema is up to date).
func (s *Store) schemaNames(ctx context.Context) (map[string]bool, error) {
	recs, err := s.read(ctx, qSchemaNames, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate: reading the schema: %w", err)
	}
	out := map[string]bool{}
	for _, r := range recs {
		if n, ok := r.Get("name"); ok {
			out[fmt.Sprint(n)] = true
		}
	}
	return out, nil
}

// schemaName is the index or constraint name in "CREATE … <name> IF NOT EXISTS …".
func schemaName(cypher string) string {
	f := strings.Fields(cypher)
	for i := 1; i < len(f); i++ {
		if f[i] == "IF" {
			return f[i-1]
		}
	}
	return ""
}

// RelRetracted is the relationship type a retracted relationship is moved to. It keeps every
// property of the original plus origType, retractedAt and retractedBy, so default reads never
// see it and history is kept.
const RelRetracted model.RelType = "RETRACTED"

// Migrate applies the schema (constraints and indexes) and waits until every index is online.
// It is idempotent and safe to run at every start.
func (s *Store) Migrate(ctx context.Context) error {
	have, err := s.schemaNames(ctx)
	if err != nil {
		return err
	}
	for _, q := range schemaStatements() {
		if have[schemaName(q.Cypher)] {
			continue
		}
		s.count(ctx, q)
		sess := s.session(ctx, true)
		_, err := sess.Run(ctx, q.Cypher, nil)
		sess.Close(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", q.Name, s.classify(ctx, q, err))
		}
	}
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	if _, err := sess.Run(ctx, `CALL db.awaitIndexes(300)`, nil); err != nil {
		return fmt.Errorf("migrate: waiting for indexes: %w", s.classify(ctx, Query{Name: "await_indexes"}, err))
	}
	return s.migrateStatus(ctx) // review.go: facts stored before statuses are ACCEPTED
}

var qWipe = newWrite("wipe", `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`, nil)

// Wipe deletes every node and relationship of the database (the schema stays). It is for
// tests and for `policygraph reset`; it cannot be undone.
func (s *Store) Wipe(ctx context.Context) error {
	s.count(ctx, qWipe)
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, qWipe.Cypher, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("wipe: %w", s.classify(ctx, qWipe, err))
	}
	return nil
}

// Explain returns the operator names of q's plan (e.g. NodeUniqueIndexSeek, AllNodesScan)
// with its sample parameters, every branch included.
//
// It PROFILEs q in a transaction it rolls back, so nothing is written. EXPLAIN would not
// run q at all, but the driver (v5.28) hands back the children of an EXPLAIN plan all
// aliased to the last child (it takes the address of its loop variable), which hides the
// left side of every Apply, Union or CartesianProduct; profiled plans are copied correctly.
func (s *Store) Explain(ctx context.Context, q Query) ([]string, error) {
	sess := s.session(ctx, q.Write)
	defer sess.Close(ctx)
	params := q.Sample
	if params == nil {
		params = map[string]any{}
	}
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("explain %s: %w", q.Name, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // nothing was meant to be kept
	res, err := tx.Run(ctx, "PROFILE "+q.Cypher, params)
	if err != nil {
		return nil, fmt.Errorf("explain %s: %w", q.Name, err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, fmt.Errorf("explain %s: %w", q.Name, err)
	}
	var ops []string
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		if p == nil {
			return
		}
		ops = append(ops, p.Operator())
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(sum.Profile())
	return ops, nil
}

var qClearQueryCaches = newQuery("clearQueryCaches", `CALL db.clearQueryCaches()`, nil)

// ClearQueryCaches drops Neo4j's cached query plans so the next queries are planned against
// current statistics (after a bulk load, and in plan tests).
func (s *Store) ClearQueryCaches(ctx context.Context) error {
	_, err := s.read(ctx, qClearQueryCaches, nil)
	return err
}
