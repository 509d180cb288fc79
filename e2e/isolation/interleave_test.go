package isolation

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// registry is what each tenant owns, as the test has seen it.
type registry struct {
	mu      sync.Mutex
	ids     map[*tenant][]string
	secrets map[*tenant][]string
}

func (r *registry) add(tn *tenant, tok token) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[tn] = append(r.ids[tn], tok.ID)
	r.secrets[tn] = append(r.secrets[tn], tok.Secret)
}

// pick returns a random ID and secret of tn.
func (r *registry) pick(rng *rand.Rand, tn *tenant) (string, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := rng.IntN(len(r.ids[tn]))
	return r.ids[tn][i], r.secrets[tn][i]
}

// leaks returns what of them a response mentions: a tag, an organization
// name, a token ID or a secret.
func (r *registry) leaks(raw string, them *tenant) string {
	if strings.Contains(raw, them.tag+"-") {
		return "tag " + them.tag
	}
	if strings.Contains(raw, them.org) {
		return "organization " + them.org
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, id := range r.ids[them] {
		if strings.Contains(raw, id) {
			return "token " + id
		}
		if strings.Contains(raw, r.secrets[them][i]) {
			return "a secret"
		}
	}
	return ""
}

// TestRandomInterleaving runs random operations of two organizations from
// several goroutines at once. Operations name the other organization's
// objects half of the time; no response may mention them, and afterwards
// every stored row belongs to the organization of the user it names. The
// seed is logged; PATS_ISOLATION_SEED replays one.
func TestRandomInterleaving(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PATS_ISOLATION_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (PATS_ISOLATION_SEED=%d replays it)", seed, seed)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		a, b := newTenant(t, env, "ra"), newTenant(t, env, "rb")
		reg := &registry{ids: map[*tenant][]string{}, secrets: map[*tenant][]string{}}
		for _, tn := range []*tenant{a, b} {
			for _, tok := range append(tn.tokens, tn.revoked) {
				reg.add(tn, tok)
			}
		}
		const workers, opsPerWorker = 4, 40
		var wg sync.WaitGroup
		errs := make(chan string, workers*opsPerWorker)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, uint64(w)))
				for i := range opsPerWorker {
					self, them := a, b
					if rng.IntN(2) == 1 {
						self, them = b, a
					}
					name, raw, sent := randomOp(t, rng, reg, self, them, fmt.Sprintf("%s-w%d-%d", self.tag, w, i))
					// An error may echo what the caller sent; that is no leak.
					for _, arg := range sent {
						raw = strings.ReplaceAll(raw, arg, "<SENT>")
					}
					if leak := reg.leaks(raw, them); leak != "" {
						errs <- fmt.Sprintf("%s by %s: the response mentions %s of the other organization: %.300s", name, self.tag, leak, raw)
					}
					if strings.Contains(raw, `"INTERNAL"`) {
						errs <- fmt.Sprintf("%s by %s: INTERNAL: %.300s", name, self.tag, raw)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		checkRowsBelong(t, env, a, b)
	})
}

// randomOp runs one random operation of self, naming them's objects half
// of the time, and returns its name, its raw response and the foreign
// values it sent.
func randomOp(t *testing.T, rng *rand.Rand, reg *registry, self, them *tenant, name string) (string, string, []string) {
	callers := []*testenv.Client{self.admin, self.alice, self.shared}
	c := callers[rng.IntN(len(callers))]
	target := self
	if rng.IntN(2) == 1 {
		target = them
	}
	id, secret := reg.pick(rng, target)
	switch op := rng.IntN(7); op {
	case 0:
		r := c.Do(`mutation($n: String!) { createPersonalAccessToken(input: {name: $n, scopes: ["OR.Jobs"]}) {
  token personalAccessToken { id name owner { id } } } }`, map[string]any{"n": name})
		var out struct{ CreatePersonalAccessToken *testenv.CreatePayload }
		r.DecodeData(t, &out)
		if p := out.CreatePersonalAccessToken; p != nil {
			reg.add(self, token{ID: p.PersonalAccessToken.ID, Secret: p.Token})
		}
		return "create", r.Raw, nil
	case 1:
		own, _ := reg.pick(rng, self)
		return "revokeTokens", c.Do(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id name owner { id name } revokedBy { id } } } }`,
			map[string]any{"ids": []string{own, id}}).Raw, []string{id}
	case 2:
		return "revokeTokenByValue", self.admin.Do(`mutation($t: String!) { revokeTokenByValue(token: $t) { outcome token { id name owner { id } } } }`,
			map[string]any{"t": secret}).Raw, []string{secret}
	case 3:
		subjects := []string{target.tag + "-alice", target.tag + "-admin", "shared"}
		return "personalAccessTokens", c.Do(listQ, map[string]any{"first": 1 + rng.IntN(100), "filter": map[string]any{
			"ownerIds": subjects[:1+rng.IntN(3)], "status": []string{"ACTIVE", "EXPIRED", "REVOKED"},
		}}).Raw, nil
	case 4:
		return "personalAccessTokens search", c.Do(listQ, map[string]any{"filter": map[string]any{"search": target.tag}}).Raw, nil
	case 5:
		filter := map[string]any{"tokenIds": []string{id}}
		if rng.IntN(2) == 0 {
			filter = map[string]any{"actorIds": []string{target.tag + "-admin", "shared"}}
		}
		return "auditEvents", self.admin.Do(auditQ, map[string]any{"filter": filter}).Raw, []string{id}
	default:
		return "settings and viewer", c.Do(`{ viewer { id name email } organizationPatSettings { maxLifespanDays updatedBy { id name } } }`, nil).Raw, nil
	}
}

// checkRowsBelong checks every stored row names users of its own
// organization only.
func checkRowsBelong(t *testing.T, env *testenv.Env, tenants ...*tenant) {
	t.Helper()
	orgs := make([]string, len(tenants))
	for i, tn := range tenants {
		orgs[i] = tn.org
	}
	checks := map[string]string{
		"token owner":    `SELECT COUNT(*) FROM personal_access_tokens t JOIN users u ON u.id = t.owner_id WHERE u.organization_id <> t.organization_id`,
		"token revoker":  `SELECT COUNT(*) FROM personal_access_tokens t JOIN users u ON u.id = t.revoked_by_id WHERE u.organization_id <> t.organization_id`,
		"event actor":    `SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.actor_id WHERE u.organization_id <> e.organization_id`,
		"event owner":    `SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.token_owner_id WHERE u.organization_id <> e.organization_id`,
		"event token":    `SELECT COUNT(*) FROM audit_events e JOIN personal_access_tokens t ON t.id = e.token_id WHERE t.organization_id <> e.organization_id`,
		"settings actor": `SELECT COUNT(*) FROM organizations o JOIN users u ON u.id = o.settings_updated_by_id WHERE u.organization_id <> o.id`,
	}
	for name, q := range checks {
		var n int64
		if err := env.DB.Raw(q).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows name another organization's user or token", name, n)
		}
	}
	// The counters still match the rows.
	var bad int64
	err := env.DB.Raw(`SELECT COUNT(*) FROM organizations o WHERE o.external_id IN ? AND o.unrevoked_token_count <>
  (SELECT COUNT(*) FROM personal_access_tokens t WHERE t.organization_id = o.id AND t.revoked_at IS NULL)`, orgs).Scan(&bad).Error
	if err != nil || bad != 0 {
		t.Errorf("unrevoked token counters: %d organizations off (err %v)", bad, err)
	}
}
