import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../gql/enums';
import { ApiError, errorFromGraphQL, isStaleConfirmation } from './ApiError';
import { describeError } from './errorSentences';

const everyCode: ErrorCode[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'PAT_DISABLED',
  'LOCAL_ACCOUNT_REQUIRED',
  'QUOTA_EXCEEDED',
  'INTERNAL',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'COMPLEXITY_LIMIT_EXCEEDED',
];

describe('describeError', () => {
  it.each(everyCode)('says %s as a sentence without the code', (code) => {
    const sentence = describeError(new ApiError(code, 'server text'));
    expect(sentence).toMatch(/^[A-Z].*\.$/);
    expect(sentence).not.toContain(code);
  });

  it('says when to retry after a rate limit', () => {
    const err = errorFromGraphQL({ message: 'x', extensions: { code: 'RATE_LIMITED', retryAfter: 12 } }, 200);
    expect(describeError(err)).toBe('Too many attempts; try again in 12 seconds.');
  });

  it('names the quota', () => {
    const err = errorFromGraphQL({ message: 'x', extensions: { code: 'QUOTA_EXCEEDED', limit: 50 } }, 200);
    expect(describeError(err)).toContain('maximum of 50 active tokens');
  });

  it('takes a caller’s sentence for a code', () => {
    expect(describeError(new ApiError('NOT_FOUND', 'token not found'), { NOT_FOUND: () => 'Token not found.' })).toBe(
      'Token not found.',
    );
  });

  it('says a refused revocation confirmation as a stale preview, without the server’s text', () => {
    // As revokeTokensMatching answers an expired or mismatched confirmation (internal/pat/revoke_matching.go).
    for (const message of [
      'confirmation expired at 2026-12-04T20:00:00.000Z (a preview is valid 10m0s): preview the revocation again',
      'confirmation does not belong to this filter and caller (or was altered): preview the revocation again',
    ]) {
      const err = errorFromGraphQL({ message, extensions: { code: 'BAD_USER_INPUT', field: 'confirmation' } }, 200);
      expect(isStaleConfirmation(err)).toBe(true);
      const sentence = describeError(err);
      expect(sentence).toMatch(
        /^This preview is no longer valid: .*Nothing was revoked\. Preview again to see what matches now\.$/,
      );
      expect(sentence).not.toContain('confirmation');
    }
  });

  it('keeps the server’s text for other bad input', () => {
    const err = errorFromGraphQL(
      {
        message: 'search is longer than 200 characters',
        extensions: { code: 'BAD_USER_INPUT', field: 'filter.search' },
      },
      200,
    );
    expect(isStaleConfirmation(err)).toBe(false);
    expect(describeError(err)).toBe('The server did not accept the input: search is longer than 200 characters.');
    expect(isStaleConfirmation(new ApiError('NOT_FOUND', 'x', { field: 'confirmation' }))).toBe(false);
    expect(isStaleConfirmation(new TypeError('x'))).toBe(false);
  });

  it('has a sentence for failures that are not API errors', () => {
    expect(describeError(new TypeError('x'))).toMatch(/^Something went wrong/);
    expect(describeError(new ApiError('NETWORK', 'fetch failed'))).toMatch(/^Could not reach the server/);
  });
});

describe('errorFromGraphQL', () => {
  it('reads the code and extensions', () => {
    const err = errorFromGraphQL(
      { message: 'tokens not found', extensions: { code: 'NOT_FOUND', ids: ['a', 7, 'b'] } },
      200,
    );
    expect(err.code).toBe('NOT_FOUND');
    expect(err.missingIds).toEqual(['a', 'b']);
  });

  it('falls back on the HTTP status for an unknown or missing code', () => {
    expect(errorFromGraphQL({ message: 'x', extensions: { code: 'SOMETHING_NEW' } }, 401).code).toBe('UNAUTHENTICATED');
    expect(errorFromGraphQL({ message: 'x' }, 503).code).toBe('INTERNAL');
    expect(errorFromGraphQL('nonsense', 200).code).toBe('UNEXPECTED_RESPONSE');
  });

  it('reads the field and latest allowed instant of a bad input', () => {
    const err = errorFromGraphQL(
      {
        message: 'x',
        extensions: { code: 'BAD_USER_INPUT', field: 'expiresAt', latestAllowed: '2027-01-01T00:00:00.000Z' },
      },
      200,
    );
    expect([err.field, err.latestAllowed]).toEqual(['expiresAt', '2027-01-01T00:00:00.000Z']);
  });

  it('reads the refused character of a token name and where it stands', () => {
    const err = errorFromGraphQL(
      {
        message: 'x',
        extensions: { code: 'BAD_USER_INPUT', field: 'name', character: 'U+202E', position: 8 },
      },
      200,
    );
    expect([err.field, err.character, err.position]).toEqual(['name', 'U+202E', 8]);
  });
});
