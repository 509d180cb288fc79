// Package store is the data layer: every SQL statement of the service lives
// here, behind methods that take the caller's organization and put it in
// every WHERE clause. Domain rules (who may do what, lifespans, quotas) live
// in package pat, which calls the store and passes decisions in as
// callbacks that run inside the store's transactions.
package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/migrations"
)

// ErrNotFound is returned when a row does not exist in the caller's scope.
var ErrNotFound = errors.New("not found")

// Store runs the service's queries on one database.
type Store struct {
	db      *gorm.DB
	dialect migrations.Dialect
}

// New returns a store over db, which speaks dialect.
func New(db *gorm.DB, dialect migrations.Dialect) *Store {
	return &Store{db: db, dialect: dialect}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// transaction runs fn in one transaction on a handle bound to ctx.
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
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
