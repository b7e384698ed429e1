package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The request timeout ends the Neo4j transaction too. Cancelling ctx only stops the driver
// waiting: the statement it sent keeps running in Neo4j (holding memory and a CPU) until it
// finishes on its own. Every statement therefore carries the time left before ctx's
// deadline as its transaction timeout, and Neo4j terminates it then
// (Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration, which classify maps
// to fault.ErrTimeout and which never opens the breaker).

// minTxTimeout is the shortest timeout sent: Neo4j reads 0 as "no timeout" and counts in
// milliseconds.
const minTxTimeout = time.Millisecond

// txTimeout returns the transaction configurers for a statement run with ctx: a timeout of
// the time left before ctx's deadline, none when ctx has no deadline.
func txTimeout(ctx context.Context) []func(*neo4j.TransactionConfig) {
	d, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(max(time.Until(d), minTxTimeout))}
}
