// Token values that pass the console's check (prefix, base62 body below
// 2^256, CRC-32 checksum: Go's pattoken format) but belong to no token, so
// the server answers NOT_FOUND for them.

import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random well-formed value that no organization has. */
export function unknownTokenValue(): string {
  const digits = [...randomBytes(43)].map((byte) => alphabet.charAt(byte % 62));
  // A leading digit keeps the body below 2^256, whose base62 form starts with 'y'.
  digits[0] = alphabet.charAt((digits[0]?.charCodeAt(0) ?? 0) % 10);
  return withChecksum(digits.join(''));
}

/** opat_ + body + the body's checksum. */
export function withChecksum(body: string): string {
  let n = crc32(`opat_${body}`);
  let sum = '';
  for (let i = 0; i < 6; i++, n = Math.floor(n / 62)) sum = alphabet.charAt(n % 62) + sum;
  return `opat_${body}${sum}`;
}
