package pat

import (
	"context"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat/usage"
	"github.com/patgov/pats/internal/store"
)

// Store is what the admin Service needs of persistence: the domain declares
// it, *store.Store implements it in SQL, and the rules can be tested over
// either. Each write takes a callback that applies the rules to the rows it
// has locked, inside its transaction, so a rule that refuses writes nothing.
type Store interface {
	Ping(ctx context.Context) error
	Provision(ctx context.Context, id store.Identity, defaults store.OrgDefaults, now entity.Time) (org *entity.Organization, user *entity.User, refreshed bool, err error)
	UsersByIDs(ctx context.Context, orgID int64, ids []int64) ([]*entity.User, error)
	ListUsers(ctx context.Context, q store.UserQuery) ([]*entity.User, error)

	ListTokens(ctx context.Context, q store.ListQuery) ([]*entity.PersonalAccessToken, error)
	CountTokens(ctx context.Context, q store.ListQuery) (int64, error)
	CreateToken(ctx context.Context, orgID, ownerID int64, now entity.Time,
		build func(org *entity.Organization, activeTokens int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error),
	) (*entity.PersonalAccessToken, *entity.Organization, error)
	RevokeTokens(ctx context.Context, reach store.Reach, ids []string, by int64, now entity.Time,
		plan func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error),
	) ([]*entity.PersonalAccessToken, int64, error)
	RevokeByDigest(ctx context.Context, orgID int64, digest []byte, by int64, now entity.Time,
		audit func(tok *entity.PersonalAccessToken) *entity.AuditEvent,
	) (*entity.PersonalAccessToken, bool, error)
	RevokeByDigests(ctx context.Context, orgID int64, digests [][]byte, by int64, now entity.Time,
		audit func(unrevoked []*entity.PersonalAccessToken) []*entity.AuditEvent,
	) ([]*entity.PersonalAccessToken, int64, error)

	RevokeLeaked(ctx context.Context, digests [][]byte, actor store.SystemActor, now entity.Time,
		audit func(r store.LeakedRevocation) []*entity.AuditEvent,
	) ([]*entity.PersonalAccessToken, int64, error)

	CountMatching(ctx context.Context, q store.ListQuery) (tokens, owners int64, err error)
	StartRevocationJob(ctx context.Context, job *entity.RevocationJob, q store.JobQuery, inline int, now entity.Time,
		audit store.JobAudit,
	) (*entity.RevocationJob, bool, [][]byte, error)
	RevokeJobChunk(ctx context.Context, jobID, owner string, leaseUntil int64, q store.JobQuery, size int, now entity.Time,
		audit store.JobAudit,
	) (*entity.RevocationJob, [][]byte, error)
	ClaimRevocationJob(ctx context.Context, owner string, now entity.Time, leaseUntil int64, maxAttempts int) (*entity.RevocationJob, error)
	FailRevocationJob(ctx context.Context, jobID, owner string, now entity.Time) error
	ReleaseRevocationJob(ctx context.Context, jobID, owner string) error
	RevocationJob(ctx context.Context, orgID int64, id string) (*entity.RevocationJob, error)

	UpdateSettings(ctx context.Context, orgID int64, apply func(org *entity.Organization) (*entity.AuditEvent, error)) (*entity.Organization, error)
	SettingsImpact(ctx context.Context, q store.ImpactQuery) (*store.Impact, error)
	AcquireLease(ctx context.Context, name, owner string, now entity.Time, leaseUntil int64) error
	ReleaseLease(ctx context.Context, name, owner string) error
	RecordExpiryNotices(ctx context.Context, q store.ExpiryQuery, events func(n []store.ExpiryNotice) []*entity.OutboxEvent) (noticed int, full bool, err error)
	Organizations(ctx context.Context) ([]*entity.Organization, error)
	RotateToken(ctx context.Context, orgID, ownerID int64, oldID string, now entity.Time,
		build func(r store.Rotation) (*store.RotationPlan, error)) (*store.RotationPlan, *entity.Organization, error)
	RevokeLineage(ctx context.Context, orgID int64, fromID string, actor store.SystemActor, now entity.Time,
		audit func(r store.LineageRevocation) []*entity.AuditEvent) ([][]byte, error)
	TokensByIDs(ctx context.Context, reach store.Reach, ids []string) ([]*entity.PersonalAccessToken, error)
	Successors(ctx context.Context, reach store.Reach, ids []string) ([]*entity.PersonalAccessToken, error)
	CreateWebhookEndpoint(ctx context.Context, e *entity.WebhookEndpoint, max int, event *entity.AuditEvent) error
	WebhookEndpoints(ctx context.Context, orgID int64) ([]*entity.WebhookEndpoint, error)
	WebhookEndpoint(ctx context.Context, orgID int64, id string) (*entity.WebhookEndpoint, error)
	UpdateWebhookEndpoint(ctx context.Context, orgID int64, id string, apply func(e *entity.WebhookEndpoint) (*entity.AuditEvent, error)) (*entity.WebhookEndpoint, error)
	DeleteWebhookEndpoint(ctx context.Context, orgID int64, id string, event func(e *entity.WebhookEndpoint) *entity.AuditEvent) error
	DispatchOutbox(ctx context.Context, limit int, now entity.Time, build func(b store.OutboxBatch) []*entity.Delivery) (int, error)
	ClaimDeliveries(ctx context.Context, owner string, now entity.Time, leaseUntil int64, limit int) ([]*entity.Delivery, error)
	RecordAttempt(ctx context.Context, d *entity.Delivery, owner string, o store.AttemptOutcome) error
	InsertDelivery(ctx context.Context, d *entity.Delivery) error
	Delivery(ctx context.Context, orgID int64, id string) (*entity.Delivery, error)
	ListDeliveries(ctx context.Context, q store.DeliveryQuery) ([]*entity.Delivery, error)
	StalePolicies(ctx context.Context) ([]*entity.Organization, error)
	RevokeStaleChunk(ctx context.Context, q store.StaleQuery, actor store.SystemActor, now entity.Time,
		audit func(r store.StaleRevocation) []*entity.AuditEvent) (digests [][]byte, full bool, err error)
	RecordStaleWarnings(ctx context.Context, q store.StaleQuery, events func(w []store.StaleWarning) []*entity.OutboxEvent) (warned int, full bool, err error)
	ListAuditEvents(ctx context.Context, q store.AuditQuery) ([]*entity.AuditEvent, error)
	RecordEvent(ctx context.Context, orgID int64, e *entity.AuditEvent) error
}

// CredentialStore is what the Validator, the introspection hot path, needs
// of persistence: credentials by digest, the changes that invalidate its
// cache (and the pruning of the revocation log they come from), and the
// batched recording of uses.
type CredentialStore interface {
	CredentialByDigest(ctx context.Context, digest []byte) (*store.Credential, error)
	ChangesSince(ctx context.Context, since entity.Time) (*store.Changes, error)
	RevocationDigests(ctx context.Context, ids []int64) ([][]byte, error)
	PruneRevocationLog(ctx context.Context, before entity.Time) (int64, error)
	usage.Writer
}

// Both interfaces are the SQL store's methods.
var (
	_ Store           = (*store.Store)(nil)
	_ CredentialStore = (*store.Store)(nil)
)
