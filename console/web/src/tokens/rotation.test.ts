import { describe, expect, it } from 'vitest';
import { ApiError, errorFromGraphQL } from '../api/ApiError';
import { formatDateTime } from '../format/dates';
import { rotationRefusal } from './rotation';

// As rotatePersonalAccessToken answers (internal/pat/rotation.go).
const refusal = (message: string, extensions: Record<string, unknown>) =>
  rotationRefusal(errorFromGraphQL({ message, extensions }, 200));

describe('rotationRefusal', () => {
  it('puts a refused expiry beside the date, with the latest allowed', () => {
    const latest = '2027-03-01T12:00:00Z';
    expect(
      refusal('expiresAt is past the maximum lifespan', {
        code: 'BAD_USER_INPUT',
        field: 'expiresAt',
        latestAllowed: latest,
      }),
    ).toEqual({
      field: 'expiresAt',
      message: `Choose a date no later than ${formatDateTime(latest)}, the longest lifespan allowed.`,
    });
  });

  it('says a token no longer active cannot be rotated', () => {
    const { field, message } = refusal('only an active token can be rotated; create a new one instead', {
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(field).toBeNull();
    expect(message).toMatch(/^Only an active token can be rotated, .*generate a new token instead\.$/);
  });

  it.each([
    [1, 'so the 1 token that replaced it was revoked too'],
    [2, 'so the 2 tokens that replaced it were revoked too'],
    [0, 'the tokens that replaced it are no longer active'],
  ])('says reuse with %i successors revoked', (revoked, words) => {
    const { field, message } = refusal(
      `this token was already rotated: using it again looks like a leak, so the ${revoked} active token(s) that replaced it were revoked`,
      { code: 'BAD_USER_INPUT', field: 'id', revoked },
    );
    expect(field).toBeNull();
    expect(message).toMatch(/^This token was already rotated[.,] /);
    expect(message).toContain(words);
    expect(message).toMatch(/Generate a new token, and check where the old value was copied\.$/);
  });

  it.each([
    ['NOT_FOUND', /^That token no longer exists in your organization, so nothing was rotated\./],
    ['PAT_DISABLED', /^Personal access tokens are disabled for your organization: no token can be rotated/],
    ['LOCAL_ACCOUNT_REQUIRED', /^Only users with a local account can rotate personal access tokens\.$/],
    ['INTERNAL', /^Something went wrong on the server\./],
  ] as const)('says %s for the whole dialog', (code, sentence) => {
    const { field, message } = rotationRefusal(new ApiError(code, 'server text'));
    expect(field).toBeNull();
    expect(message).toMatch(sentence);
  });
});
