// A column header that sorts the list: click (or Enter/Space) to sort by
// it, again to reverse. aria-sort tells assistive technology the order.

import type { OrderDirection, PersonalAccessTokenOrder, PersonalAccessTokenOrderField } from '../gql/graphql';

interface SortHeaderProps {
  label: string;
  field: PersonalAccessTokenOrderField;
  order: PersonalAccessTokenOrder;
  onOrderChange: (order: PersonalAccessTokenOrder) => void;
}

// The direction a column starts in: names A to Z, soonest expiry first,
// most recent creation and use first.
const firstDirection: Record<PersonalAccessTokenOrderField, OrderDirection> = {
  NAME: 'ASC',
  EXPIRES_AT: 'ASC',
  CREATED_AT: 'DESC',
  LAST_USED_AT: 'DESC',
};

export function SortHeader({ label, field, order, onOrderChange }: SortHeaderProps) {
  const active = order.field === field;
  const ariaSort = active ? (order.direction === 'ASC' ? 'ascending' : 'descending') : undefined;
  const toggle = () => {
    const direction = active ? (order.direction === 'ASC' ? 'DESC' : 'ASC') : firstDirection[field];
    onOrderChange({ field, direction });
  };
  return (
    <th scope="col" aria-sort={ariaSort} class="sortable">
      <button type="button" class="sort-button" onClick={toggle}>
        {label}
        <span class="sort-indicator" aria-hidden="true">
          {active ? (order.direction === 'ASC' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
