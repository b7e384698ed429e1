package main

import (
	"net/http"

	"github.com/policygraph/policygraph/explorer"
	"github.com/policygraph/policygraph/export"
	"github.com/policygraph/policygraph/store"
)

// mounts are the handlers served beside the GraphQL API.
func mounts(s *store.Store) map[string]http.Handler {
	return map[string]http.Handler{
		"/export":  export.Handler(s),
		"/explore": explorer.Handler(),
	}
}
