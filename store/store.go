// Package store is the only package that talks to Neo4j. It owns the driver, the schema
// migrations and every Cypher query (named, parameterised, in queries*.go), and maps driver
// failures onto the fault sentinels. Reads run as auto-commit statements on read sessions
// (routing-ready for a neo4j:// cluster) and are retried by the store on retryable failures;
// writes run in managed write transactions; always on the configured database.
//
// # Why reads are auto-commit
//
// A managed read transaction (ExecuteRead) costs three round trips for one statement —
// BEGIN, waited for; RUN+PULL; COMMIT — where an auto-commit statement costs one (RUN+PULL).
// Measured on the Changning graph (BenchmarkReadModes in this package): a one-node read
// takes about 0.50 ms through ExecuteRead, 0.37 ms through neo4j.ExecuteQuery (BEGIN
// pipelined) and 0.21 ms auto-commit. A transaction bought reads nothing: Neo4j's isolation
// is read-committed, so the statements of one read transaction see no more consistent a
// graph than the same statements run one by one. What ExecuteRead did add, retries of
// transient failures, readAuto does itself.
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
	// MaxRetryTime bounds the retries of a read or of a managed write transaction; keep it
	// short so a down database fails requests fast. Default 2s.
	MaxRetryTime time.Duration
	// ConnectTimeout bounds connection set-up and acquisition. Default 2s.
	ConnectTimeout time.Duration
	// PoolSize is the driver's connection pool size. Default 64.
	PoolSize int
	// MaxWalks bounds the support walks running at once (each may hold tens of thousands
	// of rows and visited nodes on a large graph); more wait their turn within their
	// request's deadline. Default 4.
	MaxWalks int
	// MaxWalksPerClient bounds the walks one client runs at once (walkslots.go); more are
	// refused with fault.ErrRateLimited. Default MaxWalks/2, at least 1.
	MaxWalksPerClient int
	// ReviewMinConfidence: an extracted fact (no curated source) below this confidence is
	// written PROPOSED for review (review.go). 0: ReviewAll (every extracted fact); below 0:
	// none.
	ReviewMinConfidence float64
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
	if c.MaxWalksPerClient <= 0 || c.MaxWalksPerClient > c.MaxWalks {
		c.MaxWalksPerClient = max(1, c.MaxWalks/2)
	}
	if c.ReviewMinConfidence == 0 {
		c.ReviewMinConfidence = ReviewAll
	}
}

// Store runs policygraph's named queries against one Neo4j database. It is safe for
// concurrent use.
type Store struct {
	driver   neo4j.DriverWithContext
	db       string
	maxRetry time.Duration // Config.MaxRetryTime, for the retries of readAuto
	walks    *walkSlots    // slots of the walks running at once (Config.MaxWalks, MaxWalksPerClient)
	log      *slog.Logger
	trips    atomic.Int64 // round trips since start, for metrics
	cb       breaker      // fails queries fast while Neo4j is unreachable (breaker.go)
	closed   atomic.Bool  // Close was called: the breaker's probe stops
	// reviewBelow is Config.ReviewMinConfidence: extracted facts below it are PROPOSED.
	reviewBelow float64
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
	s := &Store{driver: driver, db: cfg.Database, maxRetry: cfg.MaxRetryTime, log: log, walks: newWalkSlots(cfg.MaxWalks, cfg.MaxWalksPerClient), reviewBelow: cfg.ReviewMinConfidence}
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

// read runs one named query as an auto-commit read and returns its records.
func (s *Store) read(ctx context.Context, q Query, params map[string]any) ([]*neo4j.Record, error) {
	s.count(ctx, q)
	start := time.Now()
	if err := s.cb.allow(); err != nil {
		observeLatency(q.Name, time.Since(start), err)
		return nil, fmt.Errorf("%s: %w", q.Name, err)
	}
	var recs []*neo4j.Record
	err := s.readAuto(ctx, func(sess neo4j.SessionWithContext) error {
		res, err := sess.Run(ctx, q.Cypher, params, txTimeout(ctx)...)
		if err != nil {
			return err
		}
		recs, err = collect(ctx, res)
		return err
	})
	s.observe(ctx, err)
	observeLatency(q.Name, time.Since(start), err)
	if err != nil {
		return nil, s.classify(ctx, q, err)
	}
	return recs, nil
}

// collect reads every record of res. The driver's Collect starts from a slice of 1024 (8 KB
// per call, the API's largest allocation per request in a heap profile of node reads).
func collect(ctx context.Context, res neo4j.ResultWithContext) ([]*neo4j.Record, error) {
	var recs []*neo4j.Record
	for res.Next(ctx) {
		recs = append(recs, res.Record())
	}
	return recs, res.Err()
}

// readSeq runs fn, a read that needs several statements (a walk that decides its next
// statement from the last answer), on one read session: each statement sent through run is
// one auto-commit round trip, counted and timed under its own name. fn runs again from
// scratch when a statement fails retryably, so it must keep no state between runs.
func (s *Store) readSeq(ctx context.Context, fn func(run runner) error) error {
	if err := s.cb.allow(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	var last Query
	err := s.readAuto(ctx, func(sess neo4j.SessionWithContext) error {
		return fn(func(q Query, params map[string]any, each func(*neo4j.Record) error) error {
			s.count(ctx, q)
			last = q
			start := time.Now()
			err := streamRecords(ctx, sess, q, params, each)
			observeLatency(q.Name, time.Since(start), err)
			return err
		})
	})
	var wk errWrongKind
	if errors.As(err, &wk) {
		return err // the caller's own verdict, not a database failure
	}
	s.observe(ctx, err)
	if err != nil {
		return s.classify(ctx, last, err)
	}
	return nil
}

// readAuto runs fn on a fresh read session and runs it again, on a fresh session, while it
// fails with an error the driver calls retryable (a transient Neo4j error, a pooled
// connection found dead) and Config.MaxRetryTime has not passed: what ExecuteRead's retries
// did, without its transaction.
func (s *Store) readAuto(ctx context.Context, fn func(sess neo4j.SessionWithContext) error) error {
	deadline := time.Now().Add(s.maxRetry)
	wait := 10 * time.Millisecond
	for {
		sess := s.driver.NewSession(ctx, s.sessionConfig(ctx, neo4j.AccessModeRead))
		err := fn(sess)
		_ = sess.Close(ctx)
		if err == nil || !neo4j.IsRetryable(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		s.log.DebugContext(ctx, "read failed, retrying", "err", err, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 400*time.Millisecond)
	}
}

// write runs fn in one managed write transaction. fn must be idempotent: the driver may
// retry it on transient failures.
func (s *Store) write(ctx context.Context, fn func(tx neo4j.ManagedTransaction) error) error {
	if err := s.cb.allow(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	sess := s.driver.NewSession(ctx, s.sessionConfig(ctx, neo4j.AccessModeWrite))
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(tx)
	}, txTimeout(ctx)...)
	if err == nil {
		keepBookmarks(ctx, sess)
	}
	s.observe(ctx, err)
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
	recs, err := collect(ctx, res)
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
		case isBookmarkError(nerr.Code):
			return fmt.Errorf("%s: X-Neo4j-Bookmark names no transaction of this database (%s): %w", q.Name, nerr.Msg, fault.ErrInvalidInput)
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
	return s.driver.NewSession(ctx, s.sessionConfig(ctx, mode))
}
