// Package access tests the access rules of the service end to end over
// HTTP (identity, just-in-time users, the organization policy, token
// creation, lifespans, introspection and the HTTP surface), on SQLite always
// and on MySQL/MariaDB when PATS_TEST_MYSQL_DSN is set.
package access

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
