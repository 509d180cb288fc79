// The organization's webhook endpoints, for admins: read when the console
// opens (its banner says which are failing, whatever page is shown) and
// again whenever the Webhooks page asks, after each change it makes.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from '../api/ApiError';
import { describeError } from '../api/errorSentences';
import { useSession } from '../app/session';
import { WebhookEndpointsDocument } from '../gql/graphql';
import type { WebhookEndpointFieldsFragment } from '../gql/graphql';

export interface WebhookEndpoints {
  /** Oldest first; null until the first answer. */
  endpoints: WebhookEndpointFieldsFragment[] | null;
  loading: boolean;
  error: string | null;
  /** Reads the list again (a newer call cancels an older one). */
  reload: () => void;
}

/** The endpoints, read only when enabled (admins: members may not list them). */
export function useWebhookEndpoints(enabled: boolean): WebhookEndpoints {
  const { client } = useSession();
  const [endpoints, setEndpoints] = useState<WebhookEndpointFieldsFragment[] | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<string | null>(null);
  const inflight = useRef<AbortController | null>(null);

  const reload = useCallback(() => {
    if (!enabled) return;
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    setLoading(true);
    client.request(WebhookEndpointsDocument, {}, controller.signal).then(
      (data) => {
        setEndpoints(data.webhookEndpoints);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        setError(describeError(err));
        setLoading(false);
      },
    );
  }, [client, enabled]);

  useEffect(() => {
    reload();
    return () => inflight.current?.abort();
  }, [reload]);

  return { endpoints, loading, error, reload };
}
