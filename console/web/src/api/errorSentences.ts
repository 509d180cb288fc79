// Every error the console can meet, as a sentence a person can act on.
// Raw codes are never shown. The table is typed by the schema's ErrorCode
// enum, so a code added to the schema fails the typecheck until it has a
// sentence here.

import type { ErrorCode } from '../gql/enums';
import type { ApiError, ApiErrorCode } from './ApiError';
import { plural } from '../format/plural';

type Sentence = (err: ApiError) => string;

const sentences: Record<ErrorCode, Sentence> = {
  UNAUTHENTICATED: () => 'Your session has expired or was not accepted. Sign in again.',
  FORBIDDEN: () => 'Your role does not allow this; only organization admins can do it.',
  NOT_FOUND: () => 'That token no longer exists in your organization.',
  BAD_USER_INPUT: (err) => {
    if (err.field === 'confirmation') return staleConfirmation;
    return err.message
      ? `The server did not accept the input: ${err.message}.`
      : 'The server did not accept the input.';
  },
  PAT_DISABLED: () => 'Personal access tokens are disabled for your organization.',
  LOCAL_ACCOUNT_REQUIRED: () => 'Only users with a local account can create personal access tokens.',
  QUOTA_EXCEEDED: (err) =>
    err.limit === undefined
      ? 'You already hold the maximum number of active tokens. Revoke one before generating another.'
      : `You already hold the maximum of ${plural(err.limit, 'active token')}. Revoke one before generating another.`,
  INTERNAL: (err) =>
    err.status === 503
      ? 'The service is temporarily unavailable. Try again in a moment.'
      : 'Something went wrong on the server. Try again in a moment.',
  RATE_LIMITED: (err) =>
    err.retryAfter === undefined
      ? 'Too many attempts; try again in a moment.'
      : `Too many attempts; try again in ${plural(err.retryAfter, 'second')}.`,
  GRAPHQL_PARSE_FAILED: () => outdatedConsole,
  GRAPHQL_VALIDATION_FAILED: () => outdatedConsole,
  BAD_REQUEST: () => 'The server refused the request as malformed or too large.',
  PERSISTED_QUERY_NOT_FOUND: () => 'The server did not recognize the request. Try again.',
  COMPLEXITY_LIMIT_EXCEEDED: () => 'The request asked for too much at once. Try again with fewer items.',
};

// revokeTokensMatching: the preview's confirmation is over 10 minutes old,
// or was made for other filters (or by another admin). The server says
// which in English only, so one sentence covers both.
const staleConfirmation =
  'This preview is no longer valid: it is more than 10 minutes old, or the filters changed since. Nothing was revoked. Preview again to see what matches now.';

const outdatedConsole =
  'The server could not understand the console’s request. Reload the page; the console may be out of date.';

const clientSentences: Record<Exclude<ApiErrorCode, ErrorCode>, Sentence> = {
  NETWORK: () => 'Could not reach the server. Check your connection and try again.',
  UNEXPECTED_RESPONSE: () => 'The server sent an unexpected response. Try again.',
};

/** Whether code is one of the schema's error codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(sentences, code);
}

/**
 * The sentence for err. overrides replaces the sentence of some codes where
 * the caller knows better what they mean (e.g. NOT_FOUND of a pasted token).
 */
export function describeError(err: unknown, overrides: Partial<Record<ApiErrorCode, Sentence>> = {}): string {
  if (!isApiError(err)) return 'Something went wrong in the console. Reload the page and try again.';
  const sentence = overrides[err.code] ?? (isErrorCode(err.code) ? sentences[err.code] : clientSentences[err.code]);
  return sentence(err);
}

// Structural, so this module needs ApiError only as a type (no import cycle).
function isApiError(err: unknown): err is ApiError {
  return err instanceof Error && err.name === 'ApiError';
}
