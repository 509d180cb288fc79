/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      action\n      occurredAt\n      actor {\n        ...UserFields\n      }\n      token {\n        id\n        name\n        hint\n        owner {\n          ...UserFields\n        }\n      }\n      revocationSource\n      revocationJobId\n      leakAlert {\n        url\n        source\n      }\n      export {\n        format\n      }\n      settingsChange {\n        previousEnabled\n        enabled\n        previousMaxLifespanDays\n        maxLifespanDays\n        previousRevokeUnusedAfterDays\n        revokeUnusedAfterDays\n      }\n      requestId\n      clientRequestId\n      clientIp\n    }\n  }\n}": typeof types.AuditEventsDocument,
    "fragment UserFields on User {\n  id\n  name\n  email\n  accountType\n}\n\nfragment TokenFields on PersonalAccessToken {\n  id\n  name\n  owner {\n    ...UserFields\n  }\n  scopes\n  createdAt\n  expiresAt\n  lastUsedAt\n  status\n  revokedAt\n  revokedBy {\n    ...UserFields\n  }\n  revocationSource\n  hint\n}\n\nfragment SettingsFields on OrganizationPatSettings {\n  enabled\n  maxLifespanDays\n  updatedAt\n  updatedBy {\n    ...UserFields\n  }\n}": typeof types.UserFieldsFragmentDoc,
    "query TokenRevocationPreview($filter: PersonalAccessTokenFilter!) {\n  tokenRevocationPreview(filter: $filter) {\n    matchingCount\n    ownerCount\n    confirmation\n    expiresAt\n    sample {\n      id\n      name\n      hint\n      owner {\n        ...UserFields\n      }\n    }\n  }\n}\n\nmutation RevokeTokensMatching($filter: PersonalAccessTokenFilter!, $confirmation: String!) {\n  revokeTokensMatching(filter: $filter, confirmation: $confirmation) {\n    ...RevocationJobFields\n  }\n}\n\nquery RevocationJob($id: ID!) {\n  revocationJob(id: $id) {\n    ...RevocationJobFields\n  }\n}\n\nfragment RevocationJobFields on RevocationJob {\n  id\n  state\n  total\n  revoked\n  finishedAt\n}": typeof types.TokenRevocationPreviewDocument,
    "query Session {\n  viewer {\n    ...UserFields\n  }\n  viewerRole\n  organizationPatSettings {\n    ...SettingsFields\n  }\n  availableScopes\n}": typeof types.SessionDocument,
    "query OrganizationPatSettings {\n  organizationPatSettings {\n    ...SettingsFields\n  }\n}\n\nmutation UpdatePatSettings($input: UpdatePatSettingsInput!) {\n  updatePatSettings(input: $input) {\n    ...SettingsFields\n  }\n}": typeof types.OrganizationPatSettingsDocument,
    "query PersonalAccessTokens($first: Int!, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {\n  personalAccessTokens(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TokenFields\n    }\n  }\n}\n\nmutation CreatePersonalAccessToken($input: CreatePersonalAccessTokenInput!) {\n  createPersonalAccessToken(input: $input) {\n    token\n    personalAccessToken {\n      ...TokenFields\n    }\n  }\n}\n\nmutation RevokeTokens($ids: [ID!]!) {\n  revokeTokens(ids: $ids) {\n    revokedCount\n    tokens {\n      id\n      status\n    }\n  }\n}\n\nmutation RevokeTokensByValue($tokens: [String!]!) {\n  revokeTokensByValue(tokens: $tokens) {\n    revokedCount\n    results {\n      index\n      outcome\n      token {\n        id\n        name\n        hint\n        owner {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n}": typeof types.PersonalAccessTokensDocument,
    "query OrganizationUsers($after: String) {\n  users(first: 100, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.OrganizationUsersDocument,
};
const documents: Documents = {
    "query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      action\n      occurredAt\n      actor {\n        ...UserFields\n      }\n      token {\n        id\n        name\n        hint\n        owner {\n          ...UserFields\n        }\n      }\n      revocationSource\n      revocationJobId\n      leakAlert {\n        url\n        source\n      }\n      export {\n        format\n      }\n      settingsChange {\n        previousEnabled\n        enabled\n        previousMaxLifespanDays\n        maxLifespanDays\n        previousRevokeUnusedAfterDays\n        revokeUnusedAfterDays\n      }\n      requestId\n      clientRequestId\n      clientIp\n    }\n  }\n}": types.AuditEventsDocument,
    "fragment UserFields on User {\n  id\n  name\n  email\n  accountType\n}\n\nfragment TokenFields on PersonalAccessToken {\n  id\n  name\n  owner {\n    ...UserFields\n  }\n  scopes\n  createdAt\n  expiresAt\n  lastUsedAt\n  status\n  revokedAt\n  revokedBy {\n    ...UserFields\n  }\n  revocationSource\n  hint\n}\n\nfragment SettingsFields on OrganizationPatSettings {\n  enabled\n  maxLifespanDays\n  updatedAt\n  updatedBy {\n    ...UserFields\n  }\n}": types.UserFieldsFragmentDoc,
    "query TokenRevocationPreview($filter: PersonalAccessTokenFilter!) {\n  tokenRevocationPreview(filter: $filter) {\n    matchingCount\n    ownerCount\n    confirmation\n    expiresAt\n    sample {\n      id\n      name\n      hint\n      owner {\n        ...UserFields\n      }\n    }\n  }\n}\n\nmutation RevokeTokensMatching($filter: PersonalAccessTokenFilter!, $confirmation: String!) {\n  revokeTokensMatching(filter: $filter, confirmation: $confirmation) {\n    ...RevocationJobFields\n  }\n}\n\nquery RevocationJob($id: ID!) {\n  revocationJob(id: $id) {\n    ...RevocationJobFields\n  }\n}\n\nfragment RevocationJobFields on RevocationJob {\n  id\n  state\n  total\n  revoked\n  finishedAt\n}": types.TokenRevocationPreviewDocument,
    "query Session {\n  viewer {\n    ...UserFields\n  }\n  viewerRole\n  organizationPatSettings {\n    ...SettingsFields\n  }\n  availableScopes\n}": types.SessionDocument,
    "query OrganizationPatSettings {\n  organizationPatSettings {\n    ...SettingsFields\n  }\n}\n\nmutation UpdatePatSettings($input: UpdatePatSettingsInput!) {\n  updatePatSettings(input: $input) {\n    ...SettingsFields\n  }\n}": types.OrganizationPatSettingsDocument,
    "query PersonalAccessTokens($first: Int!, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {\n  personalAccessTokens(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TokenFields\n    }\n  }\n}\n\nmutation CreatePersonalAccessToken($input: CreatePersonalAccessTokenInput!) {\n  createPersonalAccessToken(input: $input) {\n    token\n    personalAccessToken {\n      ...TokenFields\n    }\n  }\n}\n\nmutation RevokeTokens($ids: [ID!]!) {\n  revokeTokens(ids: $ids) {\n    revokedCount\n    tokens {\n      id\n      status\n    }\n  }\n}\n\nmutation RevokeTokensByValue($tokens: [String!]!) {\n  revokeTokensByValue(tokens: $tokens) {\n    revokedCount\n    results {\n      index\n      outcome\n      token {\n        id\n        name\n        hint\n        owner {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n}": types.PersonalAccessTokensDocument,
    "query OrganizationUsers($after: String) {\n  users(first: 100, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.OrganizationUsersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      action\n      occurredAt\n      actor {\n        ...UserFields\n      }\n      token {\n        id\n        name\n        hint\n        owner {\n          ...UserFields\n        }\n      }\n      revocationSource\n      revocationJobId\n      leakAlert {\n        url\n        source\n      }\n      export {\n        format\n      }\n      settingsChange {\n        previousEnabled\n        enabled\n        previousMaxLifespanDays\n        maxLifespanDays\n        previousRevokeUnusedAfterDays\n        revokeUnusedAfterDays\n      }\n      requestId\n      clientRequestId\n      clientIp\n    }\n  }\n}"): typeof import('./graphql').AuditEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment UserFields on User {\n  id\n  name\n  email\n  accountType\n}\n\nfragment TokenFields on PersonalAccessToken {\n  id\n  name\n  owner {\n    ...UserFields\n  }\n  scopes\n  createdAt\n  expiresAt\n  lastUsedAt\n  status\n  revokedAt\n  revokedBy {\n    ...UserFields\n  }\n  revocationSource\n  hint\n}\n\nfragment SettingsFields on OrganizationPatSettings {\n  enabled\n  maxLifespanDays\n  updatedAt\n  updatedBy {\n    ...UserFields\n  }\n}"): typeof import('./graphql').UserFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TokenRevocationPreview($filter: PersonalAccessTokenFilter!) {\n  tokenRevocationPreview(filter: $filter) {\n    matchingCount\n    ownerCount\n    confirmation\n    expiresAt\n    sample {\n      id\n      name\n      hint\n      owner {\n        ...UserFields\n      }\n    }\n  }\n}\n\nmutation RevokeTokensMatching($filter: PersonalAccessTokenFilter!, $confirmation: String!) {\n  revokeTokensMatching(filter: $filter, confirmation: $confirmation) {\n    ...RevocationJobFields\n  }\n}\n\nquery RevocationJob($id: ID!) {\n  revocationJob(id: $id) {\n    ...RevocationJobFields\n  }\n}\n\nfragment RevocationJobFields on RevocationJob {\n  id\n  state\n  total\n  revoked\n  finishedAt\n}"): typeof import('./graphql').TokenRevocationPreviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Session {\n  viewer {\n    ...UserFields\n  }\n  viewerRole\n  organizationPatSettings {\n    ...SettingsFields\n  }\n  availableScopes\n}"): typeof import('./graphql').SessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OrganizationPatSettings {\n  organizationPatSettings {\n    ...SettingsFields\n  }\n}\n\nmutation UpdatePatSettings($input: UpdatePatSettingsInput!) {\n  updatePatSettings(input: $input) {\n    ...SettingsFields\n  }\n}"): typeof import('./graphql').OrganizationPatSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PersonalAccessTokens($first: Int!, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {\n  personalAccessTokens(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TokenFields\n    }\n  }\n}\n\nmutation CreatePersonalAccessToken($input: CreatePersonalAccessTokenInput!) {\n  createPersonalAccessToken(input: $input) {\n    token\n    personalAccessToken {\n      ...TokenFields\n    }\n  }\n}\n\nmutation RevokeTokens($ids: [ID!]!) {\n  revokeTokens(ids: $ids) {\n    revokedCount\n    tokens {\n      id\n      status\n    }\n  }\n}\n\nmutation RevokeTokensByValue($tokens: [String!]!) {\n  revokeTokensByValue(tokens: $tokens) {\n    revokedCount\n    results {\n      index\n      outcome\n      token {\n        id\n        name\n        hint\n        owner {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql').PersonalAccessTokensDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OrganizationUsers($after: String) {\n  users(first: 100, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql').OrganizationUsersDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
