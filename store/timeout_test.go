package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// slowRead counts to 10^12: without a transaction timeout Neo4j would run it for hours.
const slowRead = `UNWIND range(1, 1000000000000) AS i WITH i WHERE i = -1 RETURN count(i) AS n /* slowread-issue17 */`

// serverTransactions returns the elapsed times (ms) of Neo4j's running transactions whose query
// holds marker, read through a driver of its own.
func serverTransactions(t *testing.T, cfg store.Config, marker string) []int64 {
	t.Helper()
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cmpOr(cfg.User, "neo4j"), cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, drv,
		`SHOW TRANSACTIONS YIELD currentQuery, elapsedTime WHERE currentQuery CONTAINS $m AND NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' RETURN elapsedTime`,
		map[string]any{"m": marker}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cmpOr(cfg.Database, "neo4j")))
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range res.Records {
		d, _ := r.Values[0].(neo4j.Duration)
		out = append(out, d.Seconds*1000+int64(d.Nanos)/1e6)
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestRequestTimeoutEndsTheTransaction: a read that outlives its request's deadline is
// ended in Neo4j (its transaction carries the time left as its timeout), answers
// fault.ErrTimeout, and leaves the circuit closed; a query Neo4j refuses leaves it closed
// too (reliability/ shows a stopped Neo4j opening it).
func TestRequestTimeoutEndsTheTransaction(t *testing.T) {
	s := storetest.Open(t)
	cfg := storetest.Config(t)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var readErr error
	wg.Add(1)
	go func() { defer wg.Done(); readErr = store.ReadStatement(ctx, s, "slowRead", slowRead) }()

	var running []int64
	for running == nil && ctx.Err() == nil {
		running = serverTransactions(t, cfg, "slowread-issue17")
	}
	if len(running) != 1 {
		t.Errorf("the slow read runs in %d transactions, want 1", len(running))
	}
	wg.Wait()
	if !errors.Is(readErr, fault.ErrTimeout) {
		t.Errorf("the slow read: got %v, want fault.ErrTimeout", readErr)
	}
	// Neo4j checks timeouts periodically; the statement must end, not run on for hours.
	gone := false
	for range 60 {
		if len(serverTransactions(t, cfg, "slowread-issue17")) == 0 {
			gone = true
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !gone {
		t.Error("the timed-out read still runs in Neo4j 30 s after its deadline")
	}
	if store.BreakerOpen(s) {
		t.Error("a request timeout opened the circuit")
	}

	for name, cypher := range map[string]string{
		"syntax error":  `RETURN (`,
		"division by 0": `RETURN 1/0 AS x`,
		"unknown proc":  `CALL no.such.procedure()`,
	} {
		rctx, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = store.ReadStatement(rctx, s, name, cypher)
		rcancel()
		if store.BreakerOpen(s) {
			t.Fatalf("%s: a refused query opened the circuit", name)
		}
	}
	// Neo4j itself ends the statement at the deadline, whatever the client does: run on a
	// context that never ends, with the timeout a 1 s deadline gives, it fails as timed out.
	dctx, dcancel := context.WithTimeout(context.Background(), time.Second)
	defer dcancel()
	err := store.RunUnderDeadlineOf(dctx, s, slowRead)
	var nerr *neo4j.Neo4jError
	if !errors.As(err, &nerr) || !strings.Contains(nerr.Code, "TransactionTimedOut") {
		t.Errorf("the slow read under a 1 s transaction timeout: got %v, want Neo4j's TransactionTimedOut", err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("the store after the timeout and the refusals: %v", err)
	}
}
