package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
)

// runSeed implements `pats seed --org ORG --users N --tokens M`: realistic
// data in the configured database (PATS_DATABASE_URL), for demos and
// benchmarks.
func runSeed(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stdout)
	opts := seed.Options{Now: time.Now()}
	fs.StringVar(&opts.Org, "org", "", "organization ID, as in the JWT org claim (required)")
	fs.IntVar(&opts.Users, "users", 100, "number of users (local accounts)")
	fs.IntVar(&opts.Tokens, "tokens", 1000, "number of personal access tokens")
	fs.StringVar(&opts.SecretsFile, "secrets-file", "", "write secrets of active tokens here (mode 0600), for benchmarks")
	fs.IntVar(&opts.Secrets, "secrets", 1000, "how many secrets to write to --secrets-file")
	fs.IntVar(&opts.Batch, "batch", 2000, "rows per INSERT statement")
	fs.IntVar(&opts.Writers, "writers", 2, "concurrent inserting connections (1 on SQLite)")
	fs.Uint64Var(&opts.Seed, "seed", 1, "random seed (the same seed gives the same names and times)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.Org == "" {
		return fmt.Errorf("seed: --org is required")
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect != "mysql" {
		opts.Writers = 1
	}
	return seed.Run(ctx, store.New(db.DB, db.Dialect), opts, stdout)
}
