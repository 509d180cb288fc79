// The one error type every API call throws, whatever went wrong: a GraphQL
// error with its extensions.code, an HTTP failure, or an unreachable server.

import type { ErrorCode } from '../gql/enums';
import { isErrorCode } from './errorSentences';

/** The schema's codes, plus the two failures no server reports. */
export type ApiErrorCode = ErrorCode | 'NETWORK' | 'UNEXPECTED_RESPONSE';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    /** The server's message; safe, but written for developers, not users. */
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    /** The HTTP status, or 0 when no response arrived. */
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The input a BAD_USER_INPUT error is about (e.g. "maxLifespanDays"). */
  get field(): string | undefined {
    return stringExtension(this.extensions.field);
  }

  /** BAD_USER_INPUT on a token name: the refused character's code point ("U+202E"). */
  get character(): string | undefined {
    return stringExtension(this.extensions.character);
  }

  /** BAD_USER_INPUT on a token name: where the refused character stands, in characters from 1. */
  get position(): number | undefined {
    return numberExtension(this.extensions.position);
  }

  /** RATE_LIMITED: seconds to wait before trying again. */
  get retryAfter(): number | undefined {
    return numberExtension(this.extensions.retryAfter);
  }

  /** QUOTA_EXCEEDED: the most active tokens a user may hold. */
  get limit(): number | undefined {
    return numberExtension(this.extensions.limit);
  }

  /** BAD_USER_INPUT on expiresAt: the latest instant the server accepts. */
  get latestAllowed(): string | undefined {
    return stringExtension(this.extensions.latestAllowed);
  }

  /**
   * BAD_USER_INPUT from rotatePersonalAccessToken on a token that was
   * already rotated (reuse): how many of its successors were revoked.
   */
  get revoked(): number | undefined {
    return numberExtension(this.extensions.revoked);
  }

  /** NOT_FOUND from revokeTokens: the IDs that do not exist. */
  get missingIds(): string[] {
    const ids = this.extensions.ids;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }
}

/** Builds the error for one entry of a GraphQL response's errors list. */
export function errorFromGraphQL(entry: unknown, status: number): ApiError {
  const record = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
  const message = typeof record.message === 'string' ? record.message : '';
  const extensions =
    typeof record.extensions === 'object' && record.extensions !== null
      ? (record.extensions as Record<string, unknown>)
      : {};
  const code =
    typeof extensions.code === 'string' && isErrorCode(extensions.code) ? extensions.code : codeForStatus(status);
  return new ApiError(code, message, extensions, status);
}

/** The code to assume when a response carries none. */
export function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 400 || status === 413) return 'BAD_REQUEST';
  if (status === 422) return 'GRAPHQL_VALIDATION_FAILED';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'INTERNAL';
  return 'UNEXPECTED_RESPONSE';
}

/**
 * Whether err refuses a revocation preview's confirmation (expired, or for
 * other filters or another admin): BAD_USER_INPUT on "confirmation". The
 * way out is a new preview.
 */
export function isStaleConfirmation(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'BAD_USER_INPUT' && err.field === 'confirmation';
}

/** Whether err is an aborted fetch (a superseded request), not a failure. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

function stringExtension(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberExtension(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
