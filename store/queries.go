package store

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Query is a named, parameterised Cypher statement. Every statement policygraph sends is a
// Query declared in this package with newQuery, so tests can EXPLAIN all of them.
type Query struct {
	Name   string
	Cypher string
	// Sample are parameters for EXPLAIN in tests (shapes only; values need not exist).
	Sample map[string]any
	// Write marks statements that change the graph.
	Write bool
}

var registry []Query

func newQuery(name, cypher string, sample map[string]any) Query {
	q := Query{Name: name, Cypher: cypher, Sample: sample}
	registry = append(registry, q)
	return q
}

func newWrite(name, cypher string, sample map[string]any) Query {
	q := Query{Name: name, Cypher: cypher, Sample: sample, Write: true}
	registry = append(registry, q)
	return q
}

// Queries returns every named query the store can send, for plan tests and docs.
func Queries() []Query { return append([]Query(nil), registry...) }

var qPing = newQuery("ping", `RETURN 1 AS ok`, nil)

var (
	queryCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "policygraph", Subsystem: "store", Name: "queries_total",
		Help: "Cypher round trips by named query.",
	}, []string{"query"})
	queryLatency = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "policygraph", Subsystem: "store", Name: "query_seconds",
		Help:    "Latency of read queries by named query and outcome.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"query", "outcome"})
)

func observeQuery(name string) { queryCount.WithLabelValues(name).Inc() }

func observeLatency(name string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	queryLatency.WithLabelValues(name, outcome).Observe(d.Seconds())
}
