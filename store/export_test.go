package store

import "context"

// SetEventIDs makes every audit event id come from next, for tests that force an audit
// write to fail; it returns a function restoring the random ids.
func SetEventIDs(next func() string) (restore func()) {
	old := newEventID
	newEventID = next
	return func() { newEventID = old }
}

// HoldWalkSlots takes every support-walk slot of s until release is called.
func HoldWalkSlots(s *Store) (release func()) {
	n := cap(s.walks.shared)
	for i := 0; i < n; i++ {
		s.walks.shared <- struct{}{}
	}
	return func() {
		for i := 0; i < n; i++ {
			<-s.walks.shared
		}
	}
}

// AcquireWalkSlot takes one walk slot for ctx's client (WithClient), as a support walk does.
func AcquireWalkSlot(ctx context.Context, s *Store) (release func(), err error) {
	return s.walks.acquire(ctx, "test walk")
}

// ReadStatement runs cypher through the store's read path (circuit, retries, transaction
// timeout, classification) as the named query name.
func ReadStatement(ctx context.Context, s *Store, name, cypher string) error {
	_, err := s.read(ctx, Query{Name: name, Cypher: cypher}, nil)
	return err
}

// BreakerOpen reports whether s fails fast because Neo4j was found unreachable.
func BreakerOpen(s *Store) bool { return s.cb.open.Load() }

// RunUnderDeadlineOf runs cypher auto-commit with the transaction timeout the store sends for
// deadline's time left, but on a context that never ends: only Neo4j can stop it.
func RunUnderDeadlineOf(deadline context.Context, s *Store, cypher string) error {
	ctx := context.Background()
	sess := s.session(ctx, false)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, cypher, nil, txTimeout(deadline)...)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}
