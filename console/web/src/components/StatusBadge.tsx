// A token's status as a word (colour only reinforces it).

import type { TokenStatus } from '../gql/graphql';

const labels: Record<TokenStatus, string> = {
  ACTIVE: 'Active',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
};

export function statusLabel(status: TokenStatus): string {
  return labels[status];
}

export function StatusBadge({ status }: { status: TokenStatus }) {
  return <span class={`badge badge-${status.toLowerCase()}`}>{labels[status]}</span>;
}
