package pat

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat/credcache"
	"github.com/patgov/pats/internal/pat/usage"
)

// Validator answers whether a token authenticates, for resource servers,
// on every request they serve: the hot path. It holds what that path needs
// and nothing else: the validation cache and the change poll that keeps it
// fresh, and the batched recording of token uses. The admin Service shares
// it to invalidate this instance's cache on its own writes.
type Validator struct {
	store CredentialStore
	now   func() time.Time
	// cache holds validated credentials (nil: disabled).
	cache                  *credcache.Cache
	cacheHits, cacheMisses atomic.Int64
	// uses batches the recording of token uses.
	uses *usage.Recorder
	// reuse, set by the service, revokes the lineage of a token rotated
	// away that is presented again; reuseGate throttles it per token.
	reuse     func(ctx context.Context, orgID int64, tokenID string)
	reuseGate reuseGate
}

// ValidatorConfig configures a Validator.
type ValidatorConfig struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// CacheSize bounds the validation cache (tokens); 0 disables it.
	CacheSize int
	// UsageInterval is how often token uses are written (default 5 s).
	UsageInterval time.Duration
	// OnUsesFlushed, when set, is told the size and outcome of every
	// batched write of token uses (metrics).
	OnUsesFlushed func(size int, err error)
}

// NewValidator returns a validator over st.
func NewValidator(st CredentialStore, cfg ValidatorConfig) *Validator {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Validator{
		store: st, now: now,
		cache: credcache.New(cfg.CacheSize, CacheStaleness),
		uses:  usage.NewRecorder(st, usage.Options{Interval: cfg.UsageInterval, Now: now, OnFlush: cfg.OnUsesFlushed}),
	}
}

// clock returns the current time at the storage precision.
func (v *Validator) clock() entity.Time { return entity.TimeOf(v.now()) }
