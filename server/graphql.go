package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/graph/loader"
	"github.com/policygraph/policygraph/store"
)

// gqlgenComplexityCode is gqlgen's code for an operation over the complexity limit,
// renamed to fault.CodeComplexityLimit.
const gqlgenComplexityCode = "COMPLEXITY_LIMIT_EXCEEDED"

// newGraphQL assembles the GraphQL handler: explicit transports, caches, limits, error
// presentation, metrics and per-request dataloaders.
func newGraphQL(cfg Config, deps Deps, log *slog.Logger) http.Handler {
	st := deps.Store
	resolver := &graph.Resolver{Store: st, Curator: deps.Curator}
	srv := handler.New(graph.Schema(resolver))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postJSON{}) // transport.POST without re-encoding the data (post.go)
	srv.AddTransport(transport.GRAPHQL{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	srv.SetParserTokenLimit(20000)

	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionGate{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](cfg.APQCacheSize)})
	srv.Use(authGate{})             // a refused caller learns nothing about limits or cost
	srv.Use(cfg.Limits.Extension()) // before complexity: an argument out of range is named as such
	srv.Use(newComplexityLimit(cfg.MaxComplexity, cfg.QueryCacheSize))

	if cfg.DirectViews {
		srv.AroundRootFields(graph.FastViews(resolver))
	}
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(recoverPanic(log))
	srv.AroundOperations(observeOperation)
	srv.AroundResponses(finishResponse)
	return loader.Middleware(st, cfg.LoaderWait, srv)
}

// errPanic marks an error made from a recovered panic (already logged with its stack).
var errPanic = errors.New("panic recovered")

func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in GraphQL execution", "panic", fmt.Sprint(v),
			"requestId", infoFrom(ctx).id, "stack", string(debug.Stack()))
		return fmt.Errorf("%w: %v", errPanic, v)
	}
}

// presentError gives every error an extensions.code (from fault.Code for resolver errors)
// and a message safe to show: internal, unavailable and timeout errors get a generic one
// and are logged in full instead. It never exposes a stack trace or a Neo4j message.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr == nil {
			return nil
		}
		ri := infoFrom(ctx)
		inner := gqlErr.Err
		if inner == nil { // raised by gqlgen or an extension: parse, validation, limits, APQ
			code, _ := gqlErr.Extensions["code"].(string)
			switch {
			case code == gqlgenComplexityCode:
				code = fault.CodeComplexityLimit
			case code == "":
				code = fault.CodeBadUserInput
			case code == "GRAPHQL_VALIDATION_FAILED" && badValue(gqlErr):
				// A value the caller sent does not fit its type (an Int beyond 32 bits, a
				// string for an enum): the input is wrong, not the document.
				code = fault.CodeBadUserInput
			}
			// gqlgen quotes an undecodable body in full; the caller has it already.
			if i := strings.Index(gqlErr.Message, " body:"); i > 0 && strings.HasPrefix(gqlErr.Message, "json request body could not be decoded") {
				gqlErr.Message = gqlErr.Message[:i]
			}
			setCode(gqlErr, code, ri.id)
			return gqlErr
		}
		code := fault.Code(inner)
		out := &gqlerror.Error{Message: gqlErr.Message, Path: gqlErr.Path, Locations: gqlErr.Locations}
		switch code {
		case fault.CodeNotFound, fault.CodeBadUserInput, fault.CodeComplexityLimit, fault.CodeConflict:
			// the message describes the caller's input; the sentinel's text adds nothing
			for _, s := range []error{fault.ErrNotFound, fault.ErrInvalidInput, fault.ErrComplexity, fault.ErrConflict} {
				out.Message = strings.TrimSuffix(out.Message, ": "+s.Error())
			}
		case fault.CodeUnavailable:
			out.Message, _ = fault.Message(inner)
			log.WarnContext(ctx, "graph database unavailable", "err", inner, "path", gqlErr.Path.String(), "requestId", ri.id)
		case fault.CodeTimeout:
			msg, _ := fault.Message(inner)
			out.Message = msg + " (REQUEST_TIMEOUT)"
			if errors.Is(ctx.Err(), context.Canceled) {
				// The client went away (closed the connection); nobody reads this answer.
				log.DebugContext(ctx, "request cancelled by the client", "err", inner, "path", gqlErr.Path.String(), "requestId", ri.id)
			} else {
				log.WarnContext(ctx, "request timed out", "err", inner, "path", gqlErr.Path.String(), "requestId", ri.id)
			}
		case fault.CodeInternal:
			out.Message = fault.InternalMessage + " (request " + ri.id + ")"
			if !errors.Is(inner, errPanic) {
				log.ErrorContext(ctx, "internal error", "err", inner, "path", gqlErr.Path.String(), "requestId", ri.id)
			}
		default:
			out.Message = http.StatusText(fault.HTTPStatus(inner))
		}
		setCode(out, code, ri.id)
		return out
	}
}

// badValue reports whether a validation error is about a value sent for an argument or a
// variable rather than about the document's shape.
func badValue(e *gqlerror.Error) bool {
	if e.Rule == "ValuesOfCorrectType" {
		return true
	}
	return len(e.Path) > 0 && e.Path[0] == ast.PathName("variable")
}

func setCode(e *gqlerror.Error, code, requestID string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
	if requestID != "" {
		e.Extensions["requestId"] = requestID
	}
}

// observeOperation records the operation's name for the log line and its count and latency
// for the metrics.
func observeOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	label := operationLabel(name)
	infoFrom(ctx).set(func(ri *requestInfo) { ri.operation = label })
	start := time.Now()
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil {
			return nil
		}
		outcome := "ok"
		if len(resp.Errors) > 0 {
			outcome = "error"
		}
		gqlOperations.WithLabelValues(label, outcome).Inc()
		gqlDuration.WithLabelValues(label).Observe(time.Since(start).Seconds())
		return resp
	}
}

// finishResponse counts the response's errors by code and, when the request asked with
// X-Debug-Trips: 1, reports its Cypher round trips in extensions.roundTrips.
func finishResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	ri := infoFrom(ctx)
	var codes []string
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		codes = append(codes, code)
		gqlErrors.WithLabelValues(code).Inc()
	}
	if len(codes) > 0 {
		ri.set(func(ri *requestInfo) { ri.errCodes = append(ri.errCodes, codes...) })
	}
	if ri.debugTrips {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["roundTrips"] = store.TripsOf(ctx)
	}
	return resp
}

// introspectionGate rejects __schema and __type before execution when introspection is
// switched off (GRAPHQL_INTROSPECTION=false); __typename stays allowed.
type introspectionGate struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionGate{}

func (introspectionGate) ExtensionName() string                   { return "IntrospectionGate" }
func (introspectionGate) Validate(graphql.ExecutableSchema) error { return nil }

func (introspectionGate) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !selectsIntrospection(oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	err := gqlerror.Errorf("introspection is disabled on this server (GRAPHQL_INTROSPECTION=false)")
	err.Extensions = map[string]any{"code": fault.CodeBadUserInput}
	return err
}

func selectsIntrospection(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if selectsIntrospection(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
