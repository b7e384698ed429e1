package store

// Full-text search over names and aliases.

import (
	"context"
	"fmt"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// qSearch ranks full-text candidates (names and aliases, cjk analyzer) and short substring
// matches, at each Detail.
var qSearch = func() map[Detail]Query {
	m := map[Detail]Query{}
	for _, d := range []Detail{Full, Outline} {
		m[d] = newQuery("search"+detailSuffix[d], `
CALL () {
  CALL db.index.fulltext.queryNodes('entity_names', $lucene, {limit: $cand}) YIELD node, score
  RETURN node AS n, score
  UNION ALL
  MATCH (n:Entity) WHERE n.name CONTAINS $text
  RETURN n, 0.5 AS score LIMIT $cand
}
WITH n, max(score) AS score
WHERE size($kinds) = 0 OR n.kind IN $kinds
WITH n, score + CASE
    WHEN n.name = $text THEN 100.0
    WHEN $text IN n.aliases THEN 80.0
    WHEN n.name STARTS WITH $text THEN 20.0
    WHEN n.name CONTAINS $text THEN 10.0
    WHEN any(a IN n.aliases WHERE a CONTAINS $text) THEN 5.0
    ELSE 0.0 END AS score
ORDER BY score DESC, size(n.name), n.id
LIMIT $first
RETURN n `+nodeProjAt[d]+` AS n, score`,
			map[string]any{"lucene": `"x"`, "text": "x", "kinds": []string{}, "cand": 100, "first": 20})
	}
	return m
}()

// Search finds entities whose name or aliases match text (full-text, cjk analyzer; exact
// name and alias matches rank first; substrings such as 西井 find 西井科技).
func (s *Store) Search(ctx context.Context, text string, kinds []model.Kind, first int, detail Detail) ([]SearchHit, error) {
	text = strings.TrimSpace(text)
	lucene := LuceneQuery(text)
	if lucene == "" {
		return nil, fmt.Errorf("search text %q has nothing to search for: %w", text, fault.ErrInvalidInput)
	}
	if first <= 0 || first > MaxPage {
		return nil, fmt.Errorf("first must be 1..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	recs, err := s.read(ctx, qSearch[detail], map[string]any{
		"lucene": lucene, "text": text, "kinds": kindStrings(kinds), "cand": max(100, first*5), "first": first,
	})
	if err != nil {
		return nil, err
	}
	out := make([]SearchHit, 0, len(recs))
	for _, r := range recs {
		n, _ := r.Get("n")
		sc, _ := r.Get("score")
		f, _ := sc.(float64)
		out = append(out, SearchHit{Node: decodeNode(n), Score: f})
	}
	return out, nil
}

// LuceneQuery turns user text into a Lucene query that treats every character literally:
// the whole text as a phrase (boosted), or all of its words as phrases.
func LuceneQuery(text string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	var quoted []string
	for _, w := range words {
		if e := luceneEscape(w); e != "" {
			quoted = append(quoted, `"`+e+`"`)
		}
	}
	if len(quoted) == 0 {
		return ""
	}
	full := `"` + luceneEscape(strings.Join(words, " ")) + `"^2`
	if len(quoted) == 1 {
		return full
	}
	return full + " OR (" + strings.Join(quoted, " AND ") + ")"
}

func luceneEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '+', '-', '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '*', '?', '|', '&', '/':
			b.WriteByte('\\')
		}
		if r == 0 {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
