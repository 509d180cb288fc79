// Audit events in words: what happened and how.

import type { AuditAction, AuditEventsQuery, RevocationSource } from '../../gql/graphql';

export type AuditEvent = AuditEventsQuery['auditEvents']['nodes'][number];

const actionLabels: Record<AuditAction, string> = {
  TOKEN_CREATED: 'Created a token',
  TOKEN_REVOKED: 'Revoked a token',
  SETTINGS_UPDATED: 'Changed the settings',
};

const sourceLabels: Record<RevocationSource, string> = {
  OWNER: 'by its owner',
  ADMIN: 'by an admin',
  BY_VALUE: 'by an admin who pasted its value',
};

export function actionLabel(action: AuditAction): string {
  return actionLabels[action];
}

export const auditActions = Object.keys(actionLabels) as AuditAction[];

/** How the token was revoked, or the settings' old and new values. */
export function eventDetails(event: AuditEvent): string[] {
  const details: string[] = [];
  if (event.revocationSource) details.push(`Revoked ${sourceLabels[event.revocationSource]}`);
  const change = event.settingsChange;
  if (change) {
    if (change.previousEnabled !== change.enabled) {
      details.push(`PATs ${onOff(change.previousEnabled)} → ${onOff(change.enabled)}`);
    }
    if (change.previousMaxLifespanDays !== change.maxLifespanDays) {
      details.push(`Maximum lifespan ${change.previousMaxLifespanDays} → ${change.maxLifespanDays} days`);
    }
  }
  return details;
}

function onOff(enabled: boolean): string {
  return enabled ? 'enabled' : 'disabled';
}
