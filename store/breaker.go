package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
)

// Failing fast. When a query finds Neo4j unreachable (the driver gave up with connection
// errors), the store opens a circuit: every query fails at once with fault.ErrUnavailable
// instead of each waiting out the driver's connection and retry timeouts, and one background
// probe pings Neo4j every ProbeInterval. The first answer closes the circuit, so service
// resumes within about ProbeInterval of Neo4j's return. Only lost connections open it — not
// query errors, timeouts or the transient conflicts the driver retries.

// ProbeInterval is how often the background probe pings an unreachable Neo4j.
const ProbeInterval = 250 * time.Millisecond

// breaker is the circuit; the zero value is closed.
type breaker struct {
	open    atomic.Bool
	probing atomic.Bool // a probe goroutine runs
}

var errFailFast = fmt.Errorf("the graph database cannot be reached (failing fast until it answers again): %w", fault.ErrUnavailable)

// allow returns errFailFast while the circuit is open.
func (b *breaker) allow() error {
	if b.open.Load() {
		return errFailFast
	}
	return nil
}

// observe opens the circuit when err (a driver error) means Neo4j could not be reached, and
// starts the probe that closes it again. An error after ctx ended (the request timeout, or a
// client that went away) never opens it: the driver drops the connection it was reading on
// and reports a connectivity error, but the database was reachable all along.
func (s *Store) observe(ctx context.Context, err error) {
	if err == nil || ctx.Err() != nil || !lostConnection(err) {
		return
	}
	if !s.cb.open.Swap(true) {
		s.log.Warn("graph database unreachable: failing fast until it answers", "err", err)
	}
	if s.cb.probing.CompareAndSwap(false, true) {
		go s.probe()
	}
}

// probe pings Neo4j (past the circuit) until it answers, then closes the circuit. It ends
// when the store is closed.
func (s *Store) probe() {
	defer s.cb.probing.Store(false)
	for !s.closed.Load() {
		time.Sleep(ProbeInterval)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead})
		_, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, qPing.Cypher, nil)
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		sess.Close(ctx)
		cancel()
		if err == nil {
			s.cb.open.Store(false)
			s.log.Info("graph database answers again")
			return
		}
	}
}

// lostConnection reports whether err means the database could not be reached (rather than
// that it answered with an error).
func lostConnection(err error) bool {
	var cerr *neo4j.ConnectivityError
	if errors.As(err, &cerr) {
		return true
	}
	msg := err.Error()
	if neo4j.IsTransactionExecutionLimit(err) {
		return strings.Contains(msg, "onnect") || strings.Contains(msg, "EOF")
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) {
		return strings.Contains(nerr.Code, "DatabaseUnavailable")
	}
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "EOF") || strings.Contains(msg, "connect:")
}
