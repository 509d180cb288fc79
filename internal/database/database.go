// Package database opens the service's database from a PATS_DATABASE_URL
// (an embedded SQLite file or MySQL/MariaDB), configures the pool, and
// applies the embedded migrations.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/patgov/pats/migrations"
)

// DB is an open, migrated database.
type DB struct {
	*gorm.DB
	Dialect migrations.Dialect
}

// Opener opens the connection pool of driverName (registered with
// database/sql) at dsn; dialect is the database's kind. The default is
// sql.Open; tracing passes its instrumented one (tracing.Provider.OpenSQL).
type Opener func(driverName string, dialect migrations.Dialect, dsn string) (*sql.DB, error)

// Option changes how Open opens the database.
type Option func(*Opener)

// WithOpener opens the connection pool with open instead of sql.Open.
func WithOpener(open Opener) Option { return func(o *Opener) { *o = open } }

// Open connects to the database named by rawURL, applies pending migrations
// and returns it. rawURL is "sqlite:PATH" or
// "mysql://USER:PASS@HOST:PORT/DB?PARAMS".
func Open(ctx context.Context, rawURL string, opts ...Option) (*DB, error) {
	open := Opener(func(driverName string, _ migrations.Dialect, dsn string) (*sql.DB, error) {
		return sql.Open(driverName, dsn)
	})
	for _, opt := range opts {
		opt(&open)
	}
	dialect, driverName, dsn, err := parse(rawURL)
	if err != nil {
		return nil, err
	}
	pool, err := open(driverName, dialect, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	var dialector gorm.Dialector = sqlite.Dialector{DriverName: driverName, DSN: dsn, Conn: pool}
	if dialect == migrations.MySQL {
		dialector = mysql.New(mysql.Config{DriverName: driverName, DSN: dsn, Conn: pool})
	}
	gdb, err := gorm.Open(dialector, &gorm.Config{
		// Errors are translated once, in the store; SQL is never logged
		// here because parameters may include digests and names.
		TranslateError: true,
		Logger:         logger.Discard,
	})
	if err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	configurePool(dialect, sqlDB)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	if err := migrations.Up(ctx, sqlDB, dialect); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return &DB{DB: gdb, Dialect: dialect}, nil
}

// Close closes the connection pool.
func (d *DB) Close() error {
	sqlDB, err := d.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// parse turns a PATS_DATABASE_URL into the dialect, the database/sql
// driver name and its data source name.
func parse(rawURL string) (dialect migrations.Dialect, driverName, dsn string, err error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		path := strings.TrimPrefix(rawURL, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", "", errors.New("database URL: sqlite: needs a file path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return "", "", "", fmt.Errorf("create database folder: %w", err)
			}
		}
		return migrations.SQLite, sqlite.DriverName, sqliteDSN(path), nil
	case strings.HasPrefix(rawURL, "mysql://"):
		dsn, err := MySQLDSN(rawURL)
		if err != nil {
			return "", "", "", err
		}
		return migrations.MySQL, "mysql", dsn, nil
	default:
		return "", "", "", errors.New("database URL: want sqlite:PATH or mysql://USER:PASS@HOST:PORT/DB")
	}
}

// sqliteDSN sets the pragmas the service relies on: WAL so readers never
// block the writer, a busy timeout so writers queue instead of failing,
// foreign keys, and BEGIN IMMEDIATE so a transaction takes the write lock
// up front rather than failing when a read upgrades to a write.
func sqliteDSN(path string) string {
	return path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// MySQLDSN converts a mysql:// URL into a go-sql-driver DSN, keeping the
// URL's parameters and adding safe defaults for those it leaves out.
func MySQLDSN(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "", errors.New("database URL: malformed mysql:// URL")
	}
	cfg := mysqldriver.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = u.Host + ":3306"
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if cfg.DBName == "" {
		return "", errors.New("database URL: mysql:// URL needs a database name")
	}
	// Defaults: bounded dial/read/write so a dead server fails a request
	// instead of hanging it (a backstop to the per-call deadlines).
	cfg.Timeout = 5 * time.Second
	cfg.ReadTimeout = 30 * time.Second
	cfg.WriteTimeout = 30 * time.Second
	// Client-side interpolation: every statement is one round trip and
	// leaves no server-side state. Server-side prepared statements would
	// also take one round trip once cached, but the IN lists of revocations
	// and user loads (1 to 1,000 placeholders) would fill every
	// connection's statement cache. The driver refuses interpolation for
	// character sets where it would be unsafe; utf8mb4 is safe.
	cfg.InterpolateParams = true
	dsn := cfg.FormatDSN()
	if u.RawQuery != "" {
		// The URL's own parameters come last, so they override the defaults.
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + u.RawQuery
	}
	parsed, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return "", errors.New("database URL: bad mysql:// parameters")
	}
	return parsed.FormatDSN(), nil
}

// configurePool sizes the pool for the dialect.
func configurePool(dialect migrations.Dialect, db interface {
	SetMaxOpenConns(int)
	SetMaxIdleConns(int)
	SetConnMaxLifetime(time.Duration)
}) {
	switch dialect {
	case migrations.MySQL:
		// Equal open and idle limits avoid connection churn under load;
		// a lifetime under common proxy/server idle timeouts.
		db.SetMaxOpenConns(25)
		db.SetMaxIdleConns(25)
		db.SetConnMaxLifetime(3 * time.Minute)
	default:
		// SQLite has one writer; BEGIN IMMEDIATE plus the busy timeout
		// queue writers, while WAL lets the other connections read.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
}
