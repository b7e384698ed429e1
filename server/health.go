package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/policygraph/policygraph/fault"
)

// healthz says the process is alive; it never touches the database.
func healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
}

// readyz says whether the server can answer queries: 200 when the database answers a ping
// within timeout, else 503 with the reason's code and a short public message (details go
// to the log). The driver reconnects by itself, so readiness returns when Neo4j does.
func readyz(st Store, timeout time.Duration, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		start := time.Now()
		err := st.Ping(ctx)
		if err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "database": "ok", "ms": time.Since(start).Milliseconds()})
			return
		}
		code := fault.Code(err)
		if ctx.Err() != nil {
			code = fault.CodeTimeout
		}
		reason := "the graph database does not answer"
		if code == fault.CodeTimeout {
			reason = "the graph database did not answer within " + timeout.String()
		}
		log.WarnContext(r.Context(), "not ready", "err", err, "code", code)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "code": code, "reason": reason})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
