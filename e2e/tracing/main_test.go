// Package tracing tests the service's OpenTelemetry traces end to end:
// through the real HTTP handler, on SQLite always and on MySQL/MariaDB
// when PATS_TEST_MYSQL_DSN is set, with spans kept in memory.
package tracing

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
