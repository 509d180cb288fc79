// Which statuses the list shows. The API's default is active and expired:
// revoked tokens stay out of the way unless asked for.

import type { TokenStatus } from '../gql/graphql';
import { statusLabel } from '../components/StatusBadge';

export const defaultStatuses: readonly TokenStatus[] = ['ACTIVE', 'EXPIRED'];
const allStatuses: readonly TokenStatus[] = ['ACTIVE', 'EXPIRED', 'REVOKED'];

interface StatusFilterProps {
  value: readonly TokenStatus[];
  onChange: (statuses: TokenStatus[]) => void;
}

export function StatusFilter({ value, onChange }: StatusFilterProps) {
  const toggle = (status: TokenStatus) => {
    const next = value.includes(status) ? value.filter((s) => s !== status) : [...value, status];
    // Keep the canonical order, so the query (and its cursors) stay stable.
    onChange(allStatuses.filter((s) => next.includes(s)));
  };
  return (
    <fieldset class="filter-status">
      <legend>Status</legend>
      {allStatuses.map((status) => (
        <label key={status} class="checkbox-label">
          <input type="checkbox" checked={value.includes(status)} onChange={() => toggle(status)} />
          {statusLabel(status)}
        </label>
      ))}
    </fieldset>
  );
}
