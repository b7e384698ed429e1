package bench

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The HTTP floor is the floor behind plain HTTP and JSON: a server that takes the shape and
// its arguments in a POST body, sends the floor's statements and writes every record back
// as a JSON array of its values. It has no GraphQL (no parsing, validation, resolvers or
// field selection) and no mapping of records, so it is the least that any HTTP API sending
// the same Cypher could cost; policygraph's overhead over it is what GraphQL and the API's
// own work add, and its overhead over the floor is what the transport alone adds.

// httpFloorRequest is the body the HTTP floor takes.
type httpFloorRequest struct {
	Shape Shape `json:"shape"`
	Args  Args  `json:"args"`
}

// HTTPFloorHandler serves floor over HTTP: POST {"shape": S, "args": {…}} answers
// {"rows": [[v, …], …]} with the records of a one-statement shape, or {"rows": N} with the
// rows a walk found (the walks decode nothing either, as in the floor). A failure answers
// 500 with {"errors": [{"message": …}]}, as a GraphQL server would.
func HTTPFloorHandler(floor *FloorTarget) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req httpFloorRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			httpFloorError(w, http.StatusBadRequest, fmt.Errorf("request body: %w", err))
			return
		}
		var rows [][]any
		collect := func(rec *neo4j.Record) error { rows = append(rows, rec.Values); return nil }
		if req.Shape == ShapePolicies || req.Shape == ShapeEnterprises || req.Shape == ShapeLineage {
			collect = nil
		}
		n, err := floor.run(r.Context(), req.Shape, req.Args, collect)
		if err != nil {
			httpFloorError(w, http.StatusInternalServerError, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if collect == nil {
			_ = json.NewEncoder(w).Encode(map[string]any{"rows": n})
		} else {
			_ = json.NewEncoder(w).Encode(map[string]any{"rows": rows})
		}
	})
}

// HTTPFloorServer routes POST /q to HTTPFloorHandler and answers GET /healthz.
func HTTPFloorServer(floor *FloorTarget) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /q", HTTPFloorHandler(floor))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return mux
}

func httpFloorError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": err.Error()}}})
}

// NewHTTPFloorTarget returns the target for the HTTP floor at url.
func NewHTTPFloorTarget(url string) *HTTPTarget {
	return &HTTPTarget{name: "http-floor", url: url, client: httpClient(), body: func(s Shape, a Args) any {
		return httpFloorRequest{Shape: s, Args: a}
	}}
}
