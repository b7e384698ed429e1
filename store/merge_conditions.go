package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// qMergeConditions moves the conditions of $merge to $keep (MergeEntities, before the loser
// is retracted): each follows the survivor (REQUIRES from the keeper, of = keeper, ids kept,
// so the documents that state them still retract them), except one that tests exactly what
// one of the keeper's own conditions tests (subject, attribute, operator, values, unit,
// group): its sources join the keeper's and it is retracted with mergedInto. A group the
// keeper already uses is renamed <loser id>/<group>, so the loser's alternatives do not
// become alternatives of the keeper's.
var qMergeConditions = newWrite("curation_mergeConditions", `
MATCH (k:Entity {id: $keep})
MATCH (m:Entity {id: $merge})
OPTIONAL MATCH (k)-[:REQUIRES]->(o:Condition)
WITH k, m, collect(o) AS own
MATCH (m)-[r:REQUIRES]->(c:Condition)
WITH k, m, own, r, c,
     CASE WHEN coalesce(c.group, '') <> '' AND any(o IN own WHERE o.group = c.group) THEN m.id + '/' + c.group ELSE c.group END AS grp
WITH k, m, r, c, grp, head([o IN own WHERE o.appliesTo = c.appliesTo AND o.attribute = c.attribute AND o.operator = c.operator
      AND size(o.values) = size(c.values) AND all(v IN c.values WHERE v IN o.values) AND all(v IN o.values WHERE v IN c.values)
      AND coalesce(o.unit, '') = coalesce(c.unit, '') AND coalesce(o.group, '') = coalesce(grp, '')]) AS same
CALL (k, m, r, c, grp, same) {
  WITH * WHERE same IS NULL
  MERGE (k)-[r2:REQUIRES]->(c)
    ON CREATE SET r2.id = r.id
  SET c.of = k.id, c.group = grp, c.mergedFrom = coalesce(c.mergedFrom, []) + m.id, c.updatedAt = $now,
      c.staffAt = $now, c.staffBy = $actor
  DELETE r
  RETURN count(*) AS moved
}
CALL (c, same) {
  WITH * WHERE same IS NOT NULL
  WITH c, same AS x, `+newSourceIndexes("same", "c")+` AS add
  SET `+appendSources("x", "c")+`,
      x.updatedAt = $now
  REMOVE c:Condition
  SET c:Retracted, c.retracted = true, c.retractedAt = $now, c.retractedBy = $actor,
      c.retractReason = $reason, c.mergedInto = x.id, c.staffAt = $now, c.staffBy = $actor
  RETURN count(*) AS combined
}
RETURN sum(moved) AS moved, sum(combined) AS combined`, map[string]any{
	"keep": "talentmeasure:x", "merge": "talentmeasure:y", "now": "t", "actor": "a", "reason": "r",
})

// mergeConditions runs qMergeConditions in the merge's transaction and returns how many
// conditions moved and how many joined an equal condition of the keeper.
func (s *Store) mergeConditions(ctx context.Context, tx neo4j.ManagedTransaction, keepID, mergeID, now, actor string) (moved, combined int, err error) {
	recs, err := s.run(ctx, tx, qMergeConditions, map[string]any{
		"keep": keepID, "merge": mergeID, "now": now, "actor": actor, "reason": "merged into " + keepID,
	})
	if err != nil || len(recs) == 0 {
		return 0, 0, err
	}
	if n, ok := value(recs, "moved").(int64); ok {
		moved = int(n)
	}
	if n, ok := value(recs, "combined").(int64); ok {
		combined = int(n)
	}
	return moved, combined, nil
}
