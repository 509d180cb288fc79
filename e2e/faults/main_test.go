// Package faults tests the service against database faults (issue 4, item
// 5): the service reaches MariaDB through an in-process fault proxy
// (internal/faultproxy) that the tests cut and restore while it runs. It
// needs MariaDB (PATS_TEST_MYSQL_DSN): SQLite has no network to cut. With
// CI=true a missing DSN fails the package instead of skipping it.
package faults

import (
	"io"
	"log"
	"log/slog"
	"os"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/patgov/pats/internal/testenv"
)

// LogEnv names the environment variable that keeps the service's and the
// MySQL driver's logs (PATS_FAULTS_LOG=1).
const LogEnv = "PATS_FAULTS_LOG"

func TestMain(m *testing.M) {
	// During a fault the service logs every failed call and the driver
	// every broken connection: thousands of lines that would bury the
	// tests' own output.
	if os.Getenv(LogEnv) == "" {
		slog.SetDefault(slog.New(slog.DiscardHandler))
		_ = mysql.SetLogger(log.New(io.Discard, "", 0))
	}
	os.Exit(testenv.Main(m))
}
