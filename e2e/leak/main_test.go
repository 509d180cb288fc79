// Package leak tests leak response end to end over HTTP: revoking many
// tokens by their values at once, on SQLite always and on MySQL/MariaDB
// when PATS_TEST_MYSQL_DSN is set.
package leak

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
