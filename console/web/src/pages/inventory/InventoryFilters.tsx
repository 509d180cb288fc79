// The inventory's search box, status and owner filters.

import { useId } from 'preact/hooks';
import { userLabel } from '../../components/UserName';
import type { TokenStatus, UserFieldsFragment } from '../../gql/graphql';
import { StatusFilter } from '../../tokens/StatusFilter';

interface InventoryFiltersProps {
  search: string;
  onSearchChange: (search: string) => void;
  statuses: readonly TokenStatus[];
  onStatusesChange: (statuses: TokenStatus[]) => void;
  ownerId: string;
  onOwnerChange: (ownerId: string) => void;
  owners: readonly UserFieldsFragment[];
}

// The server's limit on filter.search.
const maxSearchLength = 200;

export function InventoryFilters(props: InventoryFiltersProps) {
  const { search, onSearchChange, statuses, onStatusesChange, ownerId, onOwnerChange, owners } = props;
  const searchId = useId();
  const searchHintId = useId();
  const ownerId_ = useId();
  return (
    <div class="filters" role="search" aria-label="Filter tokens">
      <div class="field field-search">
        <label for={searchId}>Search</label>
        <input
          id={searchId}
          type="search"
          value={search}
          maxLength={maxSearchLength}
          aria-describedby={searchHintId}
          onInput={(e) => onSearchChange(e.currentTarget.value)}
        />
        <p id={searchHintId} class="hint">
          Token name, owner name or email.
        </p>
      </div>
      <StatusFilter value={statuses} onChange={onStatusesChange} />
      <div class="field">
        <label for={ownerId_}>Owner</label>
        <select id={ownerId_} value={ownerId} onChange={(e) => onOwnerChange(e.currentTarget.value)}>
          <option value="">All owners</option>
          {owners.map((owner) => (
            <option key={owner.id} value={owner.id}>
              {userLabel(owner)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
