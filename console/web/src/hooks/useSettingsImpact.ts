// The server's count of what a settings change would do to existing tokens
// (patSettingsImpact, admins only), kept in step with a form: asked once
// the change has stopped changing for previewDelayMs, the request for an
// older change aborted, and an answer shown only for the change it was
// asked for, so a late one never describes a newer form.

import { useEffect, useState } from 'preact/hooks';
import { isAbort } from '../api/ApiError';
import { describeError } from '../api/errorSentences';
import { useSession } from '../app/session';
import { PatSettingsImpactDocument } from '../gql/graphql';
import type { PatSettingsImpactQuery, UpdatePatSettingsInput } from '../gql/graphql';
import { useDebouncedValue } from './useDebouncedValue';

/** How long the form must stay the same before the server is asked. */
export const previewDelayMs = 300;

export type ImpactPreview =
  /** Nothing to count: the form is unchanged or not valid. */
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'failed'; error: string }
  | { kind: 'ready'; impact: PatSettingsImpactQuery['patSettingsImpact'] };

/** The preview of change (the changed fields only), or none for null. */
export function useSettingsImpact(change: UpdatePatSettingsInput | null): ImpactPreview {
  const { client } = useSession();
  const key = change ? JSON.stringify(change) : null;
  const asked = useDebouncedValue(key, previewDelayMs);
  const [answer, setAnswer] = useState<{ key: string; preview: ImpactPreview } | null>(null);

  useEffect(() => {
    if (asked === null) return;
    const controller = new AbortController();
    client
      .request(PatSettingsImpactDocument, { input: JSON.parse(asked) as UpdatePatSettingsInput }, controller.signal)
      .then((data) => setAnswer({ key: asked, preview: { kind: 'ready', impact: data.patSettingsImpact } }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setAnswer({ key: asked, preview: { kind: 'failed', error: describeError(err) } });
      });
    return () => controller.abort();
  }, [client, asked]);

  if (key === null) return { kind: 'none' };
  return answer?.key === key ? answer.preview : { kind: 'loading' };
}
