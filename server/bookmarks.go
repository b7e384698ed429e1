package server

import (
	"net/http"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/store"
)

// BookmarkHeader carries Neo4j bookmarks both ways: a response to a request that committed a
// write names the transactions it committed; a request that sends them back (to this API
// process or to any other on the same database) reads only after those transactions, so a
// client behind a load balancer reads its own writes. Several bookmarks are separated by
// commas (or sent as several header lines).
const BookmarkHeader = "X-Neo4j-Bookmark"

// bookmarkExtension is the response extension that repeats the header's value as a list.
const bookmarkExtension = "neo4jBookmarks"

// withBookmarks puts the caller's bookmarks into the request's context and collects those of
// the writes the request commits. It answers 400 BAD_USER_INPUT for a malformed header.
func withBookmarks(w http.ResponseWriter, r *http.Request) (*http.Request, http.ResponseWriter, bool) {
	var sent []string
	for _, line := range r.Header.Values(BookmarkHeader) {
		for _, b := range strings.Split(line, ",") {
			if b = strings.TrimSpace(b); b != "" {
				sent = append(sent, b)
			}
		}
	}
	ctx, err := store.WithBookmarks(r.Context(), sent)
	if err != nil {
		writeGraphQLError(w, fault.ErrInvalidInput, BookmarkHeader+": "+strings.TrimSuffix(err.Error(), ": "+fault.ErrInvalidInput.Error()))
		return r, w, false
	}
	ctx = store.WithBookmarkSink(ctx)
	return r.WithContext(ctx), &bookmarkWriter{ResponseWriter: w, r: r.WithContext(ctx)}, true
}

// bookmarkWriter sets BookmarkHeader when the response starts: gqlgen writes the answer after
// the operation ran, so every write of the request has committed by then.
type bookmarkWriter struct {
	http.ResponseWriter
	r    *http.Request
	sent bool
}

func (w *bookmarkWriter) start() {
	if w.sent {
		return
	}
	w.sent = true
	if bm := store.BookmarksOf(w.r.Context()); len(bm) > 0 {
		w.Header().Set(BookmarkHeader, strings.Join(bm, ","))
	}
}

func (w *bookmarkWriter) WriteHeader(code int) {
	w.start()
	w.ResponseWriter.WriteHeader(code)
}

func (w *bookmarkWriter) Write(b []byte) (int, error) {
	w.start()
	return w.ResponseWriter.Write(b)
}

func (w *bookmarkWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
