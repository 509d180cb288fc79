package entity

// RevocationJob is a revocation by filter (an admin's revokeTokensMatching):
// the filter it applies, where it stands and who runs it. Large jobs run
// in chunks, each chunk one transaction that advances Position; a chunk
// is only written by the holder of the lease, which any instance may take
// over once it has expired.
type RevocationJob struct {
	// ID is a ULID, also written into the audit events of the tokens the
	// job revokes.
	ID             string `gorm:"primaryKey"`
	OrganizationID int64
	CreatedByID    int64
	// ConfirmationDigest is the SHA-256 of the preview's confirmation:
	// the same confirmation twice is the same job.
	ConfirmationDigest []byte
	// Filter is the normalized filter (package pat's TokenFilter) as JSON.
	Filter string
	// PreviewAt is the preview's time: tokens created after it are never
	// revoked by the job.
	PreviewAt Time
	// EvaluatedAt is the "now" the filter's statuses and expiries are
	// judged at (the confirming request's time), and LifespanDays the
	// maximum lifespan then, so that every chunk applies the same filter.
	EvaluatedAt  Time
	LifespanDays int

	State   RevocationJobState
	Total   int
	Revoked int
	// PositionCreatedAt (Unix milliseconds) and PositionID are the last
	// token examined, in (created_at, id) order: the next chunk starts
	// after it (0 and "": before the first).
	PositionCreatedAt int64
	PositionID        string
	// Attempts counts the claims of the lease since the last progress: a
	// job that keeps failing is given up (FAILED) rather than retried
	// forever.
	Attempts int
	// LeaseOwner is the instance running the job, until LeaseUntil (Unix
	// milliseconds; 0: nobody, any instance may claim it).
	LeaseOwner string
	LeaseUntil int64

	// The confirming request, stamped on every audit event of the job.
	RequestID       string
	ClientRequestID *string
	ClientIP        string `gorm:"column:client_ip"`
	UserAgent       string

	CreatedAt  Time `gorm:"autoCreateTime:false"`
	FinishedAt *Time
}

// RevocationJobState is where a revocation job stands, spelled as the API
// spells it and stored as such.
type RevocationJobState string

// The job states.
const (
	JobRunning   RevocationJobState = "RUNNING"
	JobSucceeded RevocationJobState = "SUCCEEDED"
	JobFailed    RevocationJobState = "FAILED"
)
