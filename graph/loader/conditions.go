package loader

import (
	"context"

	"github.com/policygraph/policygraph/store"
)

// Conditions returns the conditions entity id requires (none: an empty slice). Loads of one
// batch window are answered by one ConditionsOf call.
func (l *Loaders) Conditions(ctx context.Context, id string) ([]store.ConditionRecord, error) {
	return l.conditions.Load(ctx, id)
}

func (l *Loaders) fetchConditions(ctx context.Context, ids []string) ([][]store.ConditionRecord, []error) {
	found, err := l.store.ConditionsOf(ctx, ids)
	if err != nil {
		return nil, []error{err}
	}
	out := make([][]store.ConditionRecord, len(ids))
	for i, id := range ids {
		out[i] = found[id]
	}
	return out, nil
}
