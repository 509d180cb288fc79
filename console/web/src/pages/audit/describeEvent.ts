// Audit events in words: what happened and how.

import type { AuditAction, AuditEventsQuery, RevocationSource } from '../../gql/graphql';

export type AuditEvent = AuditEventsQuery['auditEvents']['nodes'][number];

const actionLabels: Record<AuditAction, string> = {
  TOKEN_CREATED: 'Created a token',
  TOKEN_REVOKED: 'Revoked a token',
  SETTINGS_UPDATED: 'Changed the settings',
  TOKENS_EXPORTED: 'Exported tokens',
  WEBHOOK_CREATED: 'Added a webhook endpoint',
  WEBHOOK_UPDATED: 'Changed a webhook endpoint',
  WEBHOOK_DELETED: 'Deleted a webhook endpoint',
  WEBHOOK_SECRET_ROTATED: "Rotated a webhook endpoint's secret",
};

const sourceLabels: Record<RevocationSource, string> = {
  OWNER: 'by its owner',
  ADMIN: 'by an admin',
  BY_VALUE: 'by an admin who pasted its value',
  SECRET_SCANNING: 'by GitHub secret scanning, which found it in public code',
  FILTER: 'by an admin, with every token matching a filter',
  UNUSED: 'by the stale-token policy, unused for too long',
  ROTATED: 'by its owner, who rotated it',
  REUSE_DETECTED: 'by the service: a token rotated away earlier in its lineage was used again',
};

export function actionLabel(action: AuditAction): string {
  return actionLabels[action];
}

export const auditActions = Object.keys(actionLabels) as AuditAction[];

/** How the token was revoked, or the settings' old and new values. */
export function eventDetails(event: AuditEvent): string[] {
  const details: string[] = [];
  if (event.revocationSource) details.push(`Revoked ${sourceLabels[event.revocationSource]}`);
  if (event.revocationJobId) details.push(`Revocation job ${event.revocationJobId}`);
  if (event.export) details.push(`Downloaded as ${event.export.format.toUpperCase()}`);
  if (event.webhook) details.push(`Webhook endpoint ${event.webhook.url}`);
  const change = event.settingsChange;
  if (change) {
    if (change.previousEnabled !== change.enabled) {
      details.push(`PATs ${onOff(change.previousEnabled)} → ${onOff(change.enabled)}`);
    }
    if (change.previousMaxLifespanDays !== change.maxLifespanDays) {
      details.push(`Maximum lifespan ${change.previousMaxLifespanDays} → ${change.maxLifespanDays} days`);
    }
    if (change.previousRevokeUnusedAfterDays !== change.revokeUnusedAfterDays) {
      details.push(
        `Revoke unused tokens ${unusedPolicy(change.previousRevokeUnusedAfterDays)} → ${unusedPolicy(change.revokeUnusedAfterDays)}`,
      );
    }
  }
  return details;
}

function unusedPolicy(days: number): string {
  return days === 0 ? 'off' : `after ${days} days`;
}

function onOff(enabled: boolean): string {
  return enabled ? 'enabled' : 'disabled';
}

/**
 * Where a secret scanner found the token: a link only for an http(s)
 * address (the scanner's text is shown, never made a script link).
 */
export function leakLocation(event: AuditEvent): { href: string | null; text: string; source: string } | null {
  const alert = event.leakAlert;
  if (!alert) return null;
  let href: string | null = null;
  try {
    const url = new URL(alert.url);
    if (url.protocol === 'https:' || url.protocol === 'http:') href = url.href;
  } catch {
    href = null;
  }
  return { href, text: alert.url || 'an unknown place', source: alert.source };
}
