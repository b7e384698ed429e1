package store

// SetEventIDs makes every audit event id come from next, for tests that force an audit
// write to fail; it returns a function restoring the random ids.
func SetEventIDs(next func() string) (restore func()) {
	old := newEventID
	newEventID = next
	return func() { newEventID = old }
}
