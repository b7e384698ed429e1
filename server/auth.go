package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/store"
)

// APIKeyHeader carries a static API key; `Authorization: Bearer KEY` works as well.
const APIKeyHeader = "X-API-Key"

// credential returns the bearer credential of r: the Authorization header's Bearer token or
// the X-API-Key header. present is true when the request carries either header, even with
// an unusable value (which Verify then refuses).
func credential(r *http.Request) (cred string, present bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(strings.TrimSpace(h), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return "", true
		}
		return strings.TrimSpace(tok), true
	}
	if k := r.Header.Get(APIKeyHeader); k != "" {
		return strings.TrimSpace(k), true
	}
	return "", false
}

// authenticate resolves the caller of every request to a Principal in the request context.
// A credential that is present but does not verify is refused with 401 UNAUTHENTICATED; a
// request without one is anonymous, or refused with 401 when reads need a token. The
// credential itself is never logged: log lines carry the principal's subject only.
func authenticate(v *auth.Verifier, readsNeedToken bool, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		cred, present := credential(r)
		var p auth.Principal
		switch {
		case present:
			var err error
			if cred == "" {
				err = errors.New("send the credential as Authorization: Bearer TOKEN or " + APIKeyHeader)
			} else {
				p, err = v.Verify(cred)
			}
			if err != nil {
				authFailures.WithLabelValues("invalid").Inc()
				log.InfoContext(r.Context(), "credential refused", "reason", err.Error(), "requestId", infoFrom(r.Context()).id)
				w.Header().Set("WWW-Authenticate", `Bearer realm="policygraph", error="invalid_token"`)
				writeGraphQLError(w, fault.ErrUnauthorized, publicAuthMessage(err))
				return
			}
		case readsNeedToken:
			authFailures.WithLabelValues("missing").Inc()
			w.Header().Set("WWW-Authenticate", `Bearer realm="policygraph"`)
			writeGraphQLError(w, fault.ErrUnauthorized,
				"this server needs a bearer token or API key for every request (AUTH_READS=token)")
			return
		}
		ri := infoFrom(r.Context())
		ri.set(func(ri *requestInfo) { ri.subject = p.Subject })
		ctx := auth.WithPrincipal(r.Context(), p)
		ctx = store.WithActor(ctx, store.Actor{Name: p.Subject, Role: string(p.Role), RequestID: ri.id})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// publicAuthMessage is err's message without the sentinel's text; auth errors never quote the
// credential, so the rest is safe to return.
func publicAuthMessage(err error) string {
	return strings.TrimSuffix(err.Error(), ": "+fault.ErrUnauthorized.Error())
}

// RoleDirective is the schema directive that marks fields needing a role:
// `@requiresRole(role: EDITOR)`.
const RoleDirective = "requiresRole"

// authGate refuses, before execution, an operation whose caller may not run it: a mutation,
// or a root field marked @requiresRole, without a credential (401 UNAUTHENTICATED) or with a
// role too low (403 FORBIDDEN). The generated directive checks the same on each field; the
// gate gives the answer its HTTP status and keeps a refused mutation from running any part.
type authGate struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = authGate{}

func (authGate) ExtensionName() string                   { return "AuthGate" }
func (authGate) Validate(graphql.ExecutableSchema) error { return nil }

func (authGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	need := auth.RoleNone
	if oc.Operation.Operation == ast.Mutation {
		need = auth.RoleEditor
	}
	for _, f := range rootFields(oc.Operation.SelectionSet, map[string]bool{}) {
		if r := requiredRole(f); r.AtLeast(need) {
			need = r
		}
	}
	if need == auth.RoleNone {
		return nil
	}
	err := auth.Require(ctx, need)
	if err == nil {
		return nil
	}
	code, status := fault.Code(err), fault.HTTPStatus(err)
	infoFrom(ctx).set(func(ri *requestInfo) { ri.status = status })
	authFailures.WithLabelValues(strings.ToLower(code)).Inc()
	gqlErr := gqlerror.Errorf("%s", strings.TrimSuffix(strings.TrimSuffix(err.Error(), ": "+fault.ErrUnauthorized.Error()), ": "+fault.ErrForbidden.Error()))
	gqlErr.Extensions = map[string]any{"code": code}
	return gqlErr
}

// rootFields returns the fields of an operation's top level, fragments expanded.
func rootFields(set ast.SelectionSet, seen map[string]bool) []*ast.Field {
	var out []*ast.Field
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = append(out, rootFields(s.SelectionSet, seen)...)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, rootFields(s.Definition.SelectionSet, seen)...)
			}
		}
	}
	return out
}

// requiredRole reads @requiresRole(role: X) on a field's definition.
func requiredRole(f *ast.Field) auth.Role {
	if f.Definition == nil {
		return auth.RoleNone
	}
	d := f.Definition.Directives.ForName(RoleDirective)
	if d == nil {
		return auth.RoleNone
	}
	a := d.Arguments.ForName("role")
	if a == nil || a.Value == nil {
		return auth.RoleAdmin // a malformed directive guards the most
	}
	r, ok := auth.ParseRole(a.Value.Raw)
	if !ok {
		return auth.RoleAdmin
	}
	return r
}
