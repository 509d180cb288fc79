package e2e

import (
	"context"
	"net/http"
	"testing"
	"testing/cryptotest"
	"time"

	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// statementsOf introspects value on env and returns the answer and the
// statements the lookup sent.
func statementsOf(t *testing.T, env *testenv.Env, value string) (body string, stmts []string) {
	t.Helper()
	stmts = env.Statements.Record(func() {
		var status int
		status, body = env.Introspect(t, testenv.IntrospectionSecret, value)
		if status != http.StatusOK {
			t.Fatalf("introspect: got HTTP %d %s, want 200", status, body)
		}
	})
	return body, stmts
}

// cachedAsUnknown introspects a well-formed value no token has until the
// validation cache answers it without the database: the first lookup
// reads it (one statement), the next ones none. (A lookup that overlapped
// a change poll reporting a change is not cached, so a second read is
// allowed before the cache answers.)
func cachedAsUnknown(t *testing.T, env *testenv.Env, value string) {
	t.Helper()
	body, stmts := statementsOf(t, env, value)
	if body != inactive || len(stmts) != 1 {
		t.Fatalf("first lookup of an unknown value: got %s after %d statements %q, want inactive after 1", body, len(stmts), stmts)
	}
	for try := 0; ; try++ {
		body, stmts = statementsOf(t, env, value)
		if body != inactive {
			t.Fatalf("unknown value: got %s, want inactive", body)
		}
		if len(stmts) == 0 {
			break
		}
		if try == 3 {
			t.Fatalf("unknown value: still read from the database (%q) after %d lookups, want it cached", stmts, try+2)
		}
	}
}

// TestUnknownValueIsCached (issue 15, F2): a well-formed value that was
// never issued is read from the database once, then answered from the
// validation cache like a known token, so the time of an answer does not
// tell whether the value exists.
func TestUnknownValueIsCached(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		unknown, err := pattoken.Generate()
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		cachedAsUnknown(t, env, unknown.Value)
		for range 3 {
			if body, stmts := statementsOf(t, env, unknown.Value); body != inactive || len(stmts) != 0 {
				t.Fatalf("lookup of a cached unknown value: got %s after statements %q, want inactive after none", body, stmts)
			}
		}
	})
}

// TestCreatedTokenIsNotHiddenByCachedAbsence: a value cached as unknown
// on two instances is then created through one of them. The creating
// instance answers active at once; the other within its staleness bound,
// the same as for a revocation (its change poll reports creations).
//
// The test needs the value before the token exists: it makes crypto/rand
// deterministic and replays the stream, so CreateToken generates the same
// value again. Not parallel, by necessity.
func TestCreatedTokenIsNotHiddenByCachedAbsence(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, a *testenv.Env) {
		b := testenv.NewWith(t, a.Dialect, testenv.Options{DatabaseURL: a.DatabaseURL})
		org := testenv.UniqueOrg("absent")
		owner := principal(t, a, org)
		// A new seed each time: a database outlives a run under -count.
		seed := uint64(time.Now().UnixNano())
		cryptotest.SetGlobalRandom(t, seed)
		future, err := pattoken.Generate()
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		cachedAsUnknown(t, a, future.Value)
		cachedAsUnknown(t, b, future.Value)

		cryptotest.SetGlobalRandom(t, seed) // CreateToken generates future again
		created, err := a.Service.CreateToken(context.Background(), owner, pat.CreateRequest{Name: "future", Scopes: []string{"OR.Jobs"}})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if created.Secret != future.Value {
			t.Fatalf("created secret: got %s, want the replayed %s (something else read crypto/rand first)", created.Token.Hint, pattoken.Hint(future.Value))
		}
		createdAt := time.Now()
		wantActive(t, a, future.Value, true)

		for {
			_, body := b.Introspect(t, testenv.IntrospectionSecret, future.Value)
			if body != inactive {
				break
			}
			if d := time.Since(createdAt); d > pat.CacheStaleness {
				t.Fatalf("instance B still answers %s %v after the creation, want active within %v", body, d, pat.CacheStaleness)
			}
			time.Sleep(10 * time.Millisecond)
		}
		wantActive(t, b, future.Value, true)
	})
}
