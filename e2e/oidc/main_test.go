// Package oidc tests sessions from an OpenID Connect provider end to end:
// a real provider (zitadel/oidc's op package) served in-process issues
// access tokens from its token endpoint, and the service, started as
// production starts it with PATS_OIDC_ISSUER and a claim mapping, accepts
// or refuses them over HTTP; on SQLite always and on MySQL/MariaDB when
// PATS_TEST_MYSQL_DSN is set.
package oidc

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
