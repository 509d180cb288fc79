// Package migrations holds the versioned schema, one folder of SQL files per
// dialect, embedded in the binary and applied at start-up with goose.
// GORM's AutoMigrate is never used: it cannot alter or drop safely, and the
// schema must be reviewable SQL.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed mysql/*.sql sqlite/*.sql
var files embed.FS

// Dialect names a folder of migrations.
type Dialect string

// The supported dialects.
const (
	MySQL  Dialect = "mysql"
	SQLite Dialect = "sqlite"
)

// Up applies every pending migration of the dialect to db.
func Up(ctx context.Context, db *sql.DB, dialect Dialect) error {
	sub, err := fs.Sub(files, string(dialect))
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", dialect, err)
	}
	gooseDialect := goose.DialectSQLite3
	if dialect == MySQL {
		gooseDialect = goose.DialectMySQL
	}
	provider, err := goose.NewProvider(gooseDialect, db, sub)
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", dialect, err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}
