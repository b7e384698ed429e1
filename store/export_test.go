package store

// SetEventIDs makes every audit event id come from next, for tests that force an audit
// write to fail; it returns a function restoring the random ids.
func SetEventIDs(next func() string) (restore func()) {
	old := newEventID
	newEventID = next
	return func() { newEventID = old }
}

// HoldWalkSlots takes every support-walk slot of s until release is called.
func HoldWalkSlots(s *Store) (release func()) {
	n := cap(s.walks)
	for i := 0; i < n; i++ {
		s.walks <- struct{}{}
	}
	return func() {
		for i := 0; i < n; i++ {
			<-s.walks
		}
	}
}
