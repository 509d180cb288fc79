// The service's API as the tests use it to arrange data: demo sessions from
// POST /admin/api/dev-session and GraphQL on POST /query, with Node's fetch.

export type Role = 'admin' | 'member' | 'directory';

/** The demo identities of the development organization, as the console shows them. */
export const demoUsers = {
  admin: { id: 'demo-admin', name: 'Demo Admin', email: 'admin@demo.example' },
  member: { id: 'demo-member', name: 'Demo Member', email: 'member@demo.example' },
  directory: { id: 'demo-directory', name: 'Demo Directory User', email: 'directory@demo.example' },
} as const;

/** The server under test, started by the global setup. */
export function baseURL(): string {
  const url = process.env.PATS_BROWSER_BASE_URL;
  if (!url) throw new Error('PATS_BROWSER_BASE_URL is not set: run the tests through playwright.config.ts');
  return url;
}

const sessions = new Map<Role, Promise<string>>();

/** A session token of a demo identity (one per role and worker). */
export function devSession(role: Role): Promise<string> {
  let session = sessions.get(role);
  if (!session) {
    session = (async () => {
      const response = await fetch(`${baseURL()}/admin/api/dev-session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role }),
      });
      if (!response.ok) throw new Error(`dev-session ${role}: HTTP ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    })();
    sessions.set(role, session);
  }
  return session;
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Runs one GraphQL operation as role; any error fails the test. */
export async function graphql<T>(role: Role, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${baseURL()}/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await devSession(role)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  if (body.errors?.length || !body.data) {
    throw new Error(`GraphQL as ${role}: HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

export interface CreatedToken {
  id: string;
  name: string;
  hint: string;
  /** The secret, as the API returns it this once. */
  token: string;
}

/** Creates a token as role (a local account) with the default expiry. */
export async function createToken(
  role: Role,
  name: string,
  scopes: string[] = ['OR.Jobs.Read'],
): Promise<CreatedToken> {
  const data = await graphql<{
    createPersonalAccessToken: { token: string; personalAccessToken: { id: string; name: string; hint: string } };
  }>(
    role,
    `
      mutation Create($input: CreatePersonalAccessTokenInput!) {
        createPersonalAccessToken(input: $input) {
          token
          personalAccessToken {
            id
            name
            hint
          }
        }
      }
    `,
    { input: { name, scopes } },
  );
  const { token, personalAccessToken } = data.createPersonalAccessToken;
  return { ...personalAccessToken, token };
}

export interface ListedTokens {
  totalCount: number;
  names: string[];
}

/** The first page of the inventory as the admin sees it through the API. */
export async function listTokens(
  filter: Record<string, unknown> | null,
  orderBy: { field: string; direction: 'ASC' | 'DESC' },
  first = 50,
): Promise<ListedTokens> {
  const data = await graphql<{ personalAccessTokens: { totalCount: number; nodes: Array<{ name: string }> } }>(
    'admin',
    `
      query List($first: Int!, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {
        personalAccessTokens(first: $first, filter: $filter, orderBy: $orderBy) {
          totalCount
          nodes {
            name
          }
        }
      }
    `,
    { first, filter, orderBy },
  );
  return {
    totalCount: data.personalAccessTokens.totalCount,
    names: data.personalAccessTokens.nodes.map((n) => n.name),
  };
}

/** The organization's maximum lifespan, in days. */
export async function maxLifespanDays(): Promise<number> {
  const data = await graphql<{ organizationPatSettings: { maxLifespanDays: number } }>(
    'admin',
    '{ organizationPatSettings { maxLifespanDays } }',
  );
  return data.organizationPatSettings.maxLifespanDays;
}

/** Sets the maximum lifespan through the API (to restore it after a test). */
export async function setMaxLifespanDays(days: number): Promise<void> {
  await graphql(
    'admin',
    'mutation Set($days: Int!) { updatePatSettings(input: { maxLifespanDays: $days }) { maxLifespanDays } }',
    {
      days,
    },
  );
}

/** Revokes tokens by ID as role. */
export async function revokeTokens(role: Role, ids: string[]): Promise<void> {
  await graphql(role, 'mutation Revoke($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }', { ids });
}

export interface OrganizationUser {
  id: string;
  name: string;
  email: string;
}

/** A user of the demo organization by ID, as the admin sees it through the API. */
export async function organizationUser(id: string): Promise<OrganizationUser> {
  const data = await graphql<{ users: { nodes: OrganizationUser[] } }>(
    'admin',
    '{ users(first: 100) { nodes { id name email } } }',
  );
  const user = data.users.nodes.find((u) => u.id === id);
  if (!user) throw new Error(`no user ${id} in the organization`);
  return user;
}

/** How many tokens match filter, as the admin sees it through the API. */
export async function countTokens(filter: Record<string, unknown>): Promise<number> {
  const data = await graphql<{ personalAccessTokens: { totalCount: number } }>(
    'admin',
    'query Count($filter: PersonalAccessTokenFilter) { personalAccessTokens(first: 1, filter: $filter) { totalCount } }',
    { filter },
  );
  return data.personalAccessTokens.totalCount;
}

/** A revocation preview's confirmation for filter, made through the API (as the demo admin). */
export async function previewConfirmation(filter: Record<string, unknown>): Promise<string> {
  const data = await graphql<{ tokenRevocationPreview: { confirmation: string } }>(
    'admin',
    'query Preview($filter: PersonalAccessTokenFilter!) { tokenRevocationPreview(filter: $filter) { confirmation } }',
    { filter },
  );
  return data.tokenRevocationPreview.confirmation;
}

/** The organization's policy, as updatePatSettings takes it. */
export interface PatSettings {
  enabled: boolean;
  maxLifespanDays: number;
  revokeUnusedAfterDays: number;
}

/** The organization's policy through the API. */
export async function patSettings(): Promise<PatSettings> {
  const data = await graphql<{ organizationPatSettings: PatSettings }>(
    'admin',
    '{ organizationPatSettings { enabled maxLifespanDays revokeUnusedAfterDays } }',
  );
  return data.organizationPatSettings;
}

/** Sets the policy through the API (to restore it after a test). */
export async function setPatSettings(input: Partial<PatSettings>): Promise<void> {
  await graphql(
    'admin',
    'mutation Set($input: UpdatePatSettingsInput!) { updatePatSettings(input: $input) { enabled } }',
    { input },
  );
}

export interface PatSettingsImpact {
  tokensExpiring: number;
  tokensRestored: number;
  tokensBlocked: number;
  tokensRevokedAsUnused: number;
  affectedOwners: number;
  sample: Array<{ name: string; hint: string; owner: { email: string } }>;
}

/** What updatePatSettings with input would do now, as the admin's preview counts it. */
export async function patSettingsImpact(input: Partial<PatSettings>): Promise<PatSettingsImpact> {
  const data = await graphql<{ patSettingsImpact: PatSettingsImpact }>(
    'admin',
    `
      query Impact($input: UpdatePatSettingsInput!) {
        patSettingsImpact(input: $input) {
          tokensExpiring
          tokensRestored
          tokensBlocked
          tokensRevokedAsUnused
          affectedOwners
          sample {
            name
            hint
            owner {
              email
            }
          }
        }
      }
    `,
    { input },
  );
  return data.patSettingsImpact;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  status: 'ACTIVE' | 'FAILING';
  lastSuccessAt: string | null;
}

const webhookEndpointFields = 'id url eventTypes status lastSuccessAt';

/** The organization's webhook endpoints through the API, oldest first. */
export async function webhookEndpoints(): Promise<WebhookEndpoint[]> {
  const data = await graphql<{ webhookEndpoints: WebhookEndpoint[] }>(
    'admin',
    `{ webhookEndpoints { ${webhookEndpointFields} } }`,
  );
  return data.webhookEndpoints;
}

/** Adds a webhook endpoint through the API; its secret comes back this once. */
export async function createWebhookEndpoint(
  url: string,
  eventTypes: string[],
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const data = await graphql<{ createWebhookEndpoint: { endpoint: WebhookEndpoint; secret: string } }>(
    'admin',
    `mutation Create($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { secret endpoint { ${webhookEndpointFields} } }
    }`,
    { input: { url, eventTypes } },
  );
  return data.createWebhookEndpoint;
}

/** Deletes every webhook endpoint of the organization (to leave none behind a test). */
export async function deleteWebhookEndpoints(): Promise<void> {
  for (const { id } of await webhookEndpoints()) {
    await graphql('admin', 'mutation Delete($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id });
  }
}

export interface WebhookDelivery {
  id: string;
  eventType: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  lastHttpStatus: number | null;
}

/** Sends a test event to an endpoint through the API and returns its delivery, already attempted. */
export async function sendTestWebhook(id: string): Promise<WebhookDelivery> {
  const data = await graphql<{ sendTestWebhook: WebhookDelivery }>(
    'admin',
    'mutation Test($id: ID!) { sendTestWebhook(id: $id) { id eventType status lastHttpStatus } }',
    { id },
  );
  return data.sendTestWebhook;
}

export interface TokenWithLineage {
  id: string;
  name: string;
  hint: string;
  scopes: string[];
  status: 'ACTIVE' | 'EXPIRED' | 'REVOKED';
  revocationSource: string | null;
  rotatedFrom: { id: string } | null;
  rotatedTo: { id: string } | null;
}

/** The tokens role sees whose name (or owner) contains search, of every status, newest first, with their lineage. */
export async function tokensMatching(role: Role, search: string): Promise<TokenWithLineage[]> {
  const data = await graphql<{ personalAccessTokens: { nodes: TokenWithLineage[] } }>(
    role,
    `
      query Lineage($filter: PersonalAccessTokenFilter) {
        personalAccessTokens(first: 100, filter: $filter) {
          nodes {
            id
            name
            hint
            scopes
            status
            revocationSource
            rotatedFrom {
              id
            }
            rotatedTo {
              id
            }
          }
        }
      }
    `,
    { filter: { search, status: ['ACTIVE', 'EXPIRED', 'REVOKED'] } },
  );
  return data.personalAccessTokens.nodes;
}

export interface EmailNotification {
  id: string;
  to: string;
  subject: string;
  status: string;
  text: string;
}

/** The newest e-mails to token owners (1..100), as the admin sees them through the API. */
export async function emailNotifications(first = 100): Promise<EmailNotification[]> {
  const data = await graphql<{ emailNotifications: { nodes: EmailNotification[] } }>(
    'admin',
    'query Mails($first: Int) { emailNotifications(first: $first) { nodes { id to subject status text } } }',
    { first },
  );
  return data.emailNotifications.nodes;
}
