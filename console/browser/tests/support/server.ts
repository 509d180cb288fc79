// Playwright's global setup: builds the service (or takes a prebuilt
// binary), fills a fresh SQLite database in a temporary folder, starts the
// server in development mode on a free port, waits until it serves, and
// returns the teardown that stops it and removes the folder.
//
//   PATS_BROWSER_SERVER_BIN   a prebuilt `pats` binary (default: go build of the repository)
//
// The server's address reaches the tests (and the config in the workers)
// as PATS_BROWSER_BASE_URL, and what `pats seed` needs to add tokens to its
// database while it runs (see seed.ts) as PATS_BROWSER_PATS_BIN and
// PATS_BROWSER_DATABASE_URL; its log is written to test-results/server.log.

import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createToken } from './api';
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
    const bin = process.env.PATS_BROWSER_SERVER_BIN || (await build(join(dir, 'pats')));
    const databaseURL = `sqlite:${join(dir, 'data', 'pats.db')}`;
    const env = serverEnv(databaseURL);

    // Realistic background data (other users, a year of history, expired,
    // revoked and used tokens) in the demo organization, before any
    // session creates it with the default policy.
    await run(bin, ['seed', '--org', 'demo-org', '--users', '8', '--tokens', '40', '--seed', '7'], { env });
    process.env.PATS_BROWSER_PATS_BIN = bin;
    process.env.PATS_BROWSER_DATABASE_URL = databaseURL;

    const server = await start(bin, env);
    process.env.PATS_BROWSER_BASE_URL = server.url;
    try {
      await seedThroughApi();
    } catch (err) {
      await server.stop();
      throw err;
    }
    console.log(`pats server ${server.url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return async () => {
      await server.stop();
      await cleanup();
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function build(output: string): Promise<string> {
  try {
    await run('go', ['build', '-o', output, '.'], { cwd: repoRoot, env: process.env, maxBuffer: 16 << 20 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`go build of the server failed:\n${stderr}`, { cause: err });
  }
  return output;
}

/**
 * Development mode (no PATS_JWT_SECRET), a free port, the given database;
 * nothing else inherited from PATS_*. Background revocations by filter go
 * in chunks of 50 with 100 ms between them, so a job of a thousand tokens
 * or more runs for seconds and its progress can be watched.
 */
function serverEnv(databaseURL: string): NodeJS.ProcessEnv {
  return {
    ...seedEnv(databaseURL),
    PATS_ADDR: '127.0.0.1:0',
    PATS_REVOCATION_CHUNK_SIZE: '50',
    PATS_REVOCATION_PAUSE: '100ms',
  };
}

interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

async function start(bin: string, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const logPath = join(browserDir, 'test-results', 'server.log');
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
