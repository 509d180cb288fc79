package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/patgov/pats/internal/database"
)

// TestConcurrentStartsMigrateOnce starts several instances at once on one
// fresh MySQL database: every start succeeds (migrations are serialized by
// a lock instead of racing on the same DDL).
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	base := os.Getenv("PATS_TEST_MYSQL_DSN")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PATS_TEST_MYSQL_DSN must be set in CI")
		}
		t.Skip("PATS_TEST_MYSQL_DSN not set: MySQL only")
	}
	dsn, err := database.MySQLDSN(base)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("pats_concurrent_migrate_%d", os.Getpid())
	if _, err := admin.Exec("CREATE DATABASE `" + name + "`"); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP DATABASE `" + name + "`")
	u, _ := url.Parse(base)
	u.Path = "/" + name

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := database.Open(context.Background(), u.String())
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: got %v, want a clean start", i, err)
		}
	}
}
