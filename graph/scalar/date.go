// Package scalar holds the custom GraphQL scalars of the API.
package scalar

import (
	"fmt"
	"io"
	"strconv"

	"github.com/policygraph/policygraph/model"
)

// Date is an ISO date of day, month or year precision (2023-04-17, 2023-04, 2023).
type Date string

// UnmarshalGQL accepts a string that model.ValidDate accepts.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a Date is a string such as 2023-04-17, got %T", v)
	}
	if !model.ValidDate(s) {
		return fmt.Errorf("%q is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", s)
	}
	*d = Date(s)
	return nil
}

// MarshalGQL writes the date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}
