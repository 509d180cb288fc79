// What a settings change would do to existing tokens, in sentences, from
// the server's count (patSettingsImpact): one sentence per kind of effect,
// in the order of the fields, then how many users own the tokens counted.

import { plural, pluralCount } from '../../format/plural';
import type { PatSettingsImpactQuery, SettingsFieldsFragment, UpdatePatSettingsInput } from '../../gql/graphql';

export type SettingsImpact = PatSettingsImpactQuery['patSettingsImpact'];

/** The most tokens patSettingsImpact lists (pat.PreviewSampleSize). */
export const impactSampleSize = 20;

type Policy = Pick<SettingsFieldsFragment, 'enabled' | 'maxLifespanDays' | 'revokeUnusedAfterDays'>;

/**
 * The sentences that describe impact, the effect of change (the changed
 * fields only) on the organization whose policy is current.
 */
export function impactSentences(
  change: UpdatePatSettingsInput,
  current: Policy,
  impact: Omit<SettingsImpact, 'sample'>,
): string[] {
  const sentences: string[] = [];
  const lifespan = change.maxLifespanDays ?? current.maxLifespanDays;
  const unused = change.revokeUnusedAfterDays ?? current.revokeUnusedAfterDays;
  if (impact.tokensBlocked > 0) {
    sentences.push(`Turning PATs off blocks ${pluralCount(impact.tokensBlocked, 'active token')}.`);
  }
  if (change.enabled === true) sentences.push('Turning PATs on lets the active tokens authenticate again.');
  if (impact.tokensExpiring > 0) {
    sentences.push(
      `Lowering to ${plural(lifespan, 'day')} expires ${pluralCount(impact.tokensExpiring, 'active token')}.`,
    );
  }
  if (impact.tokensRestored > 0) {
    sentences.push(`Raising to ${plural(lifespan, 'day')} restores ${pluralCount(impact.tokensRestored, 'token')}.`);
  }
  if (impact.tokensRevokedAsUnused > 0) {
    const revoked = pluralCount(impact.tokensRevokedAsUnused, 'token');
    // The policy in force may revoke tokens the change brings back.
    sentences.push(
      change.revokeUnusedAfterDays === undefined || change.revokeUnusedAfterDays === null
        ? `The stale-token policy (unused for ${plural(unused, 'day')}) revokes ${revoked} within the hour.`
        : `Revoking tokens unused for ${plural(unused, 'day')} revokes ${revoked} within the hour.`,
    );
  }
  if (sentences.length === 0) return ['No existing token is affected.'];
  if (impact.affectedOwners > 0) sentences.push(`${pluralCount(impact.affectedOwners, 'user')} affected.`);
  return sentences;
}

/** The heading of the listed tokens: all of them, or the first impactSampleSize. */
export function sampleHeading(listed: number): string {
  if (listed >= impactSampleSize) return `The first ${listed} affected tokens`;
  return listed === 1 ? 'The affected token' : `The ${listed} affected tokens`;
}
