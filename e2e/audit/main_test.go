// Package audit tests the audit trail end to end over HTTP: which changes
// write which events, that failed changes write none, that a change cannot
// commit without its event, that the table is append-only, and the
// auditEvents query (access, filters, order, pagination). On SQLite always
// and on MySQL/MariaDB when PATS_TEST_MYSQL_DSN is set.
package audit

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
