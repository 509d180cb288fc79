// Package isolation proves tenant isolation end to end: a table over every
// query and mutation of the schema tries each argument that takes an ID, a
// token value, a filter or a cursor with another organization's objects,
// and a randomized test interleaves two organizations' operations and
// checks no response carries the other's data. On SQLite always and on
// MySQL/MariaDB when PATS_TEST_MYSQL_DSN is set.
package isolation

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
