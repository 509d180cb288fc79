/** How a user signs in to the platform. */
export type AccountType =
  /** A directory (federated) account: may not own personal access tokens. */
  | 'DIRECTORY'
  /** A local account: may own personal access tokens. */
  | 'LOCAL'
  /** The service itself, acting on its own (e.g. revoking on a secret-scanning alert); never signs in. */
  | 'SYSTEM';

/** What an audit event records. */
export type AuditAction =
  /** The organization's token policy changed; `settingsChange` holds the old and new values. */
  | 'SETTINGS_UPDATED'
  /** Someone downloaded tokens as a file (POST /export/tokens); `export` says which. */
  | 'TOKENS_EXPORTED'
  /** A token was created. Its secret is never recorded. */
  | 'TOKEN_CREATED'
  /** A token was revoked; `revocationSource` says how. */
  | 'TOKEN_REVOKED'
  /** A webhook endpoint was added; `webhook` names it. */
  | 'WEBHOOK_CREATED'
  /** A webhook endpoint was deleted; `webhook` has the URL it had. */
  | 'WEBHOOK_DELETED'
  /** A webhook endpoint's signing secret was rotated (the secret is never recorded). */
  | 'WEBHOOK_SECRET_ROTATED'
  /** A webhook endpoint's URL or event types changed; `webhook` has its new URL. */
  | 'WEBHOOK_UPDATED';

/**
 * The codes carried in `errors[].extensions.code`. The schema lists them so
 * typed clients can generate a closed set; no field returns this enum.
 */
export type ErrorCode =
  /** The HTTP request is unusable: not one JSON object (HTTP 400) or over 1 MiB (HTTP 413). */
  | 'BAD_REQUEST'
  /** An argument is invalid; the message says which and why. */
  | 'BAD_USER_INPUT'
  /** The operation costs more than the limit: list fields cost their page size times their children. */
  | 'COMPLEXITY_LIMIT_EXCEEDED'
  /** The caller's role may not perform this operation (or schema introspection is switched off). */
  | 'FORBIDDEN'
  /** The document could not be parsed (HTTP 200 with Accept: application/json; 400 with application/graphql-response+json). */
  | 'GRAPHQL_PARSE_FAILED'
  /** The document does not validate against the schema (HTTP 200 with Accept: application/json; 400 with application/graphql-response+json). */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** An unexpected server error; details are in the server log only. */
  | 'INTERNAL'
  /** Only users with a local account may create personal access tokens. */
  | 'LOCAL_ACCOUNT_REQUIRED'
  /** An object does not exist in the caller's organization (or reach). */
  | 'NOT_FOUND'
  /** Personal access tokens are disabled for the organization. */
  | 'PAT_DISABLED'
  /** An automatic persisted query's hash is unknown: send the query text with it. */
  | 'PERSISTED_QUERY_NOT_FOUND'
  /** The user already holds the maximum number of active tokens. */
  | 'QUOTA_EXCEEDED'
  /** Too many calls; extensions.retryAfter (and the Retry-After header) say when to try again. */
  | 'RATE_LIMITED'
  /** Missing, expired, badly signed or malformed session token (HTTP 401). */
  | 'UNAUTHENTICATED';

export type OrderDirection =
  | 'ASC'
  | 'DESC';

export type PersonalAccessTokenOrderField =
  | 'CREATED_AT'
  /** The effective expiry. */
  | 'EXPIRES_AT'
  /** Never-used tokens sort last in both directions. */
  | 'LAST_USED_AT'
  /** Case-insensitive. */
  | 'NAME';

/** Where a revocation by filter stands. */
export type RevocationJobState =
  /** Given up after repeated failures; the tokens revoked so far stay revoked. Preview again to finish. */
  | 'FAILED'
  /** Revoking, in chunks; `revoked` grows. */
  | 'RUNNING'
  /** Done: every matching token is revoked (by this job or, meanwhile, otherwise). */
  | 'SUCCEEDED';

/** How a token was revoked. */
export type RevocationSource =
  /** By an admin, with `revokeTokens`, when the admin is not the owner. */
  | 'ADMIN'
  /** By an admin who pasted the token's secret value (`revokeTokenByValue`, `revokeTokensByValue`). */
  | 'BY_VALUE'
  /** By an admin's `revokeTokensMatching` (revocation by filter); `AuditEvent.revocationJobId` names the job. */
  | 'FILTER'
  /** By its owner, with `revokeTokens`. */
  | 'OWNER'
  /** By the service, because a token rotated away earlier in this token's lineage was presented again (a sign that it leaked). */
  | 'REUSE_DETECTED'
  /** By its owner's `rotatePersonalAccessToken`: replaced by `rotatedTo`. */
  | 'ROTATED'
  /** By the service, when a secret scanner (GitHub) found the token in public code; `AuditEvent.leakAlert` says where. */
  | 'SECRET_SCANNING'
  /** By the service's stale-token sweeper: unused for longer than the organization's `revokeUnusedAfterDays`. */
  | 'UNUSED';

/** What `revokeTokensByValue` did with one value. */
export type RevokeByValueOutcome =
  /** The token was already revoked, or an earlier copy of the value in the same call revoked it. */
  | 'ALREADY_REVOKED'
  /** No token of the organization has this value: malformed, unknown and other organizations' values are all this, alike. */
  | 'NOT_FOUND'
  /** This call revoked the token. */
  | 'REVOKED';

export type RevokeOutcome =
  | 'ALREADY_REVOKED'
  | 'REVOKED';

/** The caller's role in their organization, as their session token states it. */
export type Role =
  /** May change the policy, see and revoke every token, revoke by value, and read the audit trail. */
  | 'ADMIN'
  /** May create (local accounts), see and revoke their own tokens, and read the policy. */
  | 'MEMBER';

/** The lifecycle state of a personal access token. */
export type TokenStatus =
  /** Not revoked and its effective expiry is in the future. */
  | 'ACTIVE'
  /** Not revoked, but its effective expiry has passed. */
  | 'EXPIRED'
  /** Revoked: permanently unusable. */
  | 'REVOKED';

export type WebhookDeliveryStatus =
  /** The retries are exhausted (a test delivery is not retried); `redeliverWebhook` tries again. */
  | 'FAILED'
  /** Not delivered yet: due at `nextAttemptAt`. */
  | 'PENDING'
  | 'SUCCEEDED';

/** A webhook endpoint's health. */
export type WebhookEndpointStatus =
  /** Deliveries succeed, or are being retried. */
  | 'ACTIVE'
  /** A delivery gave up after its retries (at least 24 hours); the next success makes it ACTIVE again. */
  | 'FAILING';

/** The events a webhook endpoint may subscribe to. The payload's `type` spells them dotted and lower case (TOKEN_REVOKED is `token.revoked`). */
export type WebhookEventType =
  | 'SETTINGS_UPDATED'
  | 'TOKEN_CREATED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_EXPIRING'
  | 'TOKEN_REVOKED'
  | 'TOKEN_ROTATED'
  | 'TOKEN_STALE_WARNING';
