package store

import (
	"fmt"
	"strings"
)

// srcFields are the parallel lists that hold the sources (provenance) of an entity, a
// relationship or a condition: one element per source in each.
var srcFields = []string{"srcDoc", "srcPassage", "srcStart", "srcEnd", "srcQuote", "srcMethod", "srcConf"}

// newSourceIndexes is the Cypher list of the indexes of src's sources that dst does not hold
// yet (the same document, span and method), for the merges that join two sets of sources.
// dst and src are variable names of the query, never user input.
func newSourceIndexes(dst, src string) string {
	return fmt.Sprintf(`[i IN range(0, size(coalesce(%[2]s.srcDoc, [])) - 1) WHERE NOT any(j IN range(0, size(coalesce(%[1]s.srcDoc, [])) - 1)
      WHERE %[1]s.srcDoc[j] = %[2]s.srcDoc[i] AND %[1]s.srcStart[j] = %[2]s.srcStart[i] AND %[1]s.srcEnd[j] = %[2]s.srcEnd[i]
        AND %[1]s.srcMethod[j] = %[2]s.srcMethod[i])]`, dst, src)
}

// appendSources is the SET items that append src's sources at the indexes in the list
// variable add (see newSourceIndexes) to dst.
func appendSources(dst, src string) string {
	items := make([]string, len(srcFields))
	for i, f := range srcFields {
		items[i] = fmt.Sprintf("%[1]s.%[3]s = coalesce(%[1]s.%[3]s, []) + [i IN add | %[2]s.%[3]s[i]]", dst, src, f)
	}
	return strings.Join(items, ",\n    ")
}
