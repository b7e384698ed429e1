package store

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// WalkRows is what one walk made Neo4j hand back: the rows of each level's statement, in
// order, and of the final fetch. graph/complexity.go prices the walks by these figures
// (bench/cmd/walkcost measures them on a generated corpus).
type WalkRows struct {
	PerLevel []int // rows of level 1, 2, … (a support walk's hops, a lineage walk's depths)
	Fetch    int   // rows of the fetch of the kept nodes and edges
}

// MeasureSupportWalk runs a support walk on sess exactly as the API does and counts its rows.
func MeasureSupportWalk(ctx context.Context, sess neo4j.SessionWithContext, dir SupportDirection, start string, maxHops, limit int, detail Detail) (WalkRows, error) {
	var rows WalkRows
	run := countingRunner(sessionRunner(ctx, sess), &rows)
	w, err := walkSupport(run, dir, start, maxHops, limit)
	if err != nil || len(w.Paths) == 0 {
		return rows, err
	}
	levels := len(rows.PerLevel)
	err = run(qSupportFetch, w.fetchArgs(detail), func(*neo4j.Record) error { return nil })
	rows.Fetch, rows.PerLevel = rows.PerLevel[levels], rows.PerLevel[:levels]
	return rows, err
}

// MeasureLineage runs a lineage walk on sess exactly as the API does and counts its rows.
func MeasureLineage(ctx context.Context, sess neo4j.SessionWithContext, id string, dir Direction, maxDepth int, detail Detail) (WalkRows, error) {
	step, ok := qLineageStep[dir]
	if !ok {
		return WalkRows{}, fmt.Errorf("direction %q", dir)
	}
	var rows WalkRows
	_, _, err := walkLineage(countingRunner(sessionRunner(ctx, sess), &rows), step, id, maxDepth, detail)
	if n := len(rows.PerLevel); n > 0 {
		rows.Fetch, rows.PerLevel = rows.PerLevel[n-1], rows.PerLevel[:n-1]
	}
	return rows, err
}

// countingRunner appends the row count of each statement run through it to rows.PerLevel.
func countingRunner(run runner, rows *WalkRows) runner {
	return func(q Query, params map[string]any, each func(*neo4j.Record) error) error {
		n := 0
		err := run(q, params, func(r *neo4j.Record) error { n++; return each(r) })
		rows.PerLevel = append(rows.PerLevel, n)
		return err
	}
}
