// `pats seed` against the database of the server under test, for a test
// that needs more tokens than the API lets it create (each user may hold
// 50 active tokens). It writes straight into the database while the server
// runs (SQLite in WAL mode takes the second writer); seeded tokens belong
// to the seed's users (seed-user-000000, …), who already exist after the
// global setup's seed, and are spread over the past year.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The environment `pats` runs with: the given database, JSON logs, no other PATS_* variable inherited. */
export function seedEnv(databaseURL: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PATS_')) env[key] = value;
  }
  return { ...env, PATS_DATABASE_URL: databaseURL, PATS_LOG_FORMAT: 'json' };
}

/** The seed user with this index, as the seed names it (also its user ID, the JWT `sub`). */
export function seedUserId(index: number): string {
  return `seed-user-${String(index).padStart(6, '0')}`;
}

/**
 * Adds tokens of the first `users` seed users to the demo organization:
 * `pats seed --org demo-org --users N --tokens M --seed S`.
 */
export async function seedTokens(users: number, tokens: number, seed: number): Promise<void> {
  const bin = process.env.PATS_BROWSER_PATS_BIN;
  const databaseURL = process.env.PATS_BROWSER_DATABASE_URL;
  if (!bin || !databaseURL)
    throw new Error('PATS_BROWSER_PATS_BIN is not set: run the tests through playwright.config.ts');
  const args = ['seed', '--org', 'demo-org', '--users', `${users}`, '--tokens', `${tokens}`, '--seed', `${seed}`];
  await run(bin, args, { env: seedEnv(databaseURL) });
}
