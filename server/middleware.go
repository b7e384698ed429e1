package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/store"
)

// requestInfo collects what the request log line reports; handlers deeper in the chain fill
// it in. It is reached through the request context.
type requestInfo struct {
	id         string
	debugTrips bool

	mu        sync.Mutex
	route     string
	operation string
	trips     int64
	errCodes  []string
	subject   string // the authenticated caller (never the credential)
	status    int    // HTTP status the auth gate chose for a refused operation
}

func (ri *requestInfo) set(f func(*requestInfo)) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	f(ri)
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{} // detached: writes go nowhere
}

// DebugTripsHeader asks the server to report the request's Cypher round trips in the
// response's extensions.roundTrips.
const DebugTripsHeader = "X-Debug-Trips"

// RequestIDHeader carries the request id; a well-formed incoming one is kept, else one is
// made. Errors and log lines carry it.
const RequestIDHeader = "X-Request-ID"

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives each request its requestInfo and writes one log line when it is done:
// method, path (never the query string or headers), route, status, duration, operation,
// round trips. Probes and scrapes log at debug level.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !requestIDRE.MatchString(id) {
			id = newRequestID()
		}
		ri := &requestInfo{id: id, debugTrips: r.Header.Get(DebugTripsHeader) == "1"}
		w.Header().Set(RequestIDHeader, id)
		sw := &statusWriter{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), requestInfoKey{}, ri)
		next.ServeHTTP(sw, r.WithContext(ctx))

		ri.mu.Lock()
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", ri.route),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("requestId", id),
		}
		if ri.operation != "" {
			attrs = append(attrs, slog.String("op", ri.operation), slog.Int64("trips", ri.trips))
		}
		if len(ri.errCodes) > 0 {
			attrs = append(attrs, slog.String("errors", strings.Join(ri.errCodes, ",")))
		}
		if ri.subject != "" {
			attrs = append(attrs, slog.String("subject", ri.subject))
		}
		ri.mu.Unlock()
		level := slog.LevelInfo
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			level = slog.LevelDebug
		}
		log.LogAttrs(ctx, level, "http request", attrs...)
	})
}

// instrument counts and times requests of one route.
func instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		infoFrom(r.Context()).set(func(ri *requestInfo) { ri.route = route })
		httpInFlight.Inc()
		defer httpInFlight.Dec()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		httpRequests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
		httpDuration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}

// graphqlRequest prepares a /graphql request: a size-limited body, the request timeout, a
// Cypher round-trip counter, and the status and body adjustments of graphqlWriter.
func graphqlRequest(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > cfg.MaxBodyBytes {
			writeGraphQLError(w, fault.ErrTooLarge,
				fmt.Sprintf("request body of %d bytes exceeds the limit of %d (MAX_BODY_BYTES)", r.ContentLength, cfg.MaxBodyBytes))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes)
		}
		ctx, cancel := context.WithTimeout(r.Context(), cfg.RequestTimeout)
		defer cancel()
		ctx = store.WithTripCounter(ctx)
		gw := &graphqlWriter{ResponseWriter: w, ri: infoFrom(ctx), get: r.Method == http.MethodGet}
		next.ServeHTTP(gw, r.WithContext(ctx))
		gw.finish()
		trips := store.TripsOf(ctx)
		infoFrom(ctx).set(func(ri *requestInfo) { ri.trips = trips })
		gqlRoundTrips.Observe(float64(trips))
	})
}

// writeGraphQLError answers with a GraphQL-shaped error outside of gqlgen: the HTTP status
// and extensions.code of kind's row of the fault table, and msg.
func writeGraphQLError(w http.ResponseWriter, kind error, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(fault.HTTPStatus(kind))
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": fault.Code(kind)}}},
	})
}

// cors answers preflights and sets Access-Control-* headers for allowed origins. With no
// origins configured it does nothing.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	anyOrigin := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !(anyOrigin || slices.Contains(origins, strings.TrimRight(origin, "/"))) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		if anyOrigin {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Set("Access-Control-Expose-Headers", RequestIDHeader)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, "+APIKeyHeader+", "+DebugTripsHeader+", "+RequestIDHeader+", Apollo-Require-Preflight")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
