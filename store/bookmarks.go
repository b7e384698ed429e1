package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
)

// Read-your-writes across API replicas. A write session's bookmark names the transaction it
// committed; a session opened with that bookmark waits until its Neo4j server has that
// transaction before it runs anything. The API hands the bookmark of each mutation to the
// caller (server: X-Neo4j-Bookmark), and a request that sends it back, to any replica, has its
// sessions opened with it. The store takes both from the context, so no query signature names
// them.

// MaxBookmarks and MaxBookmarkBytes bound what a caller may send: Neo4j 5 bookmarks are a few
// dozen bytes, and one request needs one per database it wrote to.
const (
	MaxBookmarks     = 16
	MaxBookmarkBytes = 512
)

type bookmarksKey struct{}

type bookmarkSinkKey struct{}

// bookmarkSink collects the bookmarks of the writes made under one context.
type bookmarkSink struct {
	mu   sync.Mutex
	list []string
}

// WithBookmarks returns ctx whose sessions start after the transactions the bookmarks name.
// Each bookmark must be 1–MaxBookmarkBytes of printable ASCII without spaces or commas, and
// there may be at most MaxBookmarks; otherwise the error wraps fault.ErrInvalidInput.
func WithBookmarks(ctx context.Context, bookmarks []string) (context.Context, error) {
	if len(bookmarks) == 0 {
		return ctx, nil
	}
	if len(bookmarks) > MaxBookmarks {
		return ctx, fmt.Errorf("%d bookmarks, at most %d: %w", len(bookmarks), MaxBookmarks, fault.ErrInvalidInput)
	}
	for i, b := range bookmarks {
		if err := checkBookmark(b); err != nil {
			return ctx, fmt.Errorf("bookmark %d: %w", i+1, err)
		}
	}
	return context.WithValue(ctx, bookmarksKey{}, slices.Clone(bookmarks)), nil
}

func checkBookmark(b string) error {
	if b == "" || len(b) > MaxBookmarkBytes {
		return fmt.Errorf("length %d, want 1–%d bytes: %w", len(b), MaxBookmarkBytes, fault.ErrInvalidInput)
	}
	for i := 0; i < len(b); i++ {
		if c := b[i]; c <= ' ' || c > '~' || c == ',' {
			return fmt.Errorf("byte %d (%q) is not printable ASCII other than a comma: %w", i+1, c, fault.ErrInvalidInput)
		}
	}
	return nil
}

// WithBookmarkSink returns ctx under which every committed write records its bookmark; read
// them with BookmarksOf.
func WithBookmarkSink(ctx context.Context) context.Context {
	return context.WithValue(ctx, bookmarkSinkKey{}, &bookmarkSink{})
}

// BookmarksOf returns the bookmarks of the writes committed under ctx (WithBookmarkSink), in
// commit order without repeats, or nil.
func BookmarksOf(ctx context.Context) []string {
	s, ok := ctx.Value(bookmarkSinkKey{}).(*bookmarkSink)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

// sessionConfig is the configuration of every data session: the database, the access mode
// and the caller's bookmarks.
func (s *Store) sessionConfig(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionConfig {
	cfg := neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode}
	if bm, ok := ctx.Value(bookmarksKey{}).([]string); ok {
		cfg.Bookmarks = neo4j.BookmarksFromRawValues(bm...)
	}
	return cfg
}

// keepBookmarks records the bookmarks of a write session that committed.
func keepBookmarks(ctx context.Context, sess neo4j.SessionWithContext) {
	s, ok := ctx.Value(bookmarkSinkKey{}).(*bookmarkSink)
	if !ok {
		return
	}
	bm := neo4j.BookmarksToRawValues(sess.LastBookmarks())
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range bm {
		if b == "" || slices.Contains(s.list, b) {
			continue
		}
		if len(s.list) == MaxBookmarks { // a later bookmark of a database covers the earlier
			s.list = s.list[1:]
		}
		s.list = append(s.list, b)
	}
}

// isBookmarkError reports a bookmark Neo4j does not know (malformed, or of another database).
func isBookmarkError(code string) bool {
	return strings.Contains(code, "InvalidBookmark")
}
