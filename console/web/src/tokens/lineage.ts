// A token's rotation lineage and why it was revoked, in words: the token
// it replaced ("Rotated from"), the one that replaced it ("Replaced by"),
// and the revocation source, for the token lists.

import { visibleText } from '../format/visible';
import type { RevocationSource, TokenFieldsFragment, TokenLineageFieldsFragment } from '../gql/graphql';

const revocationReasons: Record<RevocationSource, string> = {
  OWNER: 'Revoked by its owner',
  ADMIN: 'Revoked by an admin',
  BY_VALUE: 'Revoked by an admin who pasted its value',
  SECRET_SCANNING: 'Found in public code by secret scanning',
  FILTER: 'Revoked with every token matching a filter',
  UNUSED: 'Unused for too long (stale-token policy)',
  ROTATED: 'Rotated',
  REUSE_DETECTED: 'Reuse detected: a token rotated away earlier in its lineage was used again',
};

/** Why a revoked token was revoked, as a line beneath its status. */
export function revocationReason(source: RevocationSource): string {
  return revocationReasons[source];
}

/** One neighbour of a token in its lineage. */
export interface LineageLink {
  relation: 'rotatedFrom' | 'rotatedTo';
  /** "Rotated from", "Replaced by". */
  label: string;
  token: TokenLineageFieldsFragment;
  /**
   * The neighbour's name when it differs from the token's own (rotation
   * keeps the name, so normally null: the hint and date tell them apart).
   */
  otherName: string | null;
}

type WithLineage = Pick<TokenFieldsFragment, 'name' | 'rotatedFrom' | 'rotatedTo'>;

/** The token's predecessor and successor, those it has, in that order. */
export function lineageLinks(token: WithLineage): LineageLink[] {
  const links: LineageLink[] = [];
  const link = (relation: LineageLink['relation'], label: string, other: TokenLineageFieldsFragment | null) => {
    if (!other) return;
    const otherName = visibleText(other.name) === visibleText(token.name) ? null : other.name;
    links.push({ relation, label, token: other, otherName });
  };
  link('rotatedFrom', 'Rotated from', token.rotatedFrom);
  link('rotatedTo', 'Replaced by', token.rotatedTo);
  return links;
}
