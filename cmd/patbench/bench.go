package main

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

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/pattoken"
)

const (
	bigOrg     = "bench-big"
	smallOrg   = "bench-small"
	adminSub   = "patbench-admin"
	tailShare  = 1000 // secrets kept for revokeTokenByValue
	revokeSize = 1000 // IDs per revokeTokens call
)

// bench is the state of one run.
type bench struct {
	opts    options
	facts   facts
	results map[string]*result

	bin       string
	dbURL     string
	db        *sql.DB // patbench's own pool, for the floors
	jwtSecret string
	intSecret string

	bigID, smallID int64
	lifespanMs     int64
	listed         int64 // listed (not revoked) tokens of bench-big

	introBodies []string // form bodies of the introspection secrets
	digests     [][]byte // their digests, for the DB floor
	tail        []string // secrets for revokeTokenByValue
	byValuePool []string // secrets for revokeTokensByValue and its floor
	adminID     int64    // the benchmark admin's user ID in bench-big, once provisioned
	bigTotal    int64    // every token of bench-big, for the export
	oneOffs     map[string]*oneOff

	seedBig, seedSmall time.Duration // zero when --skip-seed
	restored           int64

	position int
	walk     walkStats
	deepPos  keysetPos
	idsTime  time.Duration
	revokeN  int

	impacts      []*impactResult // m
	impactPolicy policy          // bench-big's settings m weighs changes to
	hooksID      int64           // bench-hooks, for o
	hookEndpoint string
	hooks        *hookStats
	// deadlocks is MariaDB's Innodb_deadlocks over the run (server-wide),
	// from just after the fixtures load; -1 when unknown.
	deadlocks, deadlocks0 int64

	servers []*server
	current *server // the running server, for CPU sampling
	dbPID   int
	notes   []string
}

// probe samples the running server, MariaDB and patbench.
func (b *bench) probe() cpuProbe {
	p := cpuProbe{db: b.dbPID}
	if b.current != nil && b.current.cmd != nil {
		p.server = b.current.cmd.Process.Pid
	}
	return p
}

func (b *bench) close() {
	for _, s := range b.servers {
		s.stop()
	}
	if b.db != nil {
		_ = b.db.Close()
	}
}

func (b *bench) run(ctx context.Context) error {
	o := b.opts
	b.facts = machineFacts(ctx)
	b.dbPID = findPID("mariadbd") // 0 (not sampled) when MariaDB runs elsewhere
	logf("machine: %d CPUs (%s), load %s, %s", b.facts.nproc, b.facts.cpu, b.facts.loadStart, b.facts.goVersion)
	if err := os.MkdirAll(o.workdir, 0o700); err != nil {
		return err
	}
	if err := lockWorkdir(o.workdir); err != nil {
		return err
	}
	b.dbURL = o.mysql + "/" + o.database
	b.jwtSecret, b.intSecret = randomText(48), randomText(48)

	if err := phase(ctx, "build server", 5*time.Minute, func(ctx context.Context) error {
		root, err := moduleRoot(ctx)
		if err != nil {
			return err
		}
		b.facts.revision = gitRevision(ctx, root)
		b.bin, err = buildServer(ctx, root, o.workdir)
		return err
	}); err != nil {
		return err
	}
	if err := phase(ctx, "prepare database", time.Minute, b.prepareDatabase); err != nil {
		return err
	}
	bigSecrets, smallSecrets := filepath.Join(o.workdir, "big.secrets"), filepath.Join(o.workdir, "small.secrets")
	if o.skipSeed {
		logf("--skip-seed: reusing database %q and %s", o.database, bigSecrets)
	} else {
		t0 := time.Now()
		if err := phase(ctx, fmt.Sprintf("seed %s (%d users, %d tokens)", bigOrg, o.users, o.tokens), 30*time.Minute, func(ctx context.Context) error {
			return runSeed(ctx, b.bin, b.dbURL, "--org", bigOrg, "--users", fmt.Sprint(o.users), "--tokens", fmt.Sprint(o.tokens),
				"--secrets-file", bigSecrets, "--secrets", fmt.Sprint(bigSecretsWanted(o)))
		}); err != nil {
			return err
		}
		b.seedBig = time.Since(t0)
		logf("SEEDING of %d tokens took %s (target < 2m)", o.tokens, b.seedBig.Round(time.Millisecond))
		t0 = time.Now()
		if err := phase(ctx, fmt.Sprintf("seed %s (%d tokens)", smallOrg, o.smallTokens), 10*time.Minute, func(ctx context.Context) error {
			return runSeed(ctx, b.bin, b.dbURL, "--org", smallOrg, "--tokens", fmt.Sprint(o.smallTokens), "--secrets-file", smallSecrets)
		}); err != nil {
			return err
		}
		b.seedSmall = time.Since(t0)
	}
	if err := phase(ctx, "load organizations and secrets", 5*time.Minute, func(ctx context.Context) error {
		return b.loadFixtures(ctx, bigSecrets)
	}); err != nil {
		return err
	}
	b.deadlocks0 = b.innodbDeadlocks(ctx)
	if !o.skip["webhooks"] {
		if err := phase(ctx, "organization "+hooksOrg, 10*time.Minute, b.ensureHooksOrg); err != nil {
			return err
		}
	}

	skip := o.skip
	if !skip["introspection"] {
		// Floors a and b, with no server running.
		if err := b.httpFloor(ctx); err != nil {
			return err
		}
		if err := b.dbFloor(ctx); err != nil {
			return err
		}
		// d: introspection with the validation cache disabled.
		srv, err := b.start(ctx, "cache-off", "PATS_VALIDATION_CACHE_SIZE=0")
		if err != nil {
			return err
		}
		if err := b.introspection(ctx, "d", srv); err != nil {
			return err
		}
		srv.stop()
	}

	// Everything else with the cache on (the default).
	srv, err := b.start(ctx, "cache-on")
	if err != nil {
		return err
	}
	if !skip["introspection"] {
		if err := b.introspection(ctx, "c", srv); err != nil {
			return err
		}
	}
	if !skip["pages"] {
		if err := b.pages(ctx, srv); err != nil {
			return err
		}
	}
	if !skip["impact"] {
		if err := phase(ctx, "settings impact workloads m", 30*time.Minute, func(ctx context.Context) error { return b.impact(ctx, srv) }); err != nil {
			return err
		}
	}
	if !skip["revocations"] {
		if err := b.revocations(ctx, srv); err != nil {
			return err
		}
	}
	if !skip["outbox"] {
		if err := phase(ctx, "outbox workloads n0b, n0, n1", 20*time.Minute, func(ctx context.Context) error { return b.outbox(ctx, srv) }); err != nil {
			return err
		}
	}
	if err := b.leakResponse(ctx, srv); err != nil {
		return err
	}
	srv.stop()
	if !skip["webhooks"] {
		if err := phase(ctx, "webhook workloads o", time.Hour, b.webhooks); err != nil {
			return err
		}
	}

	b.facts.loadEnd = loadAvg()
	if d := b.innodbDeadlocks(ctx); d >= 0 && b.deadlocks0 >= 0 {
		b.deadlocks = d - b.deadlocks0
	} else {
		b.deadlocks = -1
	}
	report := b.report()
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return fmt.Errorf("write --out: %w", err)
		}
		logf("report written to %s", o.out)
	}
	var failed []string
	for _, r := range b.results {
		if r.n == 0 {
			failed = append(failed, fmt.Sprintf("%s (%d errors; first: %s)", r.name, r.errors, r.firstErr))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("no request succeeded in: %s", strings.Join(failed, "; "))
	}
	return nil
}

// bigSecretsWanted is how many secrets the seed of bench-big writes: 5,000
// for introspection and revokeTokenByValue, those of revokeTokensByValue
// and its floor, and a margin for the tokens that expire too soon
// (usableSecrets).
func bigSecretsWanted(o options) int {
	return 5000 + byValueNeed(o.byValueIters) + 2000
}

// mysqlConfig is the go-sql-driver configuration of a mysql:// URL, as the
// service derives it.
func mysqlConfig(rawURL string) (*mysqldriver.Config, error) {
	dsn, err := database.MySQLDSN(rawURL)
	if err != nil {
		return nil, err
	}
	return mysqldriver.ParseDSN(dsn)
}

// prepareDatabase checks the server, records its version, and (unless
// --skip-seed) drops and recreates the benchmark database.
func (b *bench) prepareDatabase(ctx context.Context) error {
	cfg, err := mysqlConfig(b.dbURL)
	if err != nil {
		return err
	}
	cfg.DBName = ""
	conn, err := mysqldriver.NewConnector(cfg)
	if err != nil {
		return err
	}
	admin := sql.OpenDB(conn)
	defer admin.Close()
	if err := admin.QueryRowContext(ctx, "SELECT VERSION(), @@innodb_buffer_pool_size").Scan(&b.facts.mariadb, &b.facts.bufferPool); err != nil {
		return fmt.Errorf("MariaDB at %s: %w (start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)", cfg.Addr, err)
	}
	if b.opts.skipSeed {
		return nil
	}
	for _, stmt := range []string{"DROP DATABASE IF EXISTS `" + b.opts.database + "`", "CREATE DATABASE `" + b.opts.database + "`"} {
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// loadFixtures opens the floors' pool, reads the organizations, undoes the
// revocations of a previous run (so --skip-seed runs are repeatable) and
// loads the secrets.
func (b *bench) loadFixtures(ctx context.Context, secretsPath string) error {
	cfg, err := mysqlConfig(b.dbURL)
	if err != nil {
		return err
	}
	// One round trip per statement: server-side prepared statements for
	// fixed shapes, client-side interpolation for the rest.
	cfg.InterpolateParams = true
	conn, err := mysqldriver.NewConnector(cfg)
	if err != nil {
		return err
	}
	b.db = sql.OpenDB(conn)
	pool := max(b.opts.clients, b.opts.pageClients) + 4
	b.db.SetMaxOpenConns(pool)
	b.db.SetMaxIdleConns(pool)

	var days int64
	err = b.db.QueryRowContext(ctx, "SELECT id, max_lifespan_days FROM organizations WHERE external_id = ?", bigOrg).Scan(&b.bigID, &days)
	if err != nil {
		return fmt.Errorf("organization %s (seeded? drop --skip-seed): %w", bigOrg, err)
	}
	b.lifespanMs = days * 24 * 3600 * 1000
	if err := b.db.QueryRowContext(ctx, "SELECT id FROM organizations WHERE external_id = ?", smallOrg).Scan(&b.smallID); err != nil {
		return fmt.Errorf("organization %s (seeded? drop --skip-seed): %w", smallOrg, err)
	}
	res, err := b.db.ExecContext(ctx, `UPDATE personal_access_tokens t JOIN users u ON u.id = t.revoked_by_id
SET t.revoked_at = NULL, t.revoked_by_id = NULL, t.revocation_source = NULL WHERE u.subject = ?`, adminSub)
	if err != nil {
		return fmt.Errorf("undo previous revocations: %w", err)
	}
	if b.restored, _ = res.RowsAffected(); b.restored > 0 {
		logf("un-revoked %d tokens revoked by a previous run", b.restored)
		// Keep the organizations' maintained token counters (migration
		// 00003) right; best effort, for schemas without them.
		_, err := b.db.ExecContext(ctx, `UPDATE organizations o SET unrevoked_token_count =
  (SELECT COUNT(*) FROM personal_access_tokens t WHERE t.organization_id = o.id AND t.revoked_at IS NULL)
WHERE o.external_id IN (?, ?, ?)`, bigOrg, smallOrg, hooksOrg)
		if err != nil {
			logf("could not recount unrevoked_token_count: %v", err)
		}
	}
	// Fresh statistics, so plans do not depend on whether InnoDB's
	// background recalculation has run since the bulk insert.
	if _, err := b.db.ExecContext(ctx, "ANALYZE TABLE organizations, users, personal_access_tokens"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if err := b.db.QueryRowContext(ctx, "SELECT count(*) FROM personal_access_tokens WHERE organization_id = ? AND revoked_at IS NULL", b.bigID).Scan(&b.listed); err != nil {
		return err
	}

	secrets, err := readLines(secretsPath)
	if err != nil {
		return fmt.Errorf("secrets (seeded? drop --skip-seed): %w", err)
	}
	seeded := len(secrets)
	if secrets, err = b.usableSecrets(ctx, secrets); err != nil {
		return err
	}
	if dropped := seeded - len(secrets); dropped > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%d of the %d seeded secrets were left out: their tokens are revoked, expired or expire within a day", dropped, seeded))
		logf("secrets: %d usable, %d left out (revoked, expired or expiring within a day)", len(secrets), dropped)
	}
	if len(secrets) < 20 {
		return fmt.Errorf("only %d usable secrets in %s", len(secrets), secretsPath)
	}
	// The newest secrets (they live longest) for revokeTokensByValue and
	// its floor, leaving at least 4,000 (or half) for the rest, as before.
	if !b.opts.skip["by-value"] {
		n := min(byValueNeed(b.opts.byValueIters), max(len(secrets)-4000, len(secrets)/2))
		b.byValuePool = secrets[len(secrets)-n:]
		secrets = secrets[:len(secrets)-n]
	}
	nTail := min(tailShare, len(secrets)/4)
	head := secrets[:len(secrets)-nTail]
	b.tail = secrets[len(secrets)-nTail:]
	for _, s := range head {
		digest, _ := pattoken.Parse(s)
		b.digests = append(b.digests, digest[:])
		b.introBodies = append(b.introBodies, "token="+url.QueryEscape(s))
	}
	logf("%s: %d listed tokens; %d secrets for introspection, %d for revokeTokenByValue, %d for revokeTokensByValue and its floor",
		bigOrg, b.listed, len(head), len(b.tail), len(b.byValuePool))
	return nil
}

// usableSecrets keeps the secrets of tokens that are not revoked and stay
// active for at least another day. The seeding command writes the secrets
// of the first active tokens it generates, in creation order: the oldest,
// many of which expire within minutes of seeding, and would turn inactive
// during the run (or before a --skip-seed run).
func (b *bench) usableSecrets(ctx context.Context, secrets []string) ([]string, error) {
	type row struct{ created, expires int64 }
	found := map[string]row{}
	for start := 0; start < len(secrets); start += 500 {
		batch := secrets[start:min(start+500, len(secrets))]
		args := make([]any, 0, len(batch)+1)
		args = append(args, b.bigID)
		for _, s := range batch {
			digest, err := pattoken.Parse(s)
			if err != nil {
				return nil, errors.New("the secrets file holds a malformed secret")
			}
			args = append(args, digest[:])
		}
		rows, err := b.db.QueryContext(ctx, "SELECT token_digest, created_at, expires_at FROM personal_access_tokens"+
			" WHERE organization_id = ? AND revoked_at IS NULL AND token_digest IN (?"+strings.Repeat(",?", len(batch)-1)+")", args...)
		if err != nil {
			return nil, fmt.Errorf("check secrets: %w", err)
		}
		for rows.Next() {
			var (
				digest []byte
				r      row
			)
			if err := rows.Scan(&digest, &r.created, &r.expires); err != nil {
				rows.Close()
				return nil, err
			}
			found[string(digest)] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	horizon := time.Now().Add(24 * time.Hour).UnixMilli()
	var usable []string
	for _, s := range secrets {
		digest, _ := pattoken.Parse(s)
		if r, ok := found[string(digest[:])]; ok && min(r.expires, r.created+b.lifespanMs) > horizon {
			usable = append(usable, s)
		}
	}
	return usable, nil
}

// serverLimits raise the service's rate limits far above what one machine
// can send, so they never cap a measurement while their checks still run
// on every request.
var serverLimits = []string{
	"PATS_INTROSPECTION_PER_SECOND=100000000",
	"PATS_REVOKE_BY_VALUE_PER_MINUTE=100000000",
}

// start starts a server with the benchmark's environment plus extra.
func (b *bench) start(ctx context.Context, label string, extra ...string) (*server, error) {
	var s *server
	err := phase(ctx, "start server "+label, 90*time.Second, func(ctx context.Context) error {
		env := append([]string{
			"PATS_DATABASE_URL=" + b.dbURL,
			"PATS_JWT_SECRET=" + b.jwtSecret,
			"PATS_INTROSPECTION_SECRET=" + b.intSecret,
		}, serverLimits...)
		env = append(env, extra...)
		var err error
		s, err = startServer(ctx, b.bin, b.opts.workdir, label, env)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.servers = append(b.servers, s)
	b.current = s
	return s, nil
}

// adminJWT signs a session token for an admin of org, as the identity
// provider would.
func (b *bench) adminJWT(org string) (string, error) {
	now := time.Now()
	return auth.Sign([]byte(b.jwtSecret), &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: adminSub, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(6 * time.Hour)),
		},
		Org: org, Role: auth.RoleAdmin, Email: adminSub + "@" + org + ".example", Name: "Patbench Admin",
		AccountType: entity.AccountTypeLocal,
	})
}

func (b *bench) record(key string, r *result) { b.results[key] = r }

// httpFloor: a. an in-process bare net/http server.
func (b *bench) httpFloor(ctx context.Context) error {
	base, stop, err := startFloorServer()
	if err != nil {
		return err
	}
	defer stop()
	r, err := closedLoop(ctx, "a. HTTP floor", b.probe(), b.opts.clients, b.opts.warmup, b.opts.duration, func(int) op {
		return introspectOp(newClient(b.opts.clients), base, b.intSecret, b.introBodies)
	})
	if err != nil {
		return err
	}
	b.record("a", r)
	return nil
}

// dbFloor: b. the introspection's point lookup, prepared, on database/sql.
func (b *bench) dbFloor(ctx context.Context) error {
	stmt, err := b.db.PrepareContext(ctx, credentialSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	r, err := closedLoop(ctx, "b. DB floor", b.probe(), b.opts.clients, b.opts.warmup, b.opts.duration, func(int) op {
		return pointLookupOp(stmt, b.digests)
	})
	if err != nil {
		return err
	}
	b.record("b", r)
	return nil
}

// introspection: c (cache on) or d (cache off).
func (b *bench) introspection(ctx context.Context, key string, srv *server) error {
	name := map[string]string{"c": "c. introspect, cache warm", "d": "d. introspect, cache disabled"}[key]
	r, err := closedLoop(ctx, name, b.probe(), b.opts.clients, b.opts.warmup, b.opts.duration, func(int) op {
		return introspectOp(newClient(b.opts.clients), srv.base, b.intSecret, b.introBodies)
	})
	if err != nil {
		return err
	}
	b.record(key, r)
	return nil
}

// pageLoad measures a GraphQL document with the page clients.
func (b *bench) pageLoad(ctx context.Context, key, name string, clients int, g gql, body []byte) error {
	r, err := closedLoop(ctx, name, b.probe(), clients, b.opts.warmup, b.opts.duration, func(int) op {
		return g.op(newClient(clients), body, `"nodes":[{`)
	})
	if err != nil {
		return err
	}
	b.record(key, r)
	return nil
}

// sqlLoad measures a raw SQL page with the page clients.
func (b *bench) sqlLoad(ctx context.Context, key, name string, clients int, p sqlPage) error {
	do := sqlPageOp(b.db, p)
	r, err := closedLoop(ctx, name, b.probe(), clients, b.opts.warmup, b.opts.duration, func(int) op { return do })
	if err != nil {
		return err
	}
	b.record(key, r)
	return nil
}

// pages: e, f, g and their SQL floors h, each floor just before its page.
func (b *bench) pages(ctx context.Context, srv *server) error {
	bigJWT, err := b.adminJWT(bigOrg)
	if err != nil {
		return err
	}
	smallJWT, err := b.adminJWT(smallOrg)
	if err != nil {
		return err
	}
	big, small := gql{srv.base, bigJWT}, gql{srv.base, smallJWT}
	steps := []func() error{
		func() error {
			return b.sqlLoad(ctx, "h1", "h1. SQL first page, big", b.opts.pageClients, listedSQL(b.bigID, nil))
		},
		func() error {
			return b.pageLoad(ctx, "e1", "e1. GraphQL first page, big", b.opts.pageClients, big, gqlBody(pageDoc, nil))
		},
		func() error {
			return b.sqlLoad(ctx, "h2", "h2. SQL first page, small", b.opts.pageClients, listedSQL(b.smallID, nil))
		},
		func() error {
			return b.pageLoad(ctx, "e2", "e2. GraphQL first page, small", b.opts.pageClients, small, gqlBody(pageDoc, nil))
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}

	// f: walk to the deep position with first: 100, then measure that page.
	b.position = int(min(int64(b.opts.position), b.listed-100)) / 100 * 100
	if b.position < 100 {
		return fmt.Errorf("%s lists only %d tokens", bigOrg, b.listed)
	}
	var cursor string
	err = phase(ctx, fmt.Sprintf("walk to position %d (first: 100, budget %s)", b.position, b.opts.walkBudget), b.opts.walkBudget+10*time.Minute, func(ctx context.Context) error {
		var err error
		cursor, err = b.deepCursor(ctx, big)
		return err
	})
	if err != nil {
		return err
	}
	pos := fmt.Sprintf("%d", b.position)
	steps = []func() error{
		func() error {
			return b.sqlLoad(ctx, "h3", "h3. SQL page @"+pos+", big", b.opts.pageClients, listedSQL(b.bigID, &b.deepPos))
		},
		func() error {
			return b.pageLoad(ctx, "f", "f. GraphQL page @"+pos+", big", b.opts.pageClients, big, gqlBody(pageDoc, map[string]any{"after": cursor}))
		},
		func() error {
			return b.sqlLoad(ctx, "h4", "h4. SQL filtered page, big", b.opts.searchClients, filteredSQL(b.bigID, b.lifespanMs, "deploy", "OR.Jobs"))
		},
		func() error {
			return b.pageLoad(ctx, "g", "g. GraphQL filtered page, big", b.opts.searchClients, big, gqlBody(filterDoc, nil))
		},
		func() error {
			p := filteredSQL(b.bigID, b.lifespanMs, "deploy", "OR.Jobs")
			p.count = ""
			return b.sqlLoad(ctx, "h5", "h5. SQL filtered page, big, no count", b.opts.searchClients, p)
		},
		func() error {
			return b.pageLoad(ctx, "g2", "g2. GraphQL filtered page, big, no totalCount", b.opts.searchClients, big, gqlBody(searchNC, nil))
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// revocations: i2 revokeTokenByValue (each call a different secret from the
// tail of the secrets file), then i1 revokeTokens of 1,000 not yet revoked
// IDs per call. They run last: they change what c, d and the pages read.
func (b *bench) revocations(ctx context.Context, srv *server) error {
	jwtBig, err := b.adminJWT(bigOrg)
	if err != nil {
		return err
	}
	g := gql{srv.base, jwtBig}
	hc := newClient(1)
	const warm = 10
	r, err := sequential(ctx, "i2. revokeTokenByValue", b.probe(), warm, len(b.tail)-warm, b.opts.duration, func(ctx context.Context, i uint64) error {
		return g.op(hc, gqlBody(byValueDoc, map[string]any{"token": b.tail[i]}), `"outcome":"REVOKED"`)(ctx, i)
	})
	if err != nil {
		return err
	}
	b.record("i2", r)

	want := (b.opts.revokeIters + 1) * revokeSize
	var ids []string
	err = phase(ctx, fmt.Sprintf("collect %d ACTIVE token IDs", want), 10*time.Minute, func(ctx context.Context) error {
		t0 := time.Now()
		_, err := g.walk(ctx, hc, idsDoc, func(p *listPage) bool {
			for _, n := range p.Data.PersonalAccessTokens.Nodes {
				ids = append(ids, n.ID)
			}
			return len(ids) >= want
		})
		b.idsTime = time.Since(t0)
		return err
	})
	if err != nil {
		return err
	}
	calls := len(ids) / revokeSize
	if calls < 2 {
		b.notes = append(b.notes, fmt.Sprintf("revokeTokens not measured: only %d ACTIVE tokens", len(ids)))
		return nil
	}
	if calls-1 < b.opts.revokeIters {
		b.notes = append(b.notes, fmt.Sprintf("revokeTokens: only %d measured calls (%d ACTIVE tokens available)", calls-1, len(ids)))
	}
	b.revokeN = calls - 1
	r, err = sequential(ctx, "i1. revokeTokens x1000", b.probe(), 1, calls-1, 10*time.Minute, func(ctx context.Context, i uint64) error {
		batch := ids[int(i)*revokeSize : int(i+1)*revokeSize]
		return g.op(hc, gqlBody(revokeDoc, map[string]any{"ids": batch}), fmt.Sprintf(`"revokedCount":%d`, revokeSize))(ctx, i)
	})
	if err != nil {
		return err
	}
	b.record("i1", r)
	return nil
}
