package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeResponseTooLarge is the code of an answer over MAX_RESPONSE_BYTES.
const CodeResponseTooLarge = "RESPONSE_TOO_LARGE"

// capResponse replaces an answer whose data exceeds limit bytes by one error that says how
// large it was and what to ask for instead, so that no client gets (and no server sends) a
// 50 MB answer. The complexity limit refuses most such operations before they run; this
// bounds what its estimates miss (long texts, many properties).
func capResponse(limit int64) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil || int64(len(resp.Data)) <= limit {
			return resp
		}
		err := &gqlerror.Error{Message: fmt.Sprintf(
			"the answer is %d bytes, over the limit of %d (MAX_RESPONSE_BYTES): ask for fewer aliases, fields or items (first, limit, maxHops)",
			len(resp.Data), limit)}
		setCode(err, CodeResponseTooLarge, infoFrom(ctx).id)
		resp.Data = nil
		resp.Errors = append(gqlerror.List{err}, resp.Errors...)
		return resp
	}
}
