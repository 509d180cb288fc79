// The organization's token policy: on/off for everyone and the maximum
// lifespan. Cancel (or Escape) leaves everything as it was; Save sends only
// what changed.

import { useId, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { DateTime } from '../../components/DateTime';
import { Dialog } from '../../components/Dialog';
import { UserLabel } from '../../components/UserName';
import { UpdatePatSettingsDocument } from '../../gql/graphql';
import type { SettingsFieldsFragment, UpdatePatSettingsInput } from '../../gql/graphql';

const minDays = 1;
const maxDays = 730;

interface SettingsDialogProps {
  onClose: () => void;
  onSaved: (settings: SettingsFieldsFragment) => void;
}

export function SettingsDialog({ onClose, onSaved }: SettingsDialogProps) {
  const { client, settings } = useSession();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [days, setDays] = useState(String(settings.maxLifespanDays));
  const [daysError, setDaysError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { enabled: useId(), enabledHint: useId(), days: useId(), daysHint: useId(), daysError: useId() };
  const parsedDays = parseDays(days);
  const shortens = parsedDays !== null && parsedDays < settings.maxLifespanDays;

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problem = validateDays(days);
    setDaysError(problem);
    setFormError(null);
    if (problem !== null || parsedDays === null) {
      document.getElementById(ids.days)?.focus();
      return;
    }
    const input: UpdatePatSettingsInput = {};
    if (enabled !== settings.enabled) input.enabled = enabled;
    if (parsedDays !== settings.maxLifespanDays) input.maxLifespanDays = parsedDays;
    if (Object.keys(input).length === 0) return onClose();
    setBusy(true);
    try {
      const data = await client.request(UpdatePatSettingsDocument, { input });
      onSaved(data.updatePatSettings);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'BAD_USER_INPUT' && err.field === 'maxLifespanDays') {
        setDaysError(daysRange);
        document.getElementById(ids.days)?.focus();
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

function parseDays(value: string): number | null {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= minDays && n <= maxDays ? n : null;
}

function validateDays(value: string): string | null {
  if (value.trim() === '') return `Enter the maximum lifespan, a whole number of days from ${minDays} to ${maxDays}.`;
  return parseDays(value) === null ? daysRange : null;
}
