// Package inventory tests the token inventory end to end over HTTP: who
// sees which personal access tokens, the Relay listing (order, filters,
// keyset pagination, cursors) and the revocation mutations, on SQLite always
// and on MySQL/MariaDB when PATS_TEST_MYSQL_DSN is set.
package inventory

import (
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

var (
	migrateMu sync.Mutex
	migrated  bool
)

// parallel marks t parallel after making sure the package's shared MySQL
// database has been migrated once: every Env migrates it on start, goose
// takes no lock, and concurrent first migrations of one database fail with
// "Table 'organizations' already exists".
func parallel(t *testing.T) {
	t.Helper()
	migrateMu.Lock()
	if !migrated && slices.Contains(testenv.Dialects(t), "mysql") {
		testenv.New(t, "mysql") // migrates; the Env closes when t ends
	}
	migrated = true
	migrateMu.Unlock()
	t.Parallel()
}
