// Package migrations holds the versioned schema, one folder of SQL files per
// dialect, embedded in the binary and applied at start-up with goose.
// GORM's AutoMigrate is never used: it cannot alter or drop safely, and the
// schema must be reviewable SQL.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
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

// Up applies every pending migration of the dialect to db. On MySQL it
// holds a named lock meanwhile, so instances starting together on one
// database migrate one after the other instead of racing (MySQL DDL is not
// transactional: a race could leave a migration half applied).
func Up(ctx context.Context, db *sql.DB, dialect Dialect) error {
	if dialect == MySQL {
		unlock, err := lock(ctx, db)
		if err != nil {
			return err
		}
		defer unlock()
	}
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

// lockName names the MySQL advisory lock held while migrating.
const lockName = "pats_migrations"

// lock takes the migration lock on a connection of its own, waiting up to
// a minute, and returns the function that releases it.
func lock(ctx context.Context, db *sql.DB) (func(), error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 60)", lockName).Scan(&got); err != nil || got.Int64 != 1 {
		_ = conn.Close()
		if err == nil {
			err = errors.New("timed out waiting for another instance's migrations")
		}
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", lockName)
		_ = conn.Close()
	}, nil
}
