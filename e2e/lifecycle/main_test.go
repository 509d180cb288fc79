// Package lifecycle tests the token lifecycle that runs itself (issue 11)
// end to end: the impact preview of a settings change against a
// brute-force computation, and the stale-token policy with its sweeper
// across instances, on SQLite always and on MySQL/MariaDB when
// PATS_TEST_MYSQL_DSN is set.
package lifecycle

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
