// The service's token values, checked and found in the browser: the format
// of Go's pattoken (prefix, 43 base62 body digits below 2^256, a 6-digit
// base62 CRC-32 of prefix and body), and every such value in pasted text of
// any shape (a CI log, an .env file, JSON, a list). Only values that pass
// the check are ever sent, so a typo or a look-alike never leaves the page.

/** Starts every token value. */
export const tokenPrefix = 'opat_';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const bodyLength = 43;
const checksumLength = 6;
/** A value's length: the prefix, the body and the checksum. */
export const tokenValueLength = tokenPrefix.length + bodyLength + checksumLength;

// The largest body, 2^256-1 in base62. The alphabet is in ASCII order and
// bodies have a fixed width, so comparing the strings compares the numbers.
const maxBody = 'yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1';

const base62Run = /^[0-9A-Za-z]*/;
const base62Only = /^[0-9A-Za-z]+$/;

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as Go's crc32.ChecksumIEEE.
const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of an ASCII string (one byte per character). */
function crc32(ascii: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) {
    crc = (crcTable[(crc ^ ascii.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The checksum of prefix and body: their CRC-32 in base62, big-endian, left-padded with '0'. */
function checksum(prefixAndBody: string): string {
  let n = crc32(prefixAndBody);
  let out = '';
  for (let i = 0; i < checksumLength; i++) {
    out = alphabet.charAt(n % 62) + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** Whether value is exactly one well-formed token value, as pattoken.Parse checks it (no trimming). */
export function isTokenValue(value: string): boolean {
  if (value.length !== tokenValueLength || !value.startsWith(tokenPrefix)) return false;
  const rest = value.slice(tokenPrefix.length);
  if (!base62Only.test(rest)) return false;
  const body = rest.slice(0, bodyLength);
  if (body > maxBody) return false;
  return rest.slice(bodyLength) === checksum(tokenPrefix + body);
}

/** The token values in a text. */
export interface FoundTokens {
  /** Each distinct value once, in the order first seen. */
  values: string[];
  /** How many times values occur, repeats included. */
  occurrences: number;
  /** Look-alikes: the prefix followed by letters and digits that are not a value (cut off, mistyped, longer). */
  rejected: number;
}

/**
 * Every token value in text. A value ends where the letters and digits end:
 * one followed by more of them is no value (it is counted as rejected).
 * Nothing is needed before the prefix, so values glued to an escape or an
 * encoding (`\nopat_…`, `%3Dopat_…`) are found too; the checksum keeps
 * false matches out.
 */
export function findTokens(text: string): FoundTokens {
  const seen = new Set<string>();
  let occurrences = 0;
  let rejected = 0;
  // "opat_" cannot overlap itself, and the letters and digits after one
  // stop at the next one's "_", so no value hides inside another's match.
  for (let at = text.indexOf(tokenPrefix); at >= 0; at = text.indexOf(tokenPrefix, at + tokenPrefix.length)) {
    const run = base62Run.exec(text.slice(at + tokenPrefix.length, at + tokenValueLength + 1))?.[0] ?? '';
    if (run === '') continue; // "opat_…" in prose, a placeholder
    const value = tokenPrefix + run;
    if (isTokenValue(value)) {
      occurrences++;
      seen.add(value);
    } else {
      rejected++;
    }
  }
  return { values: [...seen], occurrences, rejected };
}
