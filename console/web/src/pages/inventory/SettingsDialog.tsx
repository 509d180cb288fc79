// The organization's token policy: on/off for everyone, the maximum
// lifespan and the stale-token policy. While the form differs from the
// policy and is valid, the server's count of what the change would do to
// existing tokens shows under the fields. Cancel (or Escape) leaves
// everything as it was; Save sends only what changed.

import { useId, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { DateTime } from '../../components/DateTime';
import { Dialog } from '../../components/Dialog';
import { UserLabel } from '../../components/UserName';
import { UpdatePatSettingsDocument } from '../../gql/graphql';
import type { SettingsFieldsFragment, UpdatePatSettingsInput } from '../../gql/graphql';
import { useSettingsImpact } from '../../hooks/useSettingsImpact';
import { SettingsImpactPreview } from './SettingsImpactPreview';

const minDays = 1;
const maxDays = 730;
// The stale-token policy: 0 is off, otherwise minUnusedDays..maxUnusedDays.
const minUnusedDays = 7;
const maxUnusedDays = 730;
/** What the days field offers when the policy is switched on for the first time. */
const defaultUnusedDays = 90;
/** How long before its revocation as unused a token's owner is warned (pat.StaleWarningDays). */
const warningDays = 7;

interface SettingsDialogProps {
  onClose: () => void;
  onSaved: (settings: SettingsFieldsFragment) => void;
}

export function SettingsDialog({ onClose, onSaved }: SettingsDialogProps) {
  const { client, settings } = useSession();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [days, setDays] = useState(String(settings.maxLifespanDays));
  const [daysError, setDaysError] = useState<string | null>(null);
  const [unusedOn, setUnusedOn] = useState(settings.revokeUnusedAfterDays > 0);
  const [unusedDays, setUnusedDays] = useState(
    String(settings.revokeUnusedAfterDays > 0 ? settings.revokeUnusedAfterDays : defaultUnusedDays),
  );
  const [unusedError, setUnusedError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = {
    enabled: useId(),
    enabledHint: useId(),
    days: useId(),
    daysHint: useId(),
    daysError: useId(),
    unused: useId(),
    unusedHint: useId(),
    unusedDays: useId(),
    unusedDaysHint: useId(),
    unusedDaysError: useId(),
  };
  const parsedDays = parseDays(days, minDays, maxDays);
  const shortens = parsedDays !== null && parsedDays < settings.maxLifespanDays;
  const change = changedFields(
    settings,
    enabled,
    parsedDays,
    unusedOn ? parseDays(unusedDays, minUnusedDays, maxUnusedDays) : 0,
  );
  const pending = change && Object.keys(change).length > 0 ? change : null;
  const preview = useSettingsImpact(pending);

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const daysProblem = validateDays(days);
    const unusedProblem = unusedOn ? validateUnusedDays(unusedDays) : null;
    setDaysError(daysProblem);
    setUnusedError(unusedProblem);
    setFormError(null);
    if (daysProblem !== null || unusedProblem !== null || change === null) {
      document.getElementById(daysProblem !== null ? ids.days : ids.unusedDays)?.focus();
      return;
    }
    if (pending === null) return onClose();
    setBusy(true);
    try {
      const data = await client.request(UpdatePatSettingsDocument, { input: pending });
      onSaved(data.updatePatSettings);
    } catch (err) {
      const field = err instanceof ApiError && err.code === 'BAD_USER_INPUT' ? err.field : undefined;
      if (field === 'maxLifespanDays') {
        setDaysError(daysRange);
        document.getElementById(ids.days)?.focus();
      } else if (field === 'revokeUnusedAfterDays' && unusedOn) {
        setUnusedError(unusedRange);
        document.getElementById(ids.unusedDays)?.focus();
      } else {
        setFormError(describeError(err));
      }
      setBusy(false);
    }
  };

  return (
    <Dialog title="Settings" onClose={onClose}>
      <form onSubmit={(e) => void save(e)} noValidate>
        <div class="field field-switch">
          <input
            id={ids.enabled}
            type="checkbox"
            role="switch"
            class="switch"
            checked={enabled}
            aria-describedby={ids.enabledHint}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <label for={ids.enabled}>Enable PAT for all users</label>
          <p id={ids.enabledHint} class="hint">
            {enabled
              ? 'Users with a local account may create personal access tokens, and tokens authenticate.'
              : 'No token can be created or used. Existing tokens stay listed and revocable, and work again when re-enabled.'}
          </p>
        </div>

        <div class="field">
          <label for={ids.days}>Maximum Lifespan (days)</label>
          <input
            id={ids.days}
            type="number"
            inputMode="numeric"
            min={minDays}
            max={maxDays}
            step={1}
            required
            class="input-narrow"
            value={days}
            aria-invalid={daysError ? true : undefined}
            aria-describedby={daysError ? `${ids.daysError} ${ids.daysHint}` : ids.daysHint}
            onInput={(e) => {
              setDays(e.currentTarget.value);
              if (daysError) setDaysError(validateDays(e.currentTarget.value));
            }}
          />
          {daysError && (
            <p id={ids.daysError} class="field-error">
              {daysError}
            </p>
          )}
          <p id={ids.daysHint} class="hint">
            {minDays} to {maxDays} days.{' '}
            {shortens && 'Lowering it also shortens existing tokens: those older than the new maximum expire now.'}
          </p>
        </div>

        <div class="field field-switch">
          <input
            id={ids.unused}
            type="checkbox"
            role="switch"
            class="switch"
            checked={unusedOn}
            aria-describedby={ids.unusedHint}
            onChange={(e) => {
              setUnusedOn(e.currentTarget.checked);
              setUnusedError(null);
            }}
          />
          <label for={ids.unused}>Revoke unused tokens</label>
          <p id={ids.unusedHint} class="hint">
            {unusedOn
              ? `Every active token unused for longer than the days below (one never used: since its creation) is revoked automatically, within an hour. Owners are warned ${warningDays} days before.`
              : 'Tokens are never revoked for going unused.'}
          </p>
        </div>

        {unusedOn && (
          <div class="field">
            <label for={ids.unusedDays}>Revoke tokens unused for (days)</label>
            <input
              id={ids.unusedDays}
              type="number"
              inputMode="numeric"
              min={minUnusedDays}
              max={maxUnusedDays}
              step={1}
              required
              class="input-narrow"
              value={unusedDays}
              aria-invalid={unusedError ? true : undefined}
              aria-describedby={unusedError ? `${ids.unusedDaysError} ${ids.unusedDaysHint}` : ids.unusedDaysHint}
              onInput={(e) => {
                setUnusedDays(e.currentTarget.value);
                if (unusedError) setUnusedError(validateUnusedDays(e.currentTarget.value));
              }}
            />
            {unusedError && (
              <p id={ids.unusedDaysError} class="field-error">
                {unusedError}
              </p>
            )}
            <p id={ids.unusedDaysHint} class="hint">
              {minUnusedDays} to {maxUnusedDays} days.
            </p>
          </div>
        )}

        <p class="hint">
          {settings.updatedAt && settings.updatedBy ? (
            <>
              Last changed by <UserLabel user={settings.updatedBy} /> at <DateTime value={settings.updatedAt} inline />
            </>
          ) : settings.updatedAt ? (
            <>
              Last changed at <DateTime value={settings.updatedAt} inline />
            </>
          ) : (
            'Never changed: these are the defaults.'
          )}
        </p>

        <SettingsImpactPreview change={pending} current={settings} preview={preview} />

        {formError && (
          <p class="field-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" aria-disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const daysRange = `Enter a whole number of days from ${minDays} to ${maxDays}.`;
const unusedRange = `Enter a whole number of days from ${minUnusedDays} to ${maxUnusedDays}.`;

/**
 * The fields that differ from current (possibly none), or null when a
 * value is not valid (null): what Save sends and the preview counts.
 */
function changedFields(
  current: SettingsFieldsFragment,
  enabled: boolean,
  maxLifespanDays: number | null,
  revokeUnusedAfterDays: number | null,
): UpdatePatSettingsInput | null {
  if (maxLifespanDays === null || revokeUnusedAfterDays === null) return null;
  const input: UpdatePatSettingsInput = {};
  if (enabled !== current.enabled) input.enabled = enabled;
  if (maxLifespanDays !== current.maxLifespanDays) input.maxLifespanDays = maxLifespanDays;
  if (revokeUnusedAfterDays !== current.revokeUnusedAfterDays) input.revokeUnusedAfterDays = revokeUnusedAfterDays;
  return input;
}

function parseDays(value: string, min: number, max: number): number | null {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= min && n <= max ? n : null;
}

function validateDays(value: string): string | null {
  if (value.trim() === '') return `Enter the maximum lifespan, a whole number of days from ${minDays} to ${maxDays}.`;
  return parseDays(value, minDays, maxDays) === null ? daysRange : null;
}

function validateUnusedDays(value: string): string | null {
  if (value.trim() === '') {
    return `Enter how long a token may go unused, a whole number of days from ${minUnusedDays} to ${maxUnusedDays}.`;
  }
  return parseDays(value, minUnusedDays, maxUnusedDays) === null ? unusedRange : null;
}
