// What rotatePersonalAccessToken's refusals mean for the owner, in
// sentences: beside the expiration date when that was refused, for the
// whole dialog otherwise.

import { ApiError } from '../api/ApiError';
import { describeError } from '../api/errorSentences';
import { plural } from '../format/plural';
import { expiryRefusal } from './expiryChoice';

export interface RotationRefusal {
  /** The form's field the sentence belongs beside; null for the dialog. */
  field: 'expiresAt' | null;
  message: string;
}

/** The sentence for a failed rotation. */
export function rotationRefusal(err: unknown): RotationRefusal {
  if (err instanceof ApiError && err.code === 'BAD_USER_INPUT') {
    if (err.field === 'expiresAt') return { field: 'expiresAt', message: expiryRefusal(err.latestAllowed) };
    if (err.field === 'id') {
      const revoked = err.revoked;
      if (revoked !== undefined) return { field: null, message: reuseSentence(revoked) };
      return {
        field: null,
        message:
          'Only an active token can be rotated, and this one has expired or was revoked meanwhile. Reload the list; generate a new token instead.',
      };
    }
  }
  return {
    field: null,
    message: describeError(err, {
      NOT_FOUND: () => 'That token no longer exists in your organization, so nothing was rotated. Reload the list.',
      PAT_DISABLED: () =>
        'Personal access tokens are disabled for your organization: no token can be rotated until an admin enables them again.',
      LOCAL_ACCOUNT_REQUIRED: () => 'Only users with a local account can rotate personal access tokens.',
    }),
  };
}

// The server treats rotating a token twice as a sign that its value leaked.
function reuseSentence(revoked: number): string {
  const advice = 'Generate a new token, and check where the old value was copied.';
  if (revoked === 0) {
    return `This token was already rotated, and the tokens that replaced it are no longer active. ${advice}`;
  }
  const which = `${plural(revoked, 'token')} that replaced it ${revoked === 1 ? 'was' : 'were'}`;
  return `This token was already rotated. Using it again looks like a leak of its value, so the ${which} revoked too. ${advice}`;
}
