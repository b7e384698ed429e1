package store

// The facts of entities: one page of relationships per entity, filtered and sorted (the
// filter clause and sort key are shared with history.go).

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/fault"
)

// EdgesOf: per direction and sort order, one query; filters are parameters.
// edgeFilter is the EdgeFilter's condition on a relationship r and its far end m, shared by
// qEdgesOf and the history read that includes retracted facts (history.go): one place to
// change when the filter gains a field.
const edgeFilter = `(size($kinds) = 0 OR m.kind IN $kinds)
    AND ($nameContains = '' OR m.name CONTAINS $nameContains OR any(a IN m.aliases WHERE a CONTAINS $nameContains))
    AND ($level = '' OR m.level = $level)
    AND ($dateFrom = '' OR coalesce(m.issuedOn, m.startedOn, m.foundedOn, m.date, r.asOf) >= $dateFrom)
    AND ($dateTo = '' OR coalesce(m.issuedOn, m.startedOn, m.foundedOn, m.date, r.asOf) <= $dateTo)
    AND ($method = '' OR r.method = $method OR (right($method, 1) = ':' AND r.method STARTS WITH $method))
    AND coalesce(r.confidence, 1.0) >= $minConfidence
    AND (size($statuses) = 0 OR (coalesce(r.status, 'ACCEPTED') IN $statuses AND coalesce(m.status, 'ACCEPTED') IN $statuses))`

// edgeSortKey orders the edges of qEdgesOf and its history twin by $sort.
const edgeSortKey = `CASE $sort WHEN 'confidence' THEN toString(1000 + coalesce(r.confidence, 0) * 100)
               WHEN 'date' THEN coalesce(m.issuedOn, m.startedOn, m.foundedOn, m.date, r.asOf, '')
               ELSE m.name END`

// edgeFilterSample is the sample parameters of the edge-filter queries (plan tests).
func edgeFilterSample() map[string]any {
	return map[string]any{
		"ids": []string{"policy:x"}, "types": []string{"SUPPORTS"}, "kinds": []string{}, "nameContains": "",
		"level": "", "dateFrom": "", "dateTo": "", "method": "", "minConfidence": 0.0, "statuses": []string{}, "sort": "name",
		"offset": 0, "first": 10,
	}
}

var qEdgesOf = func() map[string]Query {
	m := map[string]Query{}
	for _, dir := range []string{"out", "in"} {
		for _, order := range []string{"ASC", "DESC"} {
			pat := `(n)-[r]->(m:Entity)`
			if dir == "in" {
				pat = `(n)<-[r]-(m:Entity)`
			}
			m[dir+order] = newQuery("edgesOf_"+dir+"_"+strings.ToLower(order), `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  MATCH `+pat+`
  WHERE type(r) IN $types
    AND `+edgeFilter+`
  WITH r, m ORDER BY
    `+edgeSortKey+` `+order+`, m.id `+order+`
  WITH collect({r: `+rel("r")+`, m: m `+nodeProj+`}) AS hits
  RETURN size(hits) AS total, hits[$offset..$offset + $first + 1] AS page
}
RETURN id, total, page`, edgeFilterSample())
		}
	}
	return m
}()

// EdgesOf returns, for each id, one page of its relationships matching f. One round trip
// for all ids (relationship fields of a list of nodes batch into it).
func (s *Store) EdgesOf(ctx context.Context, ids []string, f EdgeFilter) (map[string]EdgePage, error) {
	out := make(map[string]EdgePage, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if f.First < 0 || f.First > MaxPage {
		return nil, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, f.First, fault.ErrInvalidInput)
	}
	if len(f.Types) == 0 {
		return nil, fmt.Errorf("no relationship types given: %w", fault.ErrInvalidInput)
	}
	offset := 0
	if f.After != "" {
		o, err := decodeOffset(f.After)
		if err != nil {
			return nil, err
		}
		offset = o
	}
	key := "in"
	if f.Outgoing {
		key = "out"
	}
	if f.Desc {
		key += "DESC"
	} else {
		key += "ASC"
	}
	queries := qEdgesOf
	if f.IncludeRetracted {
		queries = qEdgesOfHistory // history.go
	}
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	sortBy := f.SortBy
	if sortBy == "" {
		sortBy = "name"
	}
	recs, err := s.read(ctx, queries[key], map[string]any{
		"ids": ids, "types": types, "kinds": kindStrings(f.Kinds), "nameContains": f.NameContains,
		"level": f.Level, "dateFrom": f.DateFrom, "dateTo": f.DateTo, "method": f.Method,
		"minConfidence": f.MinConfidence, "statuses": statusList(f.Statuses), "sort": sortBy, "offset": offset, "first": f.First,
	})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		idv, _ := r.Get("id")
		tv, _ := r.Get("total")
		pv, _ := r.Get("page")
		total, _ := tv.(int64)
		page := EdgePage{TotalCount: total}
		items, _ := pv.([]any)
		for i, it := range items {
			if i == f.First {
				page.HasNext = true
				break
			}
			m, _ := it.(map[string]any)
			page.Hits = append(page.Hits, EdgeHit{
				Edge: decodeEdge(m["r"]), Other: decodeNode(m["m"]), Cursor: encodeOffset(offset + i + 1),
			})
		}
		out[idv.(string)] = page
	}
	return out, nil
}

func encodeOffset(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

func decodeOffset(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && strings.HasPrefix(string(b), "o:") {
		if n, err := strconv.Atoi(string(b[2:])); err == nil && n >= 0 && n < 1<<30 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("malformed cursor %q: %w", c, fault.ErrInvalidInput)
}
