package server

import (
	"regexp"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The server's Prometheus metrics, served at /metrics with the store's and the Go runtime's.
var (
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "policygraph", Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "status"})
	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "policygraph", Subsystem: "http", Name: "request_seconds",
		Help:    "HTTP request latency by route and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	httpInFlight = promauto.NewGauge(prometheus.GaugeOpts{
		Namespace: "policygraph", Subsystem: "http", Name: "in_flight_requests",
		Help: "HTTP requests being served.",
	})
	gqlOperations = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "policygraph", Subsystem: "graphql", Name: "operations_total",
		Help: "GraphQL operations by operation name and outcome (ok, error).",
	}, []string{"operation", "outcome"})
	gqlDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "policygraph", Subsystem: "graphql", Name: "operation_seconds",
		Help:    "GraphQL operation latency by operation name.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"operation"})
	gqlErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "policygraph", Subsystem: "graphql", Name: "errors_total",
		Help: "GraphQL errors by extensions.code.",
	}, []string{"code"})
	rateLimited = promauto.NewCounter(prometheus.CounterOpts{
		Namespace: "policygraph", Subsystem: "http", Name: "rate_limited_total",
		Help: "Requests refused with 429 by the per-client rate limit.",
	})
	authFailures = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "policygraph", Subsystem: "auth", Name: "failures_total",
		Help: "Requests refused for their credential: invalid, missing, unauthenticated, forbidden.",
	}, []string{"reason"})
	gqlRoundTrips = promauto.NewHistogram(prometheus.HistogramOpts{
		Namespace: "policygraph", Subsystem: "graphql", Name: "round_trips",
		Help:    "Cypher round trips per GraphQL request.",
		Buckets: []float64{0, 1, 2, 3, 5, 8, 13, 21, 34},
	})
)

// operationLabels bounds the operation label: client-chosen names beyond maxOperationLabels
// distinct ones, or not identifier-like, are counted as "other".
var operationLabels = struct {
	sync.Mutex
	seen map[string]bool
}{seen: map[string]bool{}}

const maxOperationLabels = 200

var opNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !opNameRE.MatchString(name) {
		return "other"
	}
	operationLabels.Lock()
	defer operationLabels.Unlock()
	if operationLabels.seen[name] {
		return name
	}
	if len(operationLabels.seen) >= maxOperationLabels {
		return "other"
	}
	operationLabels.seen[name] = true
	return name
}
