// Package fuzz fuzzes the GraphQL request path end to end: every root field
// of the schema with arbitrary variables, and arbitrary request bodies and
// headers, sent over HTTP to the real handler as callers of a seeded
// organization, on SQLite always and on MySQL/MariaDB when
// PATS_TEST_MYSQL_DSN is set. No input may cause a panic, an HTTP 5xx, an
// INTERNAL error, an error without a documented code, or a response that
// leaks internals, secrets or another organization's data.
package fuzz

import (
	"os"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
