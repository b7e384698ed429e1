package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// complexityLimit is gqlgen's extension.FixedComplexityLimit (of graph.GqlgenChecked: same name, statistics, error
// code and message) that remembers the complexity of the operations it has priced. gqlgen
// walks the whole selection for every request, every implementation of an interface field
// included: on node(id) — ten concrete types behind Node — that walk was 6 % of the API's
// CPU (pprof, bench/README.md). The schema's complexity functions (graph/complexity.go)
// read only Int arguments, so an operation's price depends on its document, its name and
// the values of its variables other than ID and String ones: that is the cache key.
type complexityLimit struct {
	limit int
	es    graphql.ExecutableSchema
	cache *lru.LRU[int]
}

// maxKeyedQuery bounds the documents whose price is remembered (longer ones are priced
// every time).
const maxKeyedQuery = 8 << 10

func newComplexityLimit(limit, cacheSize int) *complexityLimit {
	return &complexityLimit{limit: limit, cache: lru.New[int](cacheSize)}
}

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = &complexityLimit{}

func (c *complexityLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *complexityLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *complexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	key, keyed := complexityKey(oc, op)
	n, hit := 0, false
	if keyed {
		n, hit = c.cache.Get(ctx, key)
	}
	if !hit {
		n = complexity.Calculate(ctx, c.es, op, oc.Variables)
		if keyed {
			c.cache.Add(ctx, key, n)
		}
	}
	oc.Stats.SetExtension(c.ExtensionName(), &extension.ComplexityStats{Complexity: n, ComplexityLimit: c.limit})
	if n > c.limit {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", n, c.limit)
		errcode.Set(err, gqlgenComplexityCode)
		return err
	}
	return nil
}

// complexityKey is the document, the operation's name and the values of the variables that
// can change its price; false when the operation is not worth remembering.
func complexityKey(oc *graphql.OperationContext, op *ast.OperationDefinition) (string, bool) {
	if op == nil || oc.RawQuery == "" || len(oc.RawQuery) > maxKeyedQuery {
		return "", false
	}
	var b strings.Builder
	b.WriteString(oc.RawQuery)
	b.WriteByte(0)
	b.WriteString(op.Name)
	for _, v := range op.VariableDefinitions {
		if t := v.Type; t.Elem == nil && (t.NamedType == "ID" || t.NamedType == "String") {
			continue
		}
		fmt.Fprintf(&b, "\x00%s=%#v", v.Variable, oc.Variables[v.Variable])
	}
	return b.String(), true
}
