import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../gql/enums';
import { ApiError, errorFromGraphQL } from './ApiError';
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
