// Package e2e tests the service end to end over HTTP, on SQLite always and
// on MySQL/MariaDB when PATS_TEST_MYSQL_DSN is set.
package e2e

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
