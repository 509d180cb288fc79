// Above every admin page while an endpoint is FAILING: a delivery to it
// gave up after a day of retries, so its receiver is missing events until
// someone fixes it (the next success makes it ACTIVE again).

import { DateTime } from '../../components/DateTime';
import { VisibleText } from '../../components/VisibleText';
import type { Endpoint } from './describeWebhook';
import { failingEndpoints } from './describeWebhook';

interface FailingWebhooksBannerProps {
  endpoints: readonly Endpoint[];
  /** Opens the Webhooks page; absent while it is shown. */
  onShow?: (() => void) | undefined;
}

export function FailingWebhooksBanner({ endpoints, onShow }: FailingWebhooksBannerProps) {
  const failing = failingEndpoints(endpoints);
  if (failing.length === 0) return null;
  return (
    <section class="message message-error webhook-banner" aria-label="Failing webhooks">
      <div class="webhook-banner-text">
        {failing.map((endpoint) => (
          <p key={endpoint.id}>
            Deliveries to{' '}
            <strong class="webhook-url">
              <VisibleText text={endpoint.url} />
            </strong>{' '}
            have been failing since{' '}
            {endpoint.failingSince ? <DateTime value={endpoint.failingSince} inline /> : 'recently'}.
          </p>
        ))}
        <p class="hint">
          The receiver misses these events until it answers again: check it, then send a test or redeliver the failed
          deliveries.
        </p>
      </div>
      {onShow && (
        <button type="button" class="button" onClick={onShow}>
          Open Webhooks
        </button>
      )}
    </section>
  );
}
