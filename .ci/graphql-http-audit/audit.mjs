// The GraphQL-over-HTTP conformance audit: runs every server audit of the
// graphql-http package (pinned in package-lock.json) against POST /query
// of a real pats server, authenticated, prints one line per audit and a
// summary, and exits non-zero if any MUST or SHOULD audit fails (MAY
// audits that fail, such as those of GET, which is not served, are
// listed as notices).
//
// By default it builds the server from this checkout (go build), starts
// it in development mode on a fresh SQLite database in a temporary folder
// and a free port, and signs in as the demo admin through POST
// /admin/api/dev-session. To audit a server already running instead:
//
//   PATS_AUDIT_URL=https://pats.example/query PATS_AUDIT_TOKEN=<session JWT> node audit.mjs
//
//   PATS_AUDIT_SERVER_BIN   a prebuilt pats binary (default: go build)

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { serverAudits } from 'graphql-http';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

async function main() {
  if (process.env.PATS_AUDIT_URL) {
    const token = process.env.PATS_AUDIT_TOKEN;
    if (!token) throw new Error('PATS_AUDIT_URL needs PATS_AUDIT_TOKEN (a session JWT)');
    return audit(process.env.PATS_AUDIT_URL, token);
  }
  const dir = await mkdtemp(join(tmpdir(), 'pats-audit-'));
  try {
    const bin = process.env.PATS_AUDIT_SERVER_BIN || (await build(join(dir, 'pats')));
    const server = await start(bin, dir);
    try {
      return await audit(`${server.url}/query`, await devSession(server.url));
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function build(output) {
  await promisify(execFile)('go', ['build', '-o', output, '.'], { cwd: repoRoot, maxBuffer: 16 << 20 });
  return output;
}

/** Starts bin in development mode (nothing inherited from PATS_*) and resolves once it serves. */
async function start(bin, dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PATS_')));
  Object.assign(env, {
    PATS_ADDR: '127.0.0.1:0',
    PATS_DATABASE_URL: `sqlite:${join(dir, 'pats.db')}`,
    PATS_LOG_FORMAT: 'json',
  });
  const child = spawn(bin, [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before serving:\n${Buffer.concat(stderr)}`));
    });
    // The server logs {"msg":"serving","addr":"127.0.0.1:PORT"} once it listens.
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return; // the development banner
      const entry = JSON.parse(line);
      if (entry.msg === 'serving' && entry.addr) {
        clearTimeout(timer);
        resolve(`http://${entry.addr}`);
      }
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { url, stop };
}

/** A session token of the development organization's admin. */
async function devSession(baseURL) {
  const res = await fetch(`${baseURL}/admin/api/dev-session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'admin' }),
  });
  if (!res.ok) throw new Error(`dev-session: HTTP ${res.status}`);
  return (await res.json()).token;
}

/** Runs the audits one after the other; resolves to the process's exit code. */
/** The audits of each level graphql-http 1.23.1 runs. */
const expectedAudits = { MUST: 13, SHOULD: 23 };

async function audit(url, token) {
  // Every request carries the session, as a real client's would.
  const fetchFn = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const counts = {};
  let failed = 0;
  for (const { id, name, fn } of serverAudits({ url, fetchFn })) {
    const result = await fn();
    const level = name.split(' ')[0];
    const passed = result.status === 'ok';
    counts[level] ??= { passed: 0, failed: 0 };
    counts[level][passed ? 'passed' : 'failed']++;
    if (!passed && level !== 'MAY') failed++;
    // graphql-http's statuses: ok; error (a MUST failed), warn (a SHOULD), notice (a MAY).
    console.log(`${id}  ${result.status.padEnd(6)}  ${name}`);
    if (!passed) {
      console.log(`      ${result.reason}`);
      if (level !== 'MAY') {
        const body = await result.response.text().catch(() => '(body already read)');
        console.log(`      HTTP ${result.response.status} ${result.response.headers.get('content-type')}: ${body.slice(0, 300)}`);
      }
    }
  }
  const summary = ['MUST', 'SHOULD', 'MAY']
    .filter((level) => counts[level])
    .map((level) => `${level} ${counts[level].passed}/${counts[level].passed + counts[level].failed}`)
    .join(', ');
  console.log(`\ngraphql-http audits against ${url}: ${summary} passed`);
  if (failed) console.log(`${failed} MUST or SHOULD audit(s) failed`);
  // graphql-http 1.23.1 has 13 MUST and 23 SHOULD audits: fewer means the
  // suite changed under us (renamed levels, audits gone), not a pass.
  let missing = false;
  for (const [level, want] of Object.entries(expectedAudits)) {
    const got = (counts[level]?.passed ?? 0) + (counts[level]?.failed ?? 0);
    if (got < want) {
      console.log(`only ${got} ${level} audits ran, want at least ${want}: check the graphql-http version`);
      missing = true;
    }
  }
  return failed || missing ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
