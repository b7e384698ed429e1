package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/store"
)

// Limits bound what one operation may ask for. Arguments beyond a cap, and string arguments
// longer than MaxStringBytes, are rejected before execution with extensions.code
// BAD_USER_INPUT (never silently clamped); an operation nested deeper than MaxDepth or with
// more than MaxAliases aliased fields is rejected with COMPLEXITY_LIMIT.
type Limits struct {
	MaxDepth             int // nesting of fields, introspection excluded
	MaxFirst             int // first on every list and connection
	MaxLimit             int // neighborhood(limit)
	MaxHops              int // maxHops of policiesSupporting, enterprisesSupportedBy, shortestPath
	MaxLineageDepth      int // lineage(maxDepth)
	MaxNeighborhoodDepth int // neighborhood(depth)
	MaxAliases           int // aliased fields of one operation (alias bombs); 0 = no limit
	MaxStringBytes       int // bytes of any string argument, inputs included; 0 = no limit
}

// largeStringArgs are the arguments exempt from MaxStringBytes: uploads, bounded by the
// resolver's own limit (INGEST_MAX_BYTES).
var largeStringArgs = map[string]bool{
	"Mutation.ingestDocument.input.bundle": true,
	"Mutation.ingestDocument.input.text":   true,
	"Mutation.ingestDocument.input.file":   true,
}

// DefaultLimits are the limits the server uses unless configured otherwise.
var DefaultLimits = Limits{
	MaxDepth:             12,
	MaxFirst:             500,
	MaxLimit:             1000,
	MaxHops:              store.MaxHops,
	MaxLineageDepth:      store.MaxDepth,
	MaxNeighborhoodDepth: store.MaxNeighbors,
	MaxAliases:           30,
	MaxStringBytes:       4 << 10,
}

// StoreLimits are the largest values the store accepts; configured limits may not exceed
// them.
var StoreLimits = Limits{
	MaxFirst:             store.MaxPage,
	MaxLimit:             store.MaxSubgraph,
	MaxHops:              store.MaxHops,
	MaxLineageDepth:      store.MaxDepth,
	MaxNeighborhoodDepth: store.MaxNeighbors,
}

// Validate reports a limit that is not positive or that exceeds what the store accepts.
func (l Limits) Validate() error {
	for _, c := range []struct {
		name   string
		v, max int
	}{
		{"max depth", l.MaxDepth, 1 << 10},
		{"max first", l.MaxFirst, StoreLimits.MaxFirst},
		{"max limit", l.MaxLimit, StoreLimits.MaxLimit},
		{"max hops", l.MaxHops, StoreLimits.MaxHops},
		{"max lineage depth", l.MaxLineageDepth, StoreLimits.MaxLineageDepth},
		{"max neighborhood depth", l.MaxNeighborhoodDepth, StoreLimits.MaxNeighborhoodDepth},
	} {
		if c.v < 1 || c.v > c.max {
			return fmt.Errorf("%s must be 1..%d, got %d", c.name, c.max, c.v)
		}
	}
	if l.MaxAliases < 0 || l.MaxStringBytes < 0 {
		return fmt.Errorf("max aliases and max string bytes must not be negative")
	}
	return nil
}

// argBound is the allowed range of one integer argument.
type argBound struct{ min, max int }

// bounds returns the range of each capped argument name.
func (l Limits) bounds() map[string]argBound {
	return map[string]argBound{
		"first":    {0, l.MaxFirst},
		"limit":    {1, l.MaxLimit},
		"maxHops":  {1, l.MaxHops},
		"maxDepth": {1, l.MaxLineageDepth},
		"depth":    {1, l.MaxNeighborhoodDepth},
	}
}

// Extension returns the gqlgen handler extension that enforces l on every operation.
func (l Limits) Extension() graphql.HandlerExtension { return limitsExtension{l} }

type limitsExtension struct{ l Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limitsExtension{}

func (limitsExtension) ExtensionName() string                   { return "OperationLimits" }
func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e limitsExtension) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil {
		return nil
	}
	return e.l.Check(opCtx.Operation.SelectionSet, opCtx.Variables)
}

// Check walks a selection set (fragments expanded) and reports the first argument out of
// range or a depth beyond MaxDepth.
func (l Limits) Check(set ast.SelectionSet, vars map[string]any) *gqlerror.Error {
	w := walker{bounds: l.bounds(), vars: vars, visiting: map[string]bool{}, maxString: l.MaxStringBytes}
	if err := w.walk(set, 0); err != nil {
		return err
	}
	if l.MaxDepth > 0 && w.maxDepth > l.MaxDepth {
		err := gqlerror.Errorf("query depth %d exceeds the limit of %d", w.maxDepth, l.MaxDepth)
		err.Extensions = map[string]any{"code": fault.CodeComplexityLimit, "depth": w.maxDepth, "limit": l.MaxDepth}
		return err
	}
	if l.MaxAliases > 0 && w.aliases > l.MaxAliases {
		err := gqlerror.Errorf("the operation has %d aliased fields; the limit is %d", w.aliases, l.MaxAliases)
		err.Extensions = map[string]any{"code": fault.CodeComplexityLimit, "aliases": w.aliases, "limit": l.MaxAliases}
		return err
	}
	return nil
}

type walker struct {
	bounds    map[string]argBound
	vars      map[string]any
	maxDepth  int
	aliases   int // fields whose alias differs from their name, counted once per use of a fragment
	maxString int
	visiting  map[string]bool // fragment names on the current path (validation forbids cycles; this guards anyway)
}

func (w *walker) walk(set ast.SelectionSet, depth int) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			if len(s.Name) > 1 && s.Name[:2] == "__" {
				continue // introspection: bounded by the parser's MaxIntrospectionDepth rule
			}
			d := depth + 1
			if d > w.maxDepth {
				w.maxDepth = d
			}
			if err := w.checkArgs(s); err != nil {
				return err
			}
			if err := w.walk(s.SelectionSet, d); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.walk(s.SelectionSet, depth); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || w.visiting[s.Name] {
				continue
			}
			w.visiting[s.Name] = true
			err := w.walk(s.Definition.SelectionSet, depth)
			delete(w.visiting, s.Name)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) checkArgs(f *ast.Field) *gqlerror.Error {
	if len(f.Arguments) == 0 && (f.Definition == nil || len(f.Definition.Arguments) == 0) {
		return nil
	}
	args := f.ArgumentMap(w.vars) // defaults applied
	if w.maxString > 0 {
		owner := f.Name
		if f.ObjectDefinition != nil {
			owner = f.ObjectDefinition.Name + "." + f.Name
		}
		for name, v := range args {
			if path, n := longString(owner+"."+name, v, w.maxString); path != "" {
				err := gqlerror.Errorf("%s: a string of %d bytes exceeds the limit of %d (GRAPHQL_MAX_STRING_BYTES)", path, n, w.maxString)
				if f.Position != nil {
					err.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
				}
				err.Extensions = map[string]any{"code": fault.CodeBadUserInput, "argument": name, "max": w.maxString}
				return err
			}
		}
	}
	for name, b := range w.bounds {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		n, ok := asInt(v)
		if !ok {
			continue
		}
		if n < b.min || n > b.max {
			owner := f.Name
			if f.ObjectDefinition != nil {
				owner = f.ObjectDefinition.Name + "." + f.Name
			}
			err := gqlerror.Errorf("%s: %s must be between %d and %d, got %d", owner, name, b.min, b.max, n)
			err.Path = nil
			if f.Position != nil {
				err.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
			}
			err.Extensions = map[string]any{"code": fault.CodeBadUserInput, "argument": name, "min": b.min, "max": b.max}
			return err
		}
	}
	return nil
}

// longString returns the path and length of the first string in v (an argument value, maybe
// a nested input or list) longer than max bytes, or "" when there is none.
func longString(path string, v any, max int) (string, int) {
	if largeStringArgs[path] {
		return "", 0
	}
	switch x := v.(type) {
	case string:
		if len(x) > max {
			return path, len(x)
		}
	case []any:
		for i, e := range x {
			if p, n := longString(fmt.Sprintf("%s[%d]", path, i), e, max); p != "" {
				return p, n
			}
		}
	case map[string]any:
		for k, e := range x {
			if p, n := longString(path+"."+k, e, max); p != "" {
				return p, n
			}
		}
	}
	return "", 0
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case int32:
		return int(x), true
	case float64:
		return int(x), true
	case fmt.Stringer: // json.Number
		var n int
		if _, err := fmt.Sscan(x.String(), &n); err == nil {
			return n, true
		}
	}
	return 0, false
}
