// Package store is the data layer: every SQL statement of the service lives
// here, behind methods that take the caller's organization and put it in
// every WHERE clause. Domain rules (who may do what, lifespans, quotas) live
// in package pat, which calls the store and passes decisions in as
// callbacks that run inside the store's transactions.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/sethvargo/go-retry"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/migrations"
)

// ErrNotFound is returned when a row does not exist in the caller's scope.
var ErrNotFound = errors.New("not found")

// Store runs the service's queries on one database.
type Store struct {
	db *gorm.DB
	// prepared runs the fixed-shape queries of the hot paths (token
	// introspection, caller identity) as server-side prepared statements,
	// cached per connection: the server does not parse them again. Other
	// statements are interpolated (see package database).
	prepared *gorm.DB
	dialect  migrations.Dialect
}

// New returns a store over db, which speaks dialect.
func New(db *gorm.DB, dialect migrations.Dialect) *Store {
	return &Store{db: db, prepared: db.Session(&gorm.Session{PrepareStmt: true}), dialect: dialect}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// transaction runs fn in one transaction on a handle bound to ctx. A
// transaction that MySQL aborts for a deadlock (1213) or a lock-wait
// timeout (1205) is retried whole, up to four more times with jittered
// exponential backoff, within ctx's deadline; fn must therefore set all
// its results afresh on every run.
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.transactionWith(ctx, nil, fn)
}

// readCommitted runs fn as transaction does, at READ COMMITTED on MySQL:
// for the background workers' claims (outbox dispatch, delivery claims),
// whose locking reads of a range with SKIP LOCKED would otherwise hold gap
// locks where every revocation inserts its outbox rows, and deadlock with
// them (a revocation holds its organization's row and waits on the gap;
// the dispatcher holds the gap and waits on the organization's row for
// its deliveries' foreign key). SQLite's transactions are serialized.
func (s *Store) readCommitted(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.dialect != migrations.MySQL {
		return s.transactionWith(ctx, nil, fn)
	}
	return s.transactionWith(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted}, fn)
}

func (s *Store) transactionWith(ctx context.Context, opts *sql.TxOptions, fn func(tx *gorm.DB) error) error {
	backoff := retry.WithMaxRetries(4, retry.WithFullJitter(retry.NewExponential(10*time.Millisecond)))
	return retry.Do(ctx, backoff, func(ctx context.Context) error {
		var txOpts []*sql.TxOptions
		if opts != nil {
			txOpts = append(txOpts, opts)
		}
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := fn(tx); err != nil {
				return err
			}
			return s.commit(tx)
		}, txOpts...)
		if retryable(err) {
			return retry.RetryableError(err)
		}
		return err
	})
}

// commitStatement is the COMMIT a MySQL transaction sends as a statement.
const commitStatement = "COMMIT"

// commit commits tx within its context's deadline on MySQL. database/sql's
// Tx.Commit takes no context, and the MySQL driver then waits for the
// server's answer until its read timeout (30 s), long past the request's
// deadline, when the network drops it. Sent as a statement, COMMIT is
// bounded by the context like every query: the driver closes the
// connection when the deadline passes. database/sql's own COMMIT that
// follows is a no-op. A deadline that passes during COMMIT leaves the
// outcome unknown to us, as any lost answer does: revocations and settings
// changes are safe to retry; a creation whose answer was lost leaves a
// token whose secret nobody received, listed for its owner to revoke.
// SQLite commits locally and needs none of this.
func (s *Store) commit(tx *gorm.DB) error {
	if s.dialect != migrations.MySQL {
		return nil
	}
	if err := tx.Exec(commitStatement).Error; err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports whether err is a MySQL error that aborted the whole
// transaction and may not happen again: a deadlock or a lock-wait timeout.
// The error of a failed rollback may wrap it beside its own, only as
// text: the driver's "Error 1213" or "Error 1205" anywhere counts too.
func retryable(err error) bool {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205) {
		return true
	}
	return err != nil && (strings.Contains(err.Error(), "Error 1213") || strings.Contains(err.Error(), "Error 1205"))
}

// forUpdate locks the selected rows until the transaction ends. SQLite has
// no row locks; its transactions begin IMMEDIATE (see package database), so
// they are already serialized.
func (s *Store) forUpdate(q *gorm.DB) *gorm.DB {
	if s.dialect == migrations.MySQL {
		return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	return q
}

// notFound maps GORM's not-found error to ErrNotFound.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf("%s: %w", what, err)
}
