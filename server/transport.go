package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/policygraph/policygraph/fault"
)

// This file adjusts gqlgen's HTTP answers to the GraphQL-over-HTTP specification (checked by
// the graphql-http audit in conformance/) and to policygraph's auth statuses:
//
//   - application/json: a request error (parse, validation, variable coercion) is 200, as the
//     spec's legacy media type asks, and a request without a document 400; gqlgen answers 422.
//   - application/graphql-response+json: a request error is 4xx and carries no "data" entry;
//     gqlgen writes "data": null.
//   - an operation refused by the auth gate is 401 or 403 whatever the media type.
//   - a mutation (or subscription) sent with GET is 405 with Allow: POST; gqlgen answers 406.

const mediaGraphQLResponse = "application/graphql-response+json"

// graphqlWriter applies the rules above to one /graphql response.
type graphqlWriter struct {
	http.ResponseWriter
	ri          *requestInfo
	get         bool
	wroteHeader bool
	status      int
	buf         *bytes.Buffer // error body held until finish
	noDocument  bool          // an application/json request error: 400 if it names no document
}

func (w *graphqlWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	ct := w.Header().Get("Content-Type")
	w.ri.mu.Lock()
	authStatus := w.ri.status
	w.ri.mu.Unlock()
	switch {
	case authStatus != 0:
		code = authStatus
		if code == http.StatusUnauthorized {
			// RFC 6750: a 401 names the scheme the caller should use.
			w.Header().Set("WWW-Authenticate", `Bearer realm="policygraph"`)
		}
	case w.get && code == http.StatusNotAcceptable:
		code = http.StatusMethodNotAllowed
		w.Header().Set("Allow", http.MethodPost)
	case code == http.StatusUnprocessableEntity && strings.HasPrefix(ct, "application/json"):
		// A document that does not parse or validate is 200; a request without any
		// document is invalid parameters, 400 (decided in finish, from the body).
		w.status, w.buf, w.noDocument = http.StatusOK, &bytes.Buffer{}, true
		return
	}
	w.status = code
	if code >= 400 && strings.HasPrefix(ct, mediaGraphQLResponse) {
		w.buf = &bytes.Buffer{}
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *graphqlWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.buf != nil {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *graphqlWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish sends a held error body without its "data" entry.
func (w *graphqlWriter) finish() {
	if w.buf == nil {
		return
	}
	body := w.buf.Bytes()
	if w.noDocument {
		if bytes.Contains(body, []byte(`"no operation provided"`)) {
			w.status = http.StatusBadRequest
		}
		w.ResponseWriter.WriteHeader(w.status)
		_, _ = w.ResponseWriter.Write(body)
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err == nil {
		if _, ok := m["data"]; ok {
			delete(m, "data")
			if b, err := json.Marshal(m); err == nil {
				body = append(b, '\n')
			}
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(body)
}

// refuseGetMutation answers 405 with Allow: POST when a GET request asks for a mutation or a
// subscription, before the request is authenticated or parsed by gqlgen. It reports whether
// it answered. Documents that do not parse are left to gqlgen, which reports the parse error.
func refuseGetMutation(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	q := r.URL.Query()
	src := q.Get("query")
	if src == "" {
		return false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: src})
	if err != nil {
		return false
	}
	op := doc.Operations.ForName(q.Get("operationName"))
	if op == nil && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	if op == nil || op.Operation == ast.Query {
		return false
	}
	w.Header().Set("Allow", http.MethodPost)
	writeGraphQLError(w, fault.ErrMethodNotAllowed,
		"a "+string(op.Operation)+" must be sent with POST; GET serves queries only")
	return true
}
