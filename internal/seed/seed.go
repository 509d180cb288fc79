// Package seed fills an organization with realistic users and personal
// access tokens for demos and benchmarks: names, scopes, creation and
// last-use times spread over a year, some expired, some revoked.
package seed

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/pattoken"
)

// Options say what to seed.
type Options struct {
	// Org is the organization ID as in the JWT `org` claim.
	Org    string
	Users  int
	Tokens int
	// SecretsFile, when set, receives the secrets of up to Secrets active
	// tokens (one per line, mode 0600) so benchmarks can introspect them.
	SecretsFile string
	Secrets     int
	// Batch is the number of rows per INSERT.
	Batch int
	// Writers is the number of concurrent inserting connections.
	Writers int
	Now     time.Time
	Seed    uint64
}

// MaxLifespanDays is the policy the seeded organization gets, so that
// tokens of up to a year exist.
const MaxLifespanDays = 365

var (
	purposes = []string{"CI pipeline", "deploy bot", "backup job", "analytics export", "monitoring",
		"terraform", "release", "nightly sync", "data import", "local dev", "Robot fleet", "Queue worker"}
	environments = []string{"prod", "staging", "dev", "qa"}
	firstNames   = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken",
		"Radia", "Linus", "Frances", "John", "Sophie", "Dennis", "Hedy", "Tim"}
	lastNames = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton",
		"Thompson", "Perlman", "Torvalds", "Allen", "McCarthy", "Wilson", "Ritchie", "Lamarr", "Berners-Lee"}
	lifespans = []int{30, 90, 90, 180, 365}
)

// Run seeds st according to opts, reporting progress to out.
func Run(ctx context.Context, st *store.Store, opts Options, out io.Writer) error {
	if opts.Org == "" || opts.Users < 1 || opts.Tokens < 0 {
		return fmt.Errorf("seed: need --org, --users >= 1 and --tokens >= 0")
	}
	opts.Batch = max(opts.Batch, 1)
	opts.Writers = max(opts.Writers, 1)
	now := entity.TimeOf(opts.Now)
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	start := time.Now()

	org, err := st.EnsureOrganization(ctx, opts.Org, store.OrgDefaults{Enabled: true, MaxLifespanDays: MaxLifespanDays}, now)
	if err != nil {
		return err
	}
	if org.MaxLifespanDays != MaxLifespanDays {
		// Policy changes are made by admins and audited; the seed does not
		// make them on an admin's behalf.
		return fmt.Errorf("seed: organization %q has a maximum lifespan of %d days; the seed needs %d (set it with updatePatSettings, or seed a new organization)",
			opts.Org, org.MaxLifespanDays, MaxLifespanDays)
	}
	users := makeUsers(org.ID, opts.Org, opts.Users, now, rng)
	if err := st.InsertUsers(ctx, org.ID, users, opts.Batch); err != nil {
		return err
	}
	fmt.Fprintf(out, "seed: %d users in organization %q (%s)\n", len(users), opts.Org, time.Since(start).Round(time.Millisecond))

	secrets, err := openSecrets(opts.SecretsFile)
	if err != nil {
		return err
	}
	defer secrets.close()

	batches := make(chan []*entity.PersonalAccessToken, opts.Writers*2)
	errs := make(chan error, opts.Writers)
	var wg sync.WaitGroup
	for range opts.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.LoadTokens(ctx, batches); err != nil {
				errs <- err
				for range batches { // let the producer finish
				}
			}
		}()
	}
	gen := generator{org: org.ID, users: users, now: now, rng: rng, total: opts.Tokens}
	written, wanted := 0, opts.Secrets
produce:
	for done := 0; done < opts.Tokens; {
		n := min(opts.Batch, opts.Tokens-done)
		batch := make([]*entity.PersonalAccessToken, n)
		for i := range batch {
			tok, secret, err := gen.token()
			if err != nil {
				return err
			}
			if written < wanted && secrets != nil && pat.Status(tok.RevokedAt, pat.EffectiveExpiry(tok.CreatedAt, tok.ExpiresAt, MaxLifespanDays), now) == entity.TokenStatusActive {
				if err := secrets.write(secret); err != nil {
					return err
				}
				written++
			}
			batch[i] = tok
		}
		select {
		case batches <- batch:
		case err := <-errs:
			close(batches)
			wg.Wait()
			return err
		case <-ctx.Done():
			break produce
		}
		done += n
		if done%100_000 < opts.Batch || done == opts.Tokens {
			fmt.Fprintf(out, "seed: %d/%d tokens (%s)\n", done, opts.Tokens, time.Since(start).Round(time.Millisecond))
		}
	}
	close(batches)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := st.RecountTokens(ctx, org.ID); err != nil {
		return err
	}
	fmt.Fprintf(out, "seed: done: %d users, %d tokens, %d secrets written, in %s\n",
		len(users), opts.Tokens, written, time.Since(start).Round(time.Millisecond))
	return nil
}

func makeUsers(orgID int64, org string, n int, now entity.Time, rng *rand.Rand) []*entity.User {
	users := make([]*entity.User, n)
	domain := strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, org)) + ".example"
	for i := range users {
		first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		name := first + " " + last
		email := fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), i, domain)
		users[i] = &entity.User{
			OrganizationID: orgID, Subject: fmt.Sprintf("seed-user-%06d", i),
			Email: email, Name: name, AccountType: entity.AccountTypeLocal,
			NameKey: strings.ToLower(name), EmailKey: strings.ToLower(email),
			CreatedAt: now, UpdatedAt: now,
		}
	}
	return users
}

// generator makes one realistic token at a time, in creation order: the
// primary key (a ULID of the creation time) and the creation index then
// grow at their end, which keeps a million-row load fast.
type generator struct {
	org   int64
	users []*entity.User
	now   entity.Time
	rng   *rand.Rand
	n     int
	total int
}

const day = int64(24 * time.Hour / time.Millisecond)

func (g *generator) token() (*entity.PersonalAccessToken, string, error) {
	secret, err := pattoken.Generate()
	if err != nil {
		return nil, "", err
	}
	g.n++
	now := g.now.Millis()
	// Spread over the past year, in order, with a little jitter.
	step := 365 * day / int64(max(g.total, 1))
	created := now - 365*day + int64(g.n-1)*step + g.rng.Int64N(max(step, 1))
	expires := created + int64(lifespans[g.rng.IntN(len(lifespans))])*day
	name := fmt.Sprintf("%s %s %d", purposes[g.rng.IntN(len(purposes))], environments[g.rng.IntN(len(environments))], g.n)
	owner := g.users[g.rng.IntN(len(g.users))]
	scopes := make([]string, 0, 4)
	for _, i := range g.rng.Perm(len(pat.DefaultScopes))[:1+g.rng.IntN(4)] {
		scopes = append(scopes, pat.DefaultScopes[i])
	}
	scopes, _ = pat.NormalizeScopeList(scopes)
	tok := &entity.PersonalAccessToken{
		ID: ulid.MustNew(uint64(created), g.entropy()).String(), OrganizationID: g.org, OwnerID: owner.ID,
		Name: name, NameKey: strings.ToLower(name), Scopes: entity.JoinScopes(scopes),
		TokenDigest: secret.Digest[:], Hint: secret.Hint,
		CreatedAt: entity.TimeFromMillis(created), ExpiresAt: entity.TimeFromMillis(expires),
	}
	end := min(now, expires)
	if g.rng.IntN(100) < 8 { // revoked
		at := entity.TimeFromMillis(created + g.rng.Int64N(max(end-created, 1)))
		by := g.users[g.rng.IntN(len(g.users))].ID
		source := entity.RevokedByAdmin
		if by == owner.ID {
			source = entity.RevokedByOwner
		}
		tok.RevokedAt, tok.RevokedByID, tok.RevocationSource = &at, &by, &source
		end = at.Millis()
	}
	if g.rng.IntN(100) < 75 && end > created { // used at least once
		at := entity.TimeFromMillis(created + g.rng.Int64N(end-created))
		tok.LastUsedAt = &at
	}
	return tok, secret.Value, nil
}

// entropy is the ULIDs' random part, from the seeded generator: the same
// seed gives the same IDs.
func (g *generator) entropy() io.Reader { return rngReader{g.rng} }

type rngReader struct{ r *rand.Rand }

func (r rngReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.r.Uint32())
	}
	return len(p), nil
}

// secretFile writes benchmark secrets, one per line.
type secretFile struct{ f *os.File }

func openSecrets(path string) (*secretFile, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("seed: secrets file: %w", err)
	}
	return &secretFile{f: f}, nil
}

func (s *secretFile) write(secret string) error {
	_, err := io.WriteString(s.f, secret+"\n")
	return err
}

func (s *secretFile) close() {
	if s != nil {
		_ = s.f.Close()
	}
}
