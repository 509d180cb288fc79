package store

import (
	"errors"
	"fmt"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// TestRetryable: a deadlock or lock-wait timeout is retried whether it is
// wrapped, joined, or only quoted in another error's text (a failed
// rollback's); other errors are not.
func TestRetryable(t *testing.T) {
	deadlock := &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{deadlock, true},
		{fmt.Errorf("dispatch outbox: deliveries: %w", deadlock), true},
		{errors.Join(errors.New("rollback: savepoint does not exist"), deadlock), true},
		{fmt.Errorf("rollback failed: %v; %v", errors.New("SAVEPOINT sp1 does not exist"), deadlock), true},
		{&mysqldriver.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}, true},
		{&mysqldriver.MySQLError{Number: 1062, Message: "Duplicate entry"}, false},
		{errors.New("connection refused"), false},
		{nil, false},
	} {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("retryable(%v): got %v, want %v", tc.err, got, tc.want)
		}
	}
}
