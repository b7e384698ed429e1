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

var table = []struct {
	err    error
	code   string
	status int
}{
	{ErrNotFound, CodeNotFound, http.StatusNotFound},
	{ErrInvalidInput, CodeBadUserInput, http.StatusBadRequest},
	{ErrUnavailable, CodeUnavailable, http.StatusServiceUnavailable},
	{ErrTimeout, CodeTimeout, http.StatusGatewayTimeout},
	{context.DeadlineExceeded, CodeTimeout, http.StatusGatewayTimeout},
	{ErrComplexity, CodeComplexityLimit, http.StatusBadRequest},
	{ErrUnauthorized, CodeUnauthenticated, http.StatusUnauthorized},
	{ErrForbidden, CodeForbidden, http.StatusForbidden},
	{ErrConflict, CodeConflict, http.StatusConflict},
	{ErrRateLimited, CodeRateLimited, http.StatusTooManyRequests},
}

// Code returns the GraphQL error code for err, CodeInternal when err wraps no known sentinel.
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
