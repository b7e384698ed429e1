// Package store is the only package that talks to Neo4j. It owns the driver, the schema
// migrations and every Cypher query (named, parameterised, in queries*.go), and maps driver
// failures onto the fault sentinels. Reads run in managed read transactions (routing-ready
// for a neo4j:// cluster), writes in managed write transactions, always on the configured
// database.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/policygraph/policygraph/fault"
)

// Config says how to reach Neo4j.
type Config struct {
	URI      string // bolt://, neo4j://, bolt+s:// …
	User     string
	Password string
	Database string // default "neo4j"
	// MaxRetryTime bounds the driver's retries of a managed transaction; keep it short so a
	// down database fails requests fast. Default 2s.
	MaxRetryTime time.Duration
	// ConnectTimeout bounds connection set-up and acquisition. Default 2s.
	ConnectTimeout time.Duration
	// PoolSize is the driver's connection pool size. Default 64.
	PoolSize int
	// MaxWalks bounds the support walks running at once (each may hold tens of thousands
	// of rows and visited nodes on a large graph); more wait their turn within their
	// request's deadline. Default 4.
	MaxWalks int
}

func (c *Config) defaults() {
	if c.Database == "" {
		c.Database = "neo4j"
	}
	if c.User == "" {
		c.User = "neo4j"
	}
	if c.MaxRetryTime == 0 {
		c.MaxRetryTime = 2 * time.Second
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = 2 * time.Second
	}
	if c.PoolSize == 0 {
		c.PoolSize = 64
	}
	if c.MaxWalks == 0 {
		c.MaxWalks = 4
	}
}

// Store runs policygraph's named queries against one Neo4j database. It is safe for
// concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	walks  chan struct{} // slots of the support walks running at once (Config.MaxWalks)
	log    *slog.Logger
	trips  atomic.Int64 // round trips since start, for metrics
	cb     breaker      // fails queries fast while Neo4j is unreachable (breaker.go)
	closed atomic.Bool  // Close was called: the breaker's probe stops
}

// Open connects to Neo4j and verifies that the server answers with the given credentials.
// The error says plainly what is wrong: unreachable address, wrong password, bad URI.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	cfg.defaults()
	if log == nil {
		log = slog.Default()
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""),
		func(c *config.Config) {
			c.MaxTransactionRetryTime = cfg.MaxRetryTime
			c.ConnectionAcquisitionTimeout = cfg.ConnectTimeout
			c.SocketConnectTimeout = cfg.ConnectTimeout
			c.MaxConnectionPoolSize = cfg.PoolSize
			c.ConnectionLivenessCheckTimeout = 30 * time.Second
		})
	if err != nil {
		return nil, fmt.Errorf("neo4j URI %q: %w: %v", cfg.URI, fault.ErrInvalidInput, err)
	}
	s := &Store{driver: driver, db: cfg.Database, log: log, walks: make(chan struct{}, cfg.MaxWalks)}
	vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := driver.VerifyConnectivity(vctx); err != nil {
		_ = driver.Close(ctx)
		return nil, describeConnectError(cfg, err)
	}
	if err := s.Ping(vctx); err != nil {
		_ = driver.Close(ctx)
		return nil, describeConnectError(cfg, err)
	}
	return s, nil
}

func describeConnectError(cfg Config, err error) error {
	var nerr *neo4j.Neo4jError
	switch {
	case errors.As(err, &nerr) && strings.Contains(nerr.Code, "Security.Unauthorized"):
		return fmt.Errorf("neo4j at %s rejected user %q: wrong password? (set NEO4J_PASSWORD): %w", cfg.URI, cfg.User, fault.ErrUnauthorized)
	case errors.As(err, &nerr) && strings.Contains(nerr.Code, "Database") && strings.Contains(nerr.Code, "NotFound"):
		return fmt.Errorf("neo4j at %s has no database %q (set NEO4J_DATABASE): %w", cfg.URI, cfg.Database, fault.ErrInvalidInput)
	case errors.As(err, &nerr):
		return fmt.Errorf("neo4j at %s: %s: %w", cfg.URI, nerr.Msg, fault.ErrUnavailable)
	}
	return fmt.Errorf("cannot reach neo4j at %s (is it running? set NEO4J_URI, or unset it to start a local one): %w: %v", cfg.URI, fault.ErrUnavailable, err)
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error {
	s.closed.Store(true)
	return s.driver.Close(ctx)
}

// Database returns the name of the database every query runs on.
func (s *Store) Database() string { return s.db }

// RoundTrips returns the number of queries sent since the store was opened.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// Ping runs RETURN 1 on the configured database.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.read(ctx, qPing, nil)
	return err
}

// tripCounter counts the Cypher round trips of one request; see WithTripCounter.
type tripCounter struct{ n atomic.Int64 }

type tripKey struct{}

// WithTripCounter returns a context that counts the queries run with it; TripsOf reads it.
// The API uses it to report and test that a request's round trips are bounded by its shape.
func WithTripCounter(ctx context.Context) context.Context {
	return context.WithValue(ctx, tripKey{}, &tripCounter{})
}

// TripsOf returns the number of queries run with ctx since WithTripCounter, or 0.
func TripsOf(ctx context.Context) int64 {
	if c, ok := ctx.Value(tripKey{}).(*tripCounter); ok {
		return c.n.Load()
	}
	return 0
}

func (s *Store) count(ctx context.Context, q Query) {
	s.trips.Add(1)
	if c, ok := ctx.Value(tripKey{}).(*tripCounter); ok {
		c.n.Add(1)
	}
	observeQuery(q.Name)
}

// read runs one named query in a managed read transaction and returns its records.
func (s *Store) read(ctx context.Context, q Query, params map[string]any) ([]*neo4j.Record, error) {
	s.count(ctx, q)
	start := time.Now()
	if err := s.cb.allow(); err != nil {
		observeLatency(q.Name, time.Since(start), err)
		return nil, fmt.Errorf("%s: %w", q.Name, err)
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	recs, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		res, err := tx.Run(ctx, q.Cypher, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	s.observe(err)
	observeLatency(q.Name, time.Since(start), err)
	if err != nil {
		return nil, s.classify(ctx, q, err)
	}
	return recs, nil
}

// readTx runs fn in one managed read transaction, for reads that need several statements
// (a walk that decides its next statement from the last answer). Every statement run
// through run counts as a round trip and is timed under its own name. fn may run again when
// the driver retries a transient failure, so it must start from scratch each time.
func (s *Store) readTx(ctx context.Context, fn func(run runner) error) error {
	if err := s.cb.allow(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	var last Query
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(func(q Query, params map[string]any, each func(*neo4j.Record) error) error {
			s.count(ctx, q)
			last = q
			start := time.Now()
			err := streamRecords(ctx, tx, q, params, each)
			observeLatency(q.Name, time.Since(start), err)
			return err
		})
	})
	var wk errWrongKind
	if errors.As(err, &wk) {
		return err // the caller's own verdict, not a database failure
	}
	s.observe(err)
	if err != nil {
		return s.classify(ctx, last, err)
	}
	return nil
}

// write runs fn in one managed write transaction. fn must be idempotent: the driver may
// retry it on transient failures.
func (s *Store) write(ctx context.Context, fn func(tx neo4j.ManagedTransaction) error) error {
	if err := s.cb.allow(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(tx)
	})
	s.observe(err)
	if err != nil {
		return s.classify(ctx, Query{Name: "write"}, err)
	}
	return nil
}

// run executes a named query inside a write transaction, counting the round trip.
func (s *Store) run(ctx context.Context, tx neo4j.ManagedTransaction, q Query, params map[string]any) ([]*neo4j.Record, error) {
	s.count(ctx, q)
	start := time.Now()
	defer func() { s.log.DebugContext(ctx, "cypher", "query", q.Name, "ms", time.Since(start).Milliseconds()) }()
	res, err := tx.Run(ctx, q.Cypher, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.Name, err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.Name, err)
	}
	return recs, nil
}

// classify maps a driver error onto a fault sentinel, keeping the driver's message for logs.
func (s *Store) classify(ctx context.Context, q Query, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", q.Name, fault.ErrTimeout)
	}
	var nerr *neo4j.Neo4jError
	var cerr *neo4j.ConnectivityError
	switch {
	case errors.As(err, &cerr), neo4j.IsTransactionExecutionLimit(err):
		return fmt.Errorf("%s: %w: %v", q.Name, fault.ErrUnavailable, err)
	case errors.As(err, &nerr):
		switch {
		case strings.HasPrefix(nerr.Code, "Neo.TransientError"), strings.Contains(nerr.Code, "DatabaseUnavailable"):
			return fmt.Errorf("%s: %w: %s", q.Name, fault.ErrUnavailable, nerr.Msg)
		case strings.Contains(nerr.Code, "Security.Unauthorized"), strings.Contains(nerr.Code, "AuthenticationRateLimit"):
			return fmt.Errorf("%s: %w: %s", q.Name, fault.ErrUnavailable, nerr.Msg)
		case strings.Contains(nerr.Code, "TransactionTimedOut"), strings.Contains(nerr.Code, "Terminated"):
			return fmt.Errorf("%s: %w", q.Name, fault.ErrTimeout)
		case strings.Contains(nerr.Code, "ConstraintValidationFailed"):
			return fmt.Errorf("%s: %w: %s", q.Name, fault.ErrConflict, nerr.Msg)
		}
		return fmt.Errorf("%s: neo4j %s: %s", q.Name, nerr.Code, nerr.Msg)
	}
	if strings.Contains(err.Error(), "connect") || strings.Contains(err.Error(), "EOF") {
		return fmt.Errorf("%s: %w: %v", q.Name, fault.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", q.Name, err)
}

// session opens a session on the configured database for schema and admin statements.
func (s *Store) session(ctx context.Context, write bool) neo4j.SessionWithContext {
	mode := neo4j.AccessModeRead
	if write {
		mode = neo4j.AccessModeWrite
	}
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}
