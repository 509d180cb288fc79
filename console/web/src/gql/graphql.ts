/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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
 * Narrows the audit trail. Every given condition must hold. An empty list
 * matches nothing.
 */
export type AuditEventFilter = {
  actions?: Array<AuditAction> | null | undefined;
  /** Actors' user IDs (the `sub` claim). */
  actorIds?: Array<string> | null | undefined;
  /** Events at or after this time. */
  since?: string | null | undefined;
  /** Tokens the events are about. */
  tokenIds?: Array<string> | null | undefined;
  /** Events strictly before this time. */
  until?: string | null | undefined;
};

export type CreatePersonalAccessTokenInput = {
  /** Defaults to now plus the maximum lifespan; must be in the future and within it. */
  expiresAt?: string | null | undefined;
  /** 1..100 characters after trimming. */
  name: string;
  /** At least one scope, each from `availableScopes`. */
  scopes: Array<string>;
};

export type CreateWebhookEndpointInput = {
  /** At least one. */
  eventTypes: Array<WebhookEventType>;
  url: string;
};

export type OrderDirection =
  | 'ASC'
  | 'DESC';

/**
 * Narrows the token list. Every given condition must hold. An empty `status` or
 * `ownerIds` list matches nothing.
 */
export type PersonalAccessTokenFilter = {
  /** Effective expiry strictly after this time. */
  expiresAfter?: string | null | undefined;
  /** Effective expiry strictly before this time. */
  expiresBefore?: string | null | undefined;
  /** Last used strictly before this time (never-used tokens never match). */
  lastUsedBefore?: string | null | undefined;
  /** true: never used; false: used at least once. */
  neverUsed?: boolean | null | undefined;
  /** Owners' user IDs (the `sub` claim). */
  ownerIds?: Array<string> | null | undefined;
  /** The token holds every listed scope. */
  scopes?: Array<string> | null | undefined;
  /** Case-insensitive substring of the token name or the owner's name or email; % and _ match themselves. */
  search?: string | null | undefined;
  /** Default [ACTIVE, EXPIRED]: revoked tokens leave the list unless asked for. */
  status?: Array<TokenStatus> | null | undefined;
};

/** Ordering of the token list; ties are broken by ID. */
export type PersonalAccessTokenOrder = {
  direction: OrderDirection;
  field: PersonalAccessTokenOrderField;
};

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

/** A change to the policy; fields left out keep their value. At least one is required. */
export type UpdatePatSettingsInput = {
  enabled?: boolean | null | undefined;
  maxLifespanDays?: number | null | undefined;
  /** 0 turns the stale-token policy off; otherwise 7..730 days. */
  revokeUnusedAfterDays?: number | null | undefined;
};

/** Fields left out keep their value; at least one is required. */
export type UpdateWebhookEndpointInput = {
  eventTypes?: Array<WebhookEventType> | null | undefined;
  url?: string | null | undefined;
};

export type WebhookDeliveryFilter = {
  status?: Array<WebhookDeliveryStatus> | null | undefined;
};

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

export type AuditEventsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: AuditEventFilter | null | undefined;
}>;


export type AuditEventsQuery = { auditEvents: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, action: AuditAction, occurredAt: string, revocationSource: RevocationSource | null, revocationJobId: string | null, requestId: string, clientRequestId: string | null, clientIp: string, actor: { id: string, name: string, email: string, accountType: AccountType }, token: { id: string, name: string, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType } } | null, leakAlert: { url: string, source: string } | null, export: { format: string } | null, webhook: { id: string, url: string } | null, settingsChange: { previousEnabled: boolean, enabled: boolean, previousMaxLifespanDays: number, maxLifespanDays: number, previousRevokeUnusedAfterDays: number, revokeUnusedAfterDays: number } | null }> } };

export type UserFieldsFragment = { id: string, name: string, email: string, accountType: AccountType };

export type TokenFieldsFragment = { id: string, name: string, scopes: Array<string>, createdAt: string, expiresAt: string, lastUsedAt: string | null, status: TokenStatus, revokedAt: string | null, revocationSource: RevocationSource | null, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType }, revokedBy: { id: string, name: string, email: string, accountType: AccountType } | null, rotatedFrom: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null, rotatedTo: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null };

export type TokenLineageFieldsFragment = { id: string, name: string, hint: string, createdAt: string, status: TokenStatus };

export type SettingsFieldsFragment = { enabled: boolean, maxLifespanDays: number, revokeUnusedAfterDays: number, updatedAt: string | null, updatedBy: { id: string, name: string, email: string, accountType: AccountType } | null };

export type WebhookEndpointFieldsFragment = { id: string, url: string, eventTypes: Array<WebhookEventType>, status: WebhookEndpointStatus, failingSince: string | null, lastSuccessAt: string | null, previousSecretExpiresAt: string | null, createdAt: string };

export type WebhookDeliveryFieldsFragment = { id: string, eventId: string, eventType: string, test: boolean, status: WebhookDeliveryStatus, attempts: number, lastHttpStatus: number | null, lastError: string | null, durationMs: number | null, nextAttemptAt: string | null, createdAt: string, finishedAt: string | null };

export type EmailNotificationFieldsFragment = { id: string, eventId: string, eventType: string, to: string, subject: string, text: string, status: string, attempts: number, lastError: string | null, createdAt: string, finishedAt: string | null, recipient: { id: string, name: string, email: string } | null };

export type EmailNotificationsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type EmailNotificationsQuery = { emailNotifications: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, eventId: string, eventType: string, to: string, subject: string, text: string, status: string, attempts: number, lastError: string | null, createdAt: string, finishedAt: string | null, recipient: { id: string, name: string, email: string } | null }> } };

export type TokenRevocationPreviewQueryVariables = Exact<{
  filter: PersonalAccessTokenFilter;
}>;


export type TokenRevocationPreviewQuery = { tokenRevocationPreview: { matchingCount: number, ownerCount: number, confirmation: string, expiresAt: string, sample: Array<{ id: string, name: string, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType } }> } };

export type RevokeTokensMatchingMutationVariables = Exact<{
  filter: PersonalAccessTokenFilter;
  confirmation: string;
}>;


export type RevokeTokensMatchingMutation = { revokeTokensMatching: { id: string, state: RevocationJobState, total: number, revoked: number, finishedAt: string | null } };

export type RevocationJobQueryVariables = Exact<{
  id: string;
}>;


export type RevocationJobQuery = { revocationJob: { id: string, state: RevocationJobState, total: number, revoked: number, finishedAt: string | null } | null };

export type RevocationJobFieldsFragment = { id: string, state: RevocationJobState, total: number, revoked: number, finishedAt: string | null };

export type SessionQueryVariables = Exact<{ [key: string]: never; }>;


export type SessionQuery = { viewerRole: Role, availableScopes: Array<string>, viewer: { id: string, name: string, email: string, accountType: AccountType }, organizationPatSettings: { enabled: boolean, maxLifespanDays: number, revokeUnusedAfterDays: number, updatedAt: string | null, updatedBy: { id: string, name: string, email: string, accountType: AccountType } | null } };

export type OrganizationPatSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type OrganizationPatSettingsQuery = { organizationPatSettings: { enabled: boolean, maxLifespanDays: number, revokeUnusedAfterDays: number, updatedAt: string | null, updatedBy: { id: string, name: string, email: string, accountType: AccountType } | null } };

export type UpdatePatSettingsMutationVariables = Exact<{
  input: UpdatePatSettingsInput;
}>;


export type UpdatePatSettingsMutation = { updatePatSettings: { enabled: boolean, maxLifespanDays: number, revokeUnusedAfterDays: number, updatedAt: string | null, updatedBy: { id: string, name: string, email: string, accountType: AccountType } | null } };

export type PatSettingsImpactQueryVariables = Exact<{
  input: UpdatePatSettingsInput;
}>;


export type PatSettingsImpactQuery = { patSettingsImpact: { tokensExpiring: number, tokensRestored: number, tokensBlocked: number, tokensRevokedAsUnused: number, affectedOwners: number, sample: Array<{ id: string, name: string, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType } }> } };

export type PersonalAccessTokensQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: PersonalAccessTokenFilter | null | undefined;
  orderBy?: PersonalAccessTokenOrder | null | undefined;
}>;


export type PersonalAccessTokensQuery = { personalAccessTokens: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string, scopes: Array<string>, createdAt: string, expiresAt: string, lastUsedAt: string | null, status: TokenStatus, revokedAt: string | null, revocationSource: RevocationSource | null, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType }, revokedBy: { id: string, name: string, email: string, accountType: AccountType } | null, rotatedFrom: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null, rotatedTo: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null }> } };

export type CreatePersonalAccessTokenMutationVariables = Exact<{
  input: CreatePersonalAccessTokenInput;
}>;


export type CreatePersonalAccessTokenMutation = { createPersonalAccessToken: { token: string, personalAccessToken: { id: string, name: string, scopes: Array<string>, createdAt: string, expiresAt: string, lastUsedAt: string | null, status: TokenStatus, revokedAt: string | null, revocationSource: RevocationSource | null, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType }, revokedBy: { id: string, name: string, email: string, accountType: AccountType } | null, rotatedFrom: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null, rotatedTo: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null } } };

export type RotatePersonalAccessTokenMutationVariables = Exact<{
  id: string;
  expiresAt?: string | null | undefined;
}>;


export type RotatePersonalAccessTokenMutation = { rotatePersonalAccessToken: { token: string, personalAccessToken: { id: string, name: string, scopes: Array<string>, createdAt: string, expiresAt: string, lastUsedAt: string | null, status: TokenStatus, revokedAt: string | null, revocationSource: RevocationSource | null, hint: string, owner: { id: string, name: string, email: string, accountType: AccountType }, revokedBy: { id: string, name: string, email: string, accountType: AccountType } | null, rotatedFrom: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null, rotatedTo: { id: string, name: string, hint: string, createdAt: string, status: TokenStatus } | null } } };

export type RevokeTokensMutationVariables = Exact<{
  ids: Array<string> | string;
}>;


export type RevokeTokensMutation = { revokeTokens: { revokedCount: number, tokens: Array<{ id: string, status: TokenStatus }> } };

export type RevokeTokensByValueMutationVariables = Exact<{
  tokens: Array<string> | string;
}>;


export type RevokeTokensByValueMutation = { revokeTokensByValue: { revokedCount: number, results: Array<{ index: number, outcome: RevokeByValueOutcome, token: { id: string, name: string, hint: string, owner: { id: string, name: string, email: string } } | null }> } };

export type OrganizationUsersQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type OrganizationUsersQuery = { users: { nodes: Array<{ id: string, name: string, email: string, accountType: AccountType }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WebhookEndpointsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookEndpointsQuery = { webhookEndpoints: Array<{ id: string, url: string, eventTypes: Array<WebhookEventType>, status: WebhookEndpointStatus, failingSince: string | null, lastSuccessAt: string | null, previousSecretExpiresAt: string | null, createdAt: string }> };

export type CreateWebhookEndpointMutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
}>;


export type CreateWebhookEndpointMutation = { createWebhookEndpoint: { secret: string, endpoint: { id: string, url: string, eventTypes: Array<WebhookEventType>, status: WebhookEndpointStatus, failingSince: string | null, lastSuccessAt: string | null, previousSecretExpiresAt: string | null, createdAt: string } } };

export type UpdateWebhookEndpointMutationVariables = Exact<{
  id: string;
  input: UpdateWebhookEndpointInput;
}>;


export type UpdateWebhookEndpointMutation = { updateWebhookEndpoint: { id: string, url: string, eventTypes: Array<WebhookEventType>, status: WebhookEndpointStatus, failingSince: string | null, lastSuccessAt: string | null, previousSecretExpiresAt: string | null, createdAt: string } };

export type DeleteWebhookEndpointMutationVariables = Exact<{
  id: string;
}>;


export type DeleteWebhookEndpointMutation = { deleteWebhookEndpoint: string };

export type RotateWebhookSecretMutationVariables = Exact<{
  id: string;
}>;


export type RotateWebhookSecretMutation = { rotateWebhookSecret: { secret: string, endpoint: { id: string, url: string, eventTypes: Array<WebhookEventType>, status: WebhookEndpointStatus, failingSince: string | null, lastSuccessAt: string | null, previousSecretExpiresAt: string | null, createdAt: string } } };

export type SendTestWebhookMutationVariables = Exact<{
  id: string;
}>;


export type SendTestWebhookMutation = { sendTestWebhook: { id: string, eventId: string, eventType: string, test: boolean, status: WebhookDeliveryStatus, attempts: number, lastHttpStatus: number | null, lastError: string | null, durationMs: number | null, nextAttemptAt: string | null, createdAt: string, finishedAt: string | null } };

export type RedeliverWebhookMutationVariables = Exact<{
  deliveryId: string;
}>;


export type RedeliverWebhookMutation = { redeliverWebhook: { id: string, eventId: string, eventType: string, test: boolean, status: WebhookDeliveryStatus, attempts: number, lastHttpStatus: number | null, lastError: string | null, durationMs: number | null, nextAttemptAt: string | null, createdAt: string, finishedAt: string | null } };

export type WebhookDeliveriesQueryVariables = Exact<{
  endpointId: string;
  first: number;
  after?: string | null | undefined;
  filter?: WebhookDeliveryFilter | null | undefined;
}>;


export type WebhookDeliveriesQuery = { webhookDeliveries: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, eventId: string, eventType: string, test: boolean, status: WebhookDeliveryStatus, attempts: number, lastHttpStatus: number | null, lastError: string | null, durationMs: number | null, nextAttemptAt: string | null, createdAt: string, finishedAt: string | null }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const UserFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserFields on User {
  id
  name
  email
  accountType
}
    `, {"fragmentName":"UserFields"}) as unknown as TypedDocumentString<UserFieldsFragment, unknown>;
export const TokenLineageFieldsFragmentDoc = new TypedDocumentString(`
    fragment TokenLineageFields on PersonalAccessToken {
  id
  name
  hint
  createdAt
  status
}
    `, {"fragmentName":"TokenLineageFields"}) as unknown as TypedDocumentString<TokenLineageFieldsFragment, unknown>;
export const TokenFieldsFragmentDoc = new TypedDocumentString(`
    fragment TokenFields on PersonalAccessToken {
  id
  name
  owner {
    ...UserFields
  }
  scopes
  createdAt
  expiresAt
  lastUsedAt
  status
  revokedAt
  revokedBy {
    ...UserFields
  }
  revocationSource
  hint
  rotatedFrom {
    ...TokenLineageFields
  }
  rotatedTo {
    ...TokenLineageFields
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment TokenLineageFields on PersonalAccessToken {
  id
  name
  hint
  createdAt
  status
}`, {"fragmentName":"TokenFields"}) as unknown as TypedDocumentString<TokenFieldsFragment, unknown>;
export const SettingsFieldsFragmentDoc = new TypedDocumentString(`
    fragment SettingsFields on OrganizationPatSettings {
  enabled
  maxLifespanDays
  revokeUnusedAfterDays
  updatedAt
  updatedBy {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}`, {"fragmentName":"SettingsFields"}) as unknown as TypedDocumentString<SettingsFieldsFragment, unknown>;
export const WebhookEndpointFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  eventTypes
  status
  failingSince
  lastSuccessAt
  previousSecretExpiresAt
  createdAt
}
    `, {"fragmentName":"WebhookEndpointFields"}) as unknown as TypedDocumentString<WebhookEndpointFieldsFragment, unknown>;
export const WebhookDeliveryFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  eventId
  eventType
  test
  status
  attempts
  lastHttpStatus
  lastError
  durationMs
  nextAttemptAt
  createdAt
  finishedAt
}
    `, {"fragmentName":"WebhookDeliveryFields"}) as unknown as TypedDocumentString<WebhookDeliveryFieldsFragment, unknown>;
export const EmailNotificationFieldsFragmentDoc = new TypedDocumentString(`
    fragment EmailNotificationFields on EmailNotification {
  id
  eventId
  eventType
  recipient {
    id
    name
    email
  }
  to
  subject
  text
  status
  attempts
  lastError
  createdAt
  finishedAt
}
    `, {"fragmentName":"EmailNotificationFields"}) as unknown as TypedDocumentString<EmailNotificationFieldsFragment, unknown>;
export const RevocationJobFieldsFragmentDoc = new TypedDocumentString(`
    fragment RevocationJobFields on RevocationJob {
  id
  state
  total
  revoked
  finishedAt
}
    `, {"fragmentName":"RevocationJobFields"}) as unknown as TypedDocumentString<RevocationJobFieldsFragment, unknown>;
export const AuditEventsDocument = new TypedDocumentString(`
    query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      action
      occurredAt
      actor {
        ...UserFields
      }
      token {
        id
        name
        hint
        owner {
          ...UserFields
        }
      }
      revocationSource
      revocationJobId
      leakAlert {
        url
        source
      }
      export {
        format
      }
      webhook {
        id
        url
      }
      settingsChange {
        previousEnabled
        enabled
        previousMaxLifespanDays
        maxLifespanDays
        previousRevokeUnusedAfterDays
        revokeUnusedAfterDays
      }
      requestId
      clientRequestId
      clientIp
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}`) as unknown as TypedDocumentString<AuditEventsQuery, AuditEventsQueryVariables>;
export const EmailNotificationsDocument = new TypedDocumentString(`
    query EmailNotifications($first: Int!, $after: String) {
  emailNotifications(first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...EmailNotificationFields
    }
  }
}
    fragment EmailNotificationFields on EmailNotification {
  id
  eventId
  eventType
  recipient {
    id
    name
    email
  }
  to
  subject
  text
  status
  attempts
  lastError
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<EmailNotificationsQuery, EmailNotificationsQueryVariables>;
export const TokenRevocationPreviewDocument = new TypedDocumentString(`
    query TokenRevocationPreview($filter: PersonalAccessTokenFilter!) {
  tokenRevocationPreview(filter: $filter) {
    matchingCount
    ownerCount
    confirmation
    expiresAt
    sample {
      id
      name
      hint
      owner {
        ...UserFields
      }
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}`) as unknown as TypedDocumentString<TokenRevocationPreviewQuery, TokenRevocationPreviewQueryVariables>;
export const RevokeTokensMatchingDocument = new TypedDocumentString(`
    mutation RevokeTokensMatching($filter: PersonalAccessTokenFilter!, $confirmation: String!) {
  revokeTokensMatching(filter: $filter, confirmation: $confirmation) {
    ...RevocationJobFields
  }
}
    fragment RevocationJobFields on RevocationJob {
  id
  state
  total
  revoked
  finishedAt
}`) as unknown as TypedDocumentString<RevokeTokensMatchingMutation, RevokeTokensMatchingMutationVariables>;
export const RevocationJobDocument = new TypedDocumentString(`
    query RevocationJob($id: ID!) {
  revocationJob(id: $id) {
    ...RevocationJobFields
  }
}
    fragment RevocationJobFields on RevocationJob {
  id
  state
  total
  revoked
  finishedAt
}`) as unknown as TypedDocumentString<RevocationJobQuery, RevocationJobQueryVariables>;
export const SessionDocument = new TypedDocumentString(`
    query Session {
  viewer {
    ...UserFields
  }
  viewerRole
  organizationPatSettings {
    ...SettingsFields
  }
  availableScopes
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment SettingsFields on OrganizationPatSettings {
  enabled
  maxLifespanDays
  revokeUnusedAfterDays
  updatedAt
  updatedBy {
    ...UserFields
  }
}`) as unknown as TypedDocumentString<SessionQuery, SessionQueryVariables>;
export const OrganizationPatSettingsDocument = new TypedDocumentString(`
    query OrganizationPatSettings {
  organizationPatSettings {
    ...SettingsFields
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment SettingsFields on OrganizationPatSettings {
  enabled
  maxLifespanDays
  revokeUnusedAfterDays
  updatedAt
  updatedBy {
    ...UserFields
  }
}`) as unknown as TypedDocumentString<OrganizationPatSettingsQuery, OrganizationPatSettingsQueryVariables>;
export const UpdatePatSettingsDocument = new TypedDocumentString(`
    mutation UpdatePatSettings($input: UpdatePatSettingsInput!) {
  updatePatSettings(input: $input) {
    ...SettingsFields
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment SettingsFields on OrganizationPatSettings {
  enabled
  maxLifespanDays
  revokeUnusedAfterDays
  updatedAt
  updatedBy {
    ...UserFields
  }
}`) as unknown as TypedDocumentString<UpdatePatSettingsMutation, UpdatePatSettingsMutationVariables>;
export const PatSettingsImpactDocument = new TypedDocumentString(`
    query PatSettingsImpact($input: UpdatePatSettingsInput!) {
  patSettingsImpact(input: $input) {
    tokensExpiring
    tokensRestored
    tokensBlocked
    tokensRevokedAsUnused
    affectedOwners
    sample {
      id
      name
      hint
      owner {
        ...UserFields
      }
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}`) as unknown as TypedDocumentString<PatSettingsImpactQuery, PatSettingsImpactQueryVariables>;
export const PersonalAccessTokensDocument = new TypedDocumentString(`
    query PersonalAccessTokens($first: Int!, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {
  personalAccessTokens(
    first: $first
    after: $after
    filter: $filter
    orderBy: $orderBy
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...TokenFields
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment TokenFields on PersonalAccessToken {
  id
  name
  owner {
    ...UserFields
  }
  scopes
  createdAt
  expiresAt
  lastUsedAt
  status
  revokedAt
  revokedBy {
    ...UserFields
  }
  revocationSource
  hint
  rotatedFrom {
    ...TokenLineageFields
  }
  rotatedTo {
    ...TokenLineageFields
  }
}
fragment TokenLineageFields on PersonalAccessToken {
  id
  name
  hint
  createdAt
  status
}`) as unknown as TypedDocumentString<PersonalAccessTokensQuery, PersonalAccessTokensQueryVariables>;
export const CreatePersonalAccessTokenDocument = new TypedDocumentString(`
    mutation CreatePersonalAccessToken($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) {
    token
    personalAccessToken {
      ...TokenFields
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment TokenFields on PersonalAccessToken {
  id
  name
  owner {
    ...UserFields
  }
  scopes
  createdAt
  expiresAt
  lastUsedAt
  status
  revokedAt
  revokedBy {
    ...UserFields
  }
  revocationSource
  hint
  rotatedFrom {
    ...TokenLineageFields
  }
  rotatedTo {
    ...TokenLineageFields
  }
}
fragment TokenLineageFields on PersonalAccessToken {
  id
  name
  hint
  createdAt
  status
}`) as unknown as TypedDocumentString<CreatePersonalAccessTokenMutation, CreatePersonalAccessTokenMutationVariables>;
export const RotatePersonalAccessTokenDocument = new TypedDocumentString(`
    mutation RotatePersonalAccessToken($id: ID!, $expiresAt: Time) {
  rotatePersonalAccessToken(id: $id, expiresAt: $expiresAt) {
    token
    personalAccessToken {
      ...TokenFields
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}
fragment TokenFields on PersonalAccessToken {
  id
  name
  owner {
    ...UserFields
  }
  scopes
  createdAt
  expiresAt
  lastUsedAt
  status
  revokedAt
  revokedBy {
    ...UserFields
  }
  revocationSource
  hint
  rotatedFrom {
    ...TokenLineageFields
  }
  rotatedTo {
    ...TokenLineageFields
  }
}
fragment TokenLineageFields on PersonalAccessToken {
  id
  name
  hint
  createdAt
  status
}`) as unknown as TypedDocumentString<RotatePersonalAccessTokenMutation, RotatePersonalAccessTokenMutationVariables>;
export const RevokeTokensDocument = new TypedDocumentString(`
    mutation RevokeTokens($ids: [ID!]!) {
  revokeTokens(ids: $ids) {
    revokedCount
    tokens {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeTokensMutation, RevokeTokensMutationVariables>;
export const RevokeTokensByValueDocument = new TypedDocumentString(`
    mutation RevokeTokensByValue($tokens: [String!]!) {
  revokeTokensByValue(tokens: $tokens) {
    revokedCount
    results {
      index
      outcome
      token {
        id
        name
        hint
        owner {
          id
          name
          email
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeTokensByValueMutation, RevokeTokensByValueMutationVariables>;
export const OrganizationUsersDocument = new TypedDocumentString(`
    query OrganizationUsers($after: String) {
  users(first: 100, after: $after) {
    nodes {
      ...UserFields
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment UserFields on User {
  id
  name
  email
  accountType
}`) as unknown as TypedDocumentString<OrganizationUsersQuery, OrganizationUsersQueryVariables>;
export const WebhookEndpointsDocument = new TypedDocumentString(`
    query WebhookEndpoints {
  webhookEndpoints {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  eventTypes
  status
  failingSince
  lastSuccessAt
  previousSecretExpiresAt
  createdAt
}`) as unknown as TypedDocumentString<WebhookEndpointsQuery, WebhookEndpointsQueryVariables>;
export const CreateWebhookEndpointDocument = new TypedDocumentString(`
    mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    secret
    endpoint {
      ...WebhookEndpointFields
    }
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  eventTypes
  status
  failingSince
  lastSuccessAt
  previousSecretExpiresAt
  createdAt
}`) as unknown as TypedDocumentString<CreateWebhookEndpointMutation, CreateWebhookEndpointMutationVariables>;
export const UpdateWebhookEndpointDocument = new TypedDocumentString(`
    mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  eventTypes
  status
  failingSince
  lastSuccessAt
  previousSecretExpiresAt
  createdAt
}`) as unknown as TypedDocumentString<UpdateWebhookEndpointMutation, UpdateWebhookEndpointMutationVariables>;
export const DeleteWebhookEndpointDocument = new TypedDocumentString(`
    mutation DeleteWebhookEndpoint($id: ID!) {
  deleteWebhookEndpoint(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteWebhookEndpointMutation, DeleteWebhookEndpointMutationVariables>;
export const RotateWebhookSecretDocument = new TypedDocumentString(`
    mutation RotateWebhookSecret($id: ID!) {
  rotateWebhookSecret(id: $id) {
    secret
    endpoint {
      ...WebhookEndpointFields
    }
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  eventTypes
  status
  failingSince
  lastSuccessAt
  previousSecretExpiresAt
  createdAt
}`) as unknown as TypedDocumentString<RotateWebhookSecretMutation, RotateWebhookSecretMutationVariables>;
export const SendTestWebhookDocument = new TypedDocumentString(`
    mutation SendTestWebhook($id: ID!) {
  sendTestWebhook(id: $id) {
    ...WebhookDeliveryFields
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  eventId
  eventType
  test
  status
  attempts
  lastHttpStatus
  lastError
  durationMs
  nextAttemptAt
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<SendTestWebhookMutation, SendTestWebhookMutationVariables>;
export const RedeliverWebhookDocument = new TypedDocumentString(`
    mutation RedeliverWebhook($deliveryId: ID!) {
  redeliverWebhook(deliveryId: $deliveryId) {
    ...WebhookDeliveryFields
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  eventId
  eventType
  test
  status
  attempts
  lastHttpStatus
  lastError
  durationMs
  nextAttemptAt
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<RedeliverWebhookMutation, RedeliverWebhookMutationVariables>;
export const WebhookDeliveriesDocument = new TypedDocumentString(`
    query WebhookDeliveries($endpointId: ID!, $first: Int!, $after: String, $filter: WebhookDeliveryFilter) {
  webhookDeliveries(
    endpointId: $endpointId
    first: $first
    after: $after
    filter: $filter
  ) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...WebhookDeliveryFields
    }
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  eventId
  eventType
  test
  status
  attempts
  lastHttpStatus
  lastError
  durationMs
  nextAttemptAt
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>;