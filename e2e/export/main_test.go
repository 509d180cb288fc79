// Package export tests POST /export/tokens end to end: the inventory as a
// CSV or NDJSON download, on SQLite always and on MySQL/MariaDB when
// PATS_TEST_MYSQL_DSN is set.
package export

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
