// A webhook receiver for the tests: Node's HTTP server on 127.0.0.1 and a
// free port (the server under test runs with PATS_WEBHOOKS_ALLOW_PRIVATE,
// so http:// and loopback are allowed), answering every request with the
// given status and keeping what arrived. Also the Standard Webhooks
// signature check, done by hand with node:crypto, as a receiver would.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it. */
export interface Received {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface Receiver {
  /** The URL to give the endpoint: http://127.0.0.1:PORT/hook/<name>. */
  url: string;
  /** What arrived so far, oldest first. */
  received: Received[];
  close: () => Promise<void>;
}

/** Starts a receiver that answers status to every request. */
export async function startReceiver(name: string, status: number): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end(status < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook/${name}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Which of secrets sign the request: the HMAC-SHA256 of
 * "{webhook-id}.{webhook-timestamp}.{body}" under the base64 key after
 * "whsec_", compared with each "v1,<base64>" of webhook-signature.
 */
export function signingSecrets(request: Received, secrets: readonly string[]): string[] {
  const id = request.headers['webhook-id'] ?? '';
  const timestamp = request.headers['webhook-timestamp'] ?? '';
  const signatures = (request.headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  return secrets.filter((secret) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest();
    return signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
  });
}
