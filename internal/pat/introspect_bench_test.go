package pat_test

import (
	"context"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// BenchmarkIntrospectCacheHit measures the authentication path when the
// validation cache holds the token: parse, digest, three cache look-ups,
// the validity predicate and recording the use. No database query.
func BenchmarkIntrospectCacheHit(b *testing.B) {
	env := testenv.New(b, "sqlite")
	user := env.Member(b, testenv.UniqueOrg("bench"), "bench-user")
	data := user.MustDo(`mutation { createPersonalAccessToken(input:{name:"bench", scopes:["OR.Jobs","OR.Queues.Read"]}) { token } }`, nil)
	secret := data["createPersonalAccessToken"].(map[string]any)["token"].(string)
	ctx := context.Background()
	if info, err := env.Service.Introspect(ctx, secret); err != nil || info == nil {
		b.Fatalf("warm: got %v, %v; want active", info, err)
	}
	hits, misses := env.Service.CacheStats()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if info, err := env.Service.Introspect(ctx, secret); err != nil || info == nil {
			b.Fatalf("introspect: got %v, %v; want active", info, err)
		}
	}
	b.StopTimer()
	// A miss happens only when a change poll is late (the benchmark
	// starves it of CPU): the cache is then not trusted for a moment.
	afterHits, afterMisses := env.Service.CacheStats()
	b.ReportMetric(float64(afterMisses-misses)/float64(b.N), "misses/op")
	if afterHits-hits < int64(b.N)*99/100 {
		b.Fatalf("cache hits: got %d of %d, want at least 99%%", afterHits-hits, b.N)
	}
}

// BenchmarkIntrospectCacheDisabled is the same path reading the database
// (SQLite) every time: the baseline the cache is measured against.
func BenchmarkIntrospectCacheDisabled(b *testing.B) {
	env := testenv.NewWith(b, "sqlite", testenv.Options{DisableCache: true})
	user := env.Member(b, testenv.UniqueOrg("bench"), "bench-user")
	data := user.MustDo(`mutation { createPersonalAccessToken(input:{name:"bench", scopes:["OR.Jobs","OR.Queues.Read"]}) { token } }`, nil)
	secret := data["createPersonalAccessToken"].(map[string]any)["token"].(string)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if info, err := env.Service.Introspect(ctx, secret); err != nil || info == nil {
			b.Fatalf("introspect: got %v, %v; want active", info, err)
		}
	}
}
