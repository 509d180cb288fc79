// Follows a background revocation by filter: asks for the job every
// pollIntervalMs while it is RUNNING, until it SUCCEEDED or FAILED. A failed
// check is shown and retried on the next tick; the job goes on regardless
// on the server. Checking stops when the component unmounts.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { isAbort } from '../api/ApiError';
import { describeError } from '../api/errorSentences';
import { useSession } from '../app/session';
import { RevocationJobDocument } from '../gql/graphql';
import type { RevocationJobFieldsFragment } from '../gql/graphql';

export type RevocationJob = RevocationJobFieldsFragment;

/** How often a running job is checked. */
export const pollIntervalMs = 1000;

export interface FollowedJob {
  /** The job as last seen; null when none is followed. */
  job: RevocationJob | null;
  /** A sentence when the last check failed, or the server no longer knows the job. */
  error: string | null;
  /** The server answered that there is no such job: checking stopped. */
  lost: boolean;
  /** Starts following job (as revokeTokensMatching returned it); null stops. */
  follow: (job: RevocationJob | null) => void;
}

interface State {
  job: RevocationJob | null;
  error: string | null;
  lost: boolean;
  /** Counts the checks, so a failed one schedules the next. */
  checks: number;
}

const lostSentence =
  'The server no longer knows this revocation, so its progress cannot be shown. Reload the list to see which tokens are revoked.';

export function useRevocationJob(): FollowedJob {
  const { client } = useSession();
  const [state, setState] = useState<State>({ job: null, error: null, lost: false, checks: 0 });
  const { job, lost, checks } = state;
  const running = job?.state === 'RUNNING' && !lost;
  const id = job?.id;

  useEffect(() => {
    if (!running || !id) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      client
        .request(RevocationJobDocument, { id }, controller.signal)
        .then(({ revocationJob }) =>
          setState((s) =>
            revocationJob
              ? { job: revocationJob, error: null, lost: false, checks: s.checks + 1 }
              : { ...s, error: lostSentence, lost: true, checks: s.checks + 1 },
          ),
        )
        .catch((err: unknown) => {
          if (isAbort(err)) return;
          setState((s) => ({ ...s, error: `${describeError(err)} Checking again…`, checks: s.checks + 1 }));
        });
    }, pollIntervalMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, id, running, checks]);

  const follow = useCallback((next: RevocationJob | null) => {
    setState((s) => ({ job: next, error: null, lost: false, checks: s.checks + 1 }));
  }, []);

  return { job, error: state.error, lost, follow };
}
