// Package console tests the administration console's server side end to
// end over HTTP: the development sign-in (sessions minted by
// POST /admin/api/dev-session used on /query, and its absence in
// production) and the bundle served under /admin/, on SQLite always and on
// MySQL/MariaDB when PATS_TEST_MYSQL_DSN is set.
package console

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
