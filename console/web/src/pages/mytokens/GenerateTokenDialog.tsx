// "Generate new token": a name, the scopes, and an expiration date within
// the organization's maximum lifespan. Problems are explained beside the
// field they concern, whether found here or by the server.

import { useId, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { plural } from '../../format/plural';
import { firstHidden, visibleText } from '../../format/visible';
import { CreatePersonalAccessTokenDocument } from '../../gql/graphql';
import type { CreatePersonalAccessTokenMutation } from '../../gql/graphql';
import { expiryBounds, expiryInstant, expiryRefusal, isWithinBounds } from '../../tokens/expiryChoice';

export type CreatedToken = CreatePersonalAccessTokenMutation['createPersonalAccessToken'];

interface GenerateTokenDialogProps {
  onClose: () => void;
  onCreated: (created: CreatedToken) => void;
}

// The server's limit on names (after trimming).
const maxNameLength = 100;

type Field = 'name' | 'scopes' | 'expiresAt';
type FieldErrors = Partial<Record<Field, string>>;

export function GenerateTokenDialog({ onClose, onCreated }: GenerateTokenDialogProps) {
  const { client, settings, availableScopes } = useSession();
  const bounds = useMemo(() => expiryBounds(settings.maxLifespanDays), [settings.maxLifespanDays]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState(bounds.max);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = {
    name: useId(),
    nameError: useId(),
    scopes: useId(),
    scopesError: useId(),
    expiry: useId(),
    expiryHint: useId(),
    expiryError: useId(),
  };

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    const trimmed = name.trim();
    if (trimmed === '') found.name = 'Enter a name, so you can recognize the token later.';
    else if ([...trimmed].length > maxNameLength) found.name = `Use at most ${maxNameLength} characters.`;
    else {
      const hidden = firstHidden(trimmed);
      if (hidden) found.name = hiddenCharacterSentence(hidden.codePoint, hidden.position, hidden.description);
    }
    if (scopes.length === 0) found.scopes = 'Choose at least one scope.';
    if (!isWithinBounds(expiry, bounds)) {
      found.expiresAt = `Choose a date from tomorrow up to ${plural(settings.maxLifespanDays, 'day')} from today.`;
    }
    return found;
  };

  const focusFirstError = (found: FieldErrors) => {
    const first = (['name', 'scopes', 'expiresAt'] as const).find((f) => found[f]);
    const target = { name: ids.name, scopes: ids.scopes, expiresAt: ids.expiry }[first ?? 'name'];
    const element = document.getElementById(target);
    (element?.querySelector<HTMLElement>('input') ?? element)?.focus();
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const found = validate();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return focusFirstError(found);
    setBusy(true);
    try {
      const data = await client.request(CreatePersonalAccessTokenDocument, {
        input: { name: name.trim(), scopes, expiresAt: expiryInstant(expiry, settings.maxLifespanDays) },
      });
      onCreated(data.createPersonalAccessToken);
    } catch (err) {
      const fieldError = serverFieldError(err);
      if (fieldError) {
        setErrors(fieldError);
        focusFirstError(fieldError);
      } else {
        setFormError(describeError(err));
      }
      setBusy(false);
    }
  };

  const toggleScope = (scope: string) =>
    setScopes((current) =>
      current.includes(scope)
        ? current.filter((s) => s !== scope)
        : availableScopes.filter((s) => s === scope || current.includes(s)),
    );

  return (
    <Dialog title="Generate new token" onClose={onClose} class="dialog-wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for={ids.name}>Name</label>
          <input
            id={ids.name}
            type="text"
            value={name}
            maxLength={maxNameLength}
            required
            autoComplete="off"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? ids.nameError : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {errors.name && (
            <p id={ids.nameError} class="field-error">
              {errors.name}
            </p>
          )}
        </div>

        <fieldset
          id={ids.scopes}
          class="field scope-choices"
          aria-invalid={errors.scopes ? true : undefined}
          aria-describedby={errors.scopes ? ids.scopesError : undefined}
        >
          <legend>Scopes</legend>
          {availableScopes.map((scope) => (
            <label key={scope} class="checkbox-label">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggleScope(scope)} />
              {scope}
            </label>
          ))}
          {errors.scopes && (
            <p id={ids.scopesError} class="field-error">
              {errors.scopes}
            </p>
          )}
        </fieldset>

        <div class="field">
          <label for={ids.expiry}>Expiration date</label>
          <input
            id={ids.expiry}
            type="date"
            class="input-narrow"
            value={expiry}
            min={bounds.min}
            max={bounds.max}
            required
            aria-invalid={errors.expiresAt ? true : undefined}
            aria-describedby={errors.expiresAt ? `${ids.expiryError} ${ids.expiryHint}` : ids.expiryHint}
            onInput={(e) => setExpiry(e.currentTarget.value)}
          />
          {errors.expiresAt && (
            <p id={ids.expiryError} class="field-error">
              {errors.expiresAt}
            </p>
          )}
          <p id={ids.expiryHint} class="hint">
            The token expires at the end of that day, your time. Your organization allows at most{' '}
            {plural(settings.maxLifespanDays, 'day')}.
          </p>
        </div>

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
            {busy ? 'Generating…' : 'Generate token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// The server's BAD_USER_INPUT about one of the form's fields, as a sentence
// beside that field; null for anything else.
function serverFieldError(err: unknown): FieldErrors | null {
  if (!(err instanceof ApiError) || err.code !== 'BAD_USER_INPUT') return null;
  switch (err.field) {
    case 'name': {
      const { character, position } = err;
      if (character !== undefined && position !== undefined) {
        return { name: hiddenCharacterSentence(visibleText(character), position) };
      }
      return {
        name: `Use 1 to ${maxNameLength} characters, without control, invisible or bidirectional formatting characters.`,
      };
    }
    case 'scopes':
      return { scopes: 'One of the chosen scopes is no longer available. Reload the page and choose again.' };
    case 'expiresAt':
      return { expiresAt: expiryRefusal(err.latestAllowed) };
    default:
      return null;
  }
}

// Names are shown to admins beside everyone else's, so they may not hide or
// reorder their own text: the server refuses control and format characters
// (zero-width, bidirectional), and so does the form, naming the first one.
function hiddenCharacterSentence(codePoint: string, position: number, description?: string): string {
  const what = description ? `the ${description} (${codePoint})` : `the invisible character ${codePoint}`;
  return `Remove ${what} at character ${position}: names may not contain invisible or bidirectional formatting characters.`;
}
