// The filters of a revocation by filter, built from the inventory's, and
// said in words, so the confirmation states what it will revoke.

import type { PersonalAccessTokenFilter, TokenStatus } from '../../gql/graphql';

/** The statuses a revocation can act on: revoked tokens never match. */
export const revocableStatuses: readonly TokenStatus[] = ['ACTIVE', 'EXPIRED'];

/** The inventory's filters as they stand: what "Revoke matching…" revokes. */
export function matchingFilter(search: string, statuses: readonly TokenStatus[], ownerId: string) {
  const trimmed = search.trim();
  return {
    status: [...statuses],
    search: trimmed === '' ? null : trimmed,
    ownerIds: ownerId ? [ownerId] : null,
  } satisfies PersonalAccessTokenFilter;
}

/** Every token of one owner that can be revoked, whatever the other filters say. */
export function ownerFilter(ownerId: string) {
  return { status: [...revocableStatuses], ownerIds: [ownerId] } satisfies PersonalAccessTokenFilter;
}

/**
 * The filter in one sentence: "Every active or expired token of Ann Lee
 * (ann@example.com) whose name, owner name or email contains “deploy”."
 * ownerLabel names the filter's one owner (shown as given otherwise).
 */
export function describeFilter(filter: PersonalAccessTokenFilter, ownerLabel?: string): string {
  if (filter.status?.length === 0) return 'No status is chosen, so no token matches.';
  const statuses = (filter.status ?? revocableStatuses).filter((s) => s !== 'REVOKED');
  if (statuses.length === 0) {
    return 'Only revoked tokens are chosen, and a revoked token cannot be revoked again.';
  }
  const which = statuses.length === 1 ? (statuses[0] === 'ACTIVE' ? 'active' : 'expired') : 'active or expired';
  const parts = [`Every ${which} token`];
  const owners = filter.ownerIds ?? null;
  if (owners !== null) {
    if (owners.length === 1 && ownerLabel) parts.push(`of ${ownerLabel}`);
    else parts.push(`of ${owners.length === 1 ? 'the chosen owner' : `${owners.length} chosen owners`}`);
  } else {
    parts.push('of any owner');
  }
  if (filter.search) parts.push(`whose name, owner name or email contains “${filter.search}”`);
  const sentence = `${parts.join(' ')}.`;
  return filter.status?.includes('REVOKED') ? `${sentence} Revoked tokens stay as they are.` : sentence;
}
