// Package matching tests revocation by filter end to end over HTTP: the
// preview and its confirmation, jobs done within the call and in the
// background, and a background job resumed by another instance after the
// one running it died, on SQLite always and on MySQL/MariaDB when
// PATS_TEST_MYSQL_DSN is set.
package matching

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
