// Playwright's global setup: builds the service (or takes a prebuilt
// binary), fills a fresh SQLite database in a temporary folder, starts the
// server in development mode on a free port, waits until it serves, and
// returns the teardown that stops it and removes the folder.
//
// Beside it, for sign-in through an identity provider: the test OpenID
// Provider (console/browser/op, built here too) on a free port, and a
// second server in production mode (PATS_OIDC_ISSUER, PATS_CONSOLE_CLIENT_ID)
// on its own database, whose console redirect URI the provider is then
// told to allow.
//
//   PATS_BROWSER_SERVER_BIN   a prebuilt `pats` binary (default: go build of the repository)
//   PATS_BROWSER_OP_BIN       a prebuilt provider (default: go build ./console/browser/op)
//
// The servers' addresses reach the tests (and the config in the workers)
// as PATS_BROWSER_BASE_URL and PATS_BROWSER_PROVIDER_BASE_URL, the
// provider's as PATS_BROWSER_PROVIDER_ISSUER, and what `pats seed` needs to
// add tokens to the first server's database while it runs (see seed.ts) as
// PATS_BROWSER_PATS_BIN and PATS_BROWSER_DATABASE_URL; the logs are written
// to test-results/server.log, server-provider.log and op.log.

import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createToken } from './api';
import { apiAudience, consoleClientId, providerName, providerUsers } from './provider';
import { seedEnv } from './seed';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const browserDir = fileURLToPath(new URL('../../', import.meta.url));

/** Tokens created through the API before the tests: six of each purpose, by the member and the admin. */
export const seededPurposes = ['Build server', 'Laptop sync', 'Release bot', 'Grafana exporter', 'Backup agent'];
export const seededPerPurpose = 6;

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'pats-browser-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const [bin, opBin] = await Promise.all([
      process.env.PATS_BROWSER_SERVER_BIN || build('.', join(dir, 'pats')),
      process.env.PATS_BROWSER_OP_BIN || build('./console/browser/op', join(dir, 'op')),
    ]);
    const env = serverEnv(join(dir, 'data', 'pats.db'));

    // Realistic background data (other users, a year of history, expired,
    // revoked and used tokens) in the demo organization, before any
    // session creates it with the default policy.
    await run(bin, ['seed', '--org', 'demo-org', '--users', '8', '--tokens', '40', '--seed', '7'], { env });
    process.env.PATS_BROWSER_PATS_BIN = bin;
    process.env.PATS_BROWSER_DATABASE_URL = env.PATS_DATABASE_URL;

    const stops: Array<() => Promise<void>> = [];
    const stopAll = async () => {
      for (const stop of stops.reverse()) await stop();
    };
    try {
      const server = await start(bin, env, 'server.log');
      stops.push(server.stop);
      process.env.PATS_BROWSER_BASE_URL = server.url;
      await seedThroughApi();

      const provider = await startProvider(opBin);
      stops.push(provider.stop);
      process.env.PATS_BROWSER_PROVIDER_ISSUER = provider.issuer;
      const signingIn = await start(
        bin,
        providerServerEnv(join(dir, 'provider', 'pats.db'), provider.issuer),
        'server-provider.log',
      );
      stops.push(signingIn.stop);
      process.env.PATS_BROWSER_PROVIDER_BASE_URL = signingIn.url;
      await provider.allowRedirect(`${signingIn.url}/admin/`);
      console.log(
        `pats servers ${server.url} and ${signingIn.url} (provider ${provider.issuer}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      await stopAll();
      throw err;
    }
    return async () => {
      await stopAll();
      await cleanup();
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function build(pkg: string, output: string): Promise<string> {
  try {
    await run('go', ['build', '-o', output, pkg], { cwd: repoRoot, env: process.env, maxBuffer: 16 << 20 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`go build of ${pkg} failed:\n${stderr}`, { cause: err });
  }
  return output;
}

/**
 * Development mode (no PATS_JWT_SECRET), a free port, the given database
 * file; nothing else inherited from PATS_*. Background revocations by
 * filter go in chunks of 50 with 100 ms between them, so a job of a
 * thousand tokens or more runs for seconds and its progress can be watched.
 * Webhook endpoints may be http:// and on loopback, where the tests run
 * their receivers (tests/support/receiver.ts).
 */
function serverEnv(database: string): NodeJS.ProcessEnv {
  return {
    ...seedEnv(`sqlite:${database}`),
    PATS_ADDR: '127.0.0.1:0',
    PATS_REVOCATION_CHUNK_SIZE: '50',
    PATS_REVOCATION_PAUSE: '100ms',
    PATS_WEBHOOKS_ALLOW_PRIVATE: 'true',
  };
}

/**
 * Production mode with the test provider's sessions and the console's
 * sign-in through it; the metrics on a free port of their own.
 */
function providerServerEnv(database: string, issuer: string): NodeJS.ProcessEnv {
  return {
    ...serverEnv(database),
    PATS_OIDC_ISSUER: issuer,
    PATS_JWT_AUDIENCE: apiAudience,
    PATS_CONSOLE_CLIENT_ID: consoleClientId,
    PATS_OIDC_PROVIDER_NAME: providerName,
    PATS_METRICS_ADDR: '127.0.0.1:0',
  };
}

interface RunningProvider {
  issuer: string;
  /** Tells the provider to accept uri as the console's redirect URI. */
  allowRedirect: (uri: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** Starts console/browser/op with the test users; it stops when its standard input closes. */
async function startProvider(bin: string): Promise<RunningProvider> {
  const logPath = join(browserDir, 'test-results', 'op.log');
  await mkdir(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath);
  const users = Object.values(providerUsers);
  const child = spawn(bin, ['-client-id', consoleClientId, '-audience', apiAudience, '-users', JSON.stringify(users)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting = new Map<string, () => void>();
  let ready: (issuer: string) => void = () => {};
  const issuer = new Promise<string>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`the provider exited with ${code}; see ${logPath}`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    log.write(`${line}\n`);
    const entry = JSON.parse(line) as { msg?: string; issuer?: string; uri?: string };
    if (entry.msg === 'serving' && entry.issuer) ready(entry.issuer);
    if (entry.msg === 'redirect allowed' && entry.uri) waiting.get(entry.uri)?.();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  const timeout = <T>(p: Promise<T>, what: string) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what} within 30 s; see ${logPath}`)), 30_000).unref(),
      ),
    ]);
  try {
    const url = await timeout(issuer, 'the provider did not start');
    return {
      issuer: url,
      allowRedirect: (uri) =>
        timeout(
          new Promise<void>((resolve) => {
            waiting.set(uri, resolve);
            child.stdin.write(`${uri}\n`);
          }),
          `the provider did not allow ${uri}`,
        ),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

async function start(bin: string, env: NodeJS.ProcessEnv, logName: string): Promise<RunningServer> {
  const logPath = join(browserDir, 'test-results', logName);
  await mkdir(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath);
  const child = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };

  // The server logs {"msg":"serving","addr":"127.0.0.1:PORT"} once it listens.
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s; see ${logPath}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before serving; see ${logPath}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      if (!line.startsWith('{')) return; // the development banner
      const entry = JSON.parse(line) as { msg?: string; addr?: string };
      if (entry.msg === 'serving' && entry.addr) {
        clearTimeout(timer);
        resolve(`http://${entry.addr}`);
      }
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, stop };
}

async function seedThroughApi(): Promise<void> {
  for (let i = 1; i <= seededPerPurpose; i++) {
    for (const [p, purpose] of seededPurposes.entries()) {
      const role = (i + p) % 2 === 0 ? 'admin' : 'member';
      await createToken(
        role,
        `${purpose} ${String(i).padStart(2, '0')}`,
        p % 2 === 0 ? ['OR.Jobs', 'OR.Queues.Read'] : ['OR.Assets.Read'],
      );
    }
  }
}
