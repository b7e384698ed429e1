package fault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestTable(t *testing.T) {
	for _, tc := range []struct {
		err      error
		code     string
		status   int
		message  string
		withheld bool
	}{
		{fmt.Errorf("node x: %w", ErrNotFound), CodeNotFound, http.StatusNotFound, "", false},
		{fmt.Errorf("read: %w", ErrUnavailable), CodeUnavailable, http.StatusServiceUnavailable, "the graph database is unavailable; try again shortly", true},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), CodeTimeout, http.StatusGatewayTimeout, "the request ran out of time", true},
		{ErrTooLarge, CodeBadUserInput, http.StatusRequestEntityTooLarge, "", false},
		{ErrMethodNotAllowed, CodeBadUserInput, http.StatusMethodNotAllowed, "", false},
		{ErrRateLimited, CodeRateLimited, http.StatusTooManyRequests, "", false},
		{errors.New("neo4j: connection reset"), CodeInternal, http.StatusInternalServerError, InternalMessage, true},
	} {
		msg, withheld := Message(tc.err)
		if Code(tc.err) != tc.code || HTTPStatus(tc.err) != tc.status || msg != tc.message || withheld != tc.withheld {
			t.Errorf("%v: code %s status %d message %q %v; want %s %d %q %v", tc.err, Code(tc.err), HTTPStatus(tc.err), msg, withheld, tc.code, tc.status, tc.message, tc.withheld)
		}
	}
}
