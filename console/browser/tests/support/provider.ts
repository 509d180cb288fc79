// The identity provider of the browser tests (console/browser/op, started
// by the global setup): its users, and the second server, in production
// mode, that takes its sessions and offers "Sign in with Acme SSO".

/** The console's client at the provider (PATS_CONSOLE_CLIENT_ID). */
export const consoleClientId = 'pats-console';
/** The API's audience in the provider's access tokens (PATS_JWT_AUDIENCE). */
export const apiAudience = 'pats-api';
/** How the sign-in button names the provider (PATS_OIDC_PROVIDER_NAME). */
export const providerName = 'Acme SSO';
/** The organization of the provider's users. */
export const providerOrg = 'acme';

/** The provider's users: typed into its login page; their claims are the service's own names. */
export const providerUsers = {
  admin: {
    id: 'acme-ada',
    username: 'ada@acme.test',
    password: 'correct horse battery staple',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@acme.test',
    claims: { org: providerOrg, role: 'admin', account_type: 'local', name: 'Ada Lovelace', email: 'ada@acme.test' },
  },
  member: {
    id: 'acme-grace',
    username: 'grace@acme.test',
    password: 'another horse battery staple',
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace@acme.test',
    claims: { org: providerOrg, role: 'member', account_type: 'local', name: 'Grace Hopper', email: 'grace@acme.test' },
  },
} as const;

/** The server that signs in through the provider, started by the global setup. */
export function providerBaseURL(): string {
  const url = process.env.PATS_BROWSER_PROVIDER_BASE_URL;
  if (!url) throw new Error('PATS_BROWSER_PROVIDER_BASE_URL is not set: run the tests through playwright.config.ts');
  return url;
}

/** The provider's issuer URL. */
export function providerIssuer(): string {
  const url = process.env.PATS_BROWSER_PROVIDER_ISSUER;
  if (!url) throw new Error('PATS_BROWSER_PROVIDER_ISSUER is not set: run the tests through playwright.config.ts');
  return url;
}
