// Package fault defines the kinds of failure policygraph reports across its layers and the
// one table that maps each to a GraphQL extensions.code and an HTTP status. Lower layers wrap
// a sentinel with %w and context; the transport layers look the code up with Code.
package fault

import (
	"context"
	"errors"
	"net/http"
)

// Sentinel errors. Wrap them: fmt.Errorf("node %q: %w", id, fault.ErrNotFound).
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalidInput = errors.New("invalid input")
	ErrUnavailable  = errors.New("graph database unavailable")
	ErrTimeout      = errors.New("request timed out")
	ErrComplexity   = errors.New("query too complex")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrConflict     = errors.New("conflict")
	ErrRateLimited  = errors.New("rate limited")
	// ErrTooLarge: a request body over the server's limit (BAD_USER_INPUT, HTTP 413).
	ErrTooLarge = errors.New("request too large")
	// ErrMethodNotAllowed: a request sent with the wrong HTTP method (BAD_USER_INPUT, HTTP 405).
	ErrMethodNotAllowed = errors.New("method not allowed")
)

// Codes as sent in GraphQL extensions.code.
const (
	CodeNotFound        = "NOT_FOUND"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnavailable     = "UNAVAILABLE"
	CodeTimeout         = "TIMEOUT"
	CodeComplexityLimit = "COMPLEXITY_LIMIT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeConflict        = "CONFLICT"
	CodeRateLimited     = "RATE_LIMITED"
	CodeInternal        = "INTERNAL"
)

// table maps each kind to its code, its HTTP status and its public message: the text an
// answer shows instead of the error's own when that text is withheld (it may name Neo4j, a
// host or a query); "" means the error's text describes the caller's request and is shown.
var table = []struct {
	err     error
	code    string
	status  int
	message string
}{
	{ErrNotFound, CodeNotFound, http.StatusNotFound, ""},
	{ErrInvalidInput, CodeBadUserInput, http.StatusBadRequest, ""},
	{ErrUnavailable, CodeUnavailable, http.StatusServiceUnavailable, unavailableMessage},
	{ErrTimeout, CodeTimeout, http.StatusGatewayTimeout, timeoutMessage},
	{context.DeadlineExceeded, CodeTimeout, http.StatusGatewayTimeout, timeoutMessage},
	{ErrComplexity, CodeComplexityLimit, http.StatusBadRequest, ""},
	{ErrUnauthorized, CodeUnauthenticated, http.StatusUnauthorized, ""},
	{ErrForbidden, CodeForbidden, http.StatusForbidden, ""},
	{ErrConflict, CodeConflict, http.StatusConflict, ""},
	{ErrRateLimited, CodeRateLimited, http.StatusTooManyRequests, ""},
	{ErrTooLarge, CodeBadUserInput, http.StatusRequestEntityTooLarge, ""},
	{ErrMethodNotAllowed, CodeBadUserInput, http.StatusMethodNotAllowed, ""},
}

const (
	unavailableMessage = "the graph database is unavailable; try again shortly"
	timeoutMessage     = "the request ran out of time"
	// InternalMessage is the public message of an error of no kind (CodeInternal).
	InternalMessage = "internal error"
)

// Message returns the public message of err's kind and true when err's own text must not be
// shown (unavailable, timeout, internal), or "" and false when it may.
func Message(err error) (string, bool) {
	for _, t := range table {
		if errors.Is(err, t.err) {
			return t.message, t.message != ""
		}
	}
	return InternalMessage, true
}

func Code(err error) string {
	for _, t := range table {
		if errors.Is(err, t.err) {
			return t.code
		}
	}
	return CodeInternal
}

// HTTPStatus returns the HTTP status for err, 500 when err wraps no known sentinel.
func HTTPStatus(err error) int {
	for _, t := range table {
		if errors.Is(err, t.err) {
			return t.status
		}
	}
	return http.StatusInternalServerError
}

// Public reports whether err's message may be shown to a client as is: it wraps a known
// sentinel. Other errors are internal and are replaced by a generic message.
func Public(err error) bool { return Code(err) != CodeInternal }
