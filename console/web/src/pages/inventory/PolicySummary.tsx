// The organization's policy in one line, above the inventory.

import { useSession } from '../../app/session';
import { plural } from '../../format/plural';

export function PolicySummary() {
  const { settings } = useSession();
  return (
    <p class="policy-summary">
      {settings.enabled ? (
        <span class="badge badge-active">PATs enabled</span>
      ) : (
        <span class="badge badge-revoked">PATs disabled</span>
      )}{' '}
      Maximum lifespan: {plural(settings.maxLifespanDays, 'day')}. Revoke unused tokens:{' '}
      {settings.revokeUnusedAfterDays > 0 ? `after ${plural(settings.revokeUnusedAfterDays, 'day')}` : 'off'}.
    </p>
  );
}
