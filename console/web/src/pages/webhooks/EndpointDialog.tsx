// "Add endpoint" and "Edit endpoint": the receiver's URL and the events it
// subscribes to. Problems are explained beside the field they concern,
// whether found here or by the server (which alone knows whether http://
// and private addresses are allowed). Editing sends only what changed.

import { useId, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { CreateWebhookEndpointDocument, UpdateWebhookEndpointDocument } from '../../gql/graphql';
import type { CreateWebhookEndpointMutation, UpdateWebhookEndpointInput, WebhookEventType } from '../../gql/graphql';
import type { Endpoint } from './describeWebhook';
import {
  canonicalEventTypes,
  eventTypeHint,
  eventTypeLabel,
  endpointNotFound,
  maxUrlLength,
  urlProblem,
  webhookEventTypes,
} from './describeWebhook';

export type CreatedEndpoint = CreateWebhookEndpointMutation['createWebhookEndpoint'];

interface EndpointDialogProps {
  /** The endpoint to edit; absent to add one. */
  endpoint?: Endpoint | undefined;
  onClose: () => void;
  onCreated: (created: CreatedEndpoint) => void;
  onSaved: (endpoint: Endpoint) => void;
}

type Field = 'url' | 'eventTypes';
type FieldErrors = Partial<Record<Field, string>>;

export function EndpointDialog({ endpoint, onClose, onCreated, onSaved }: EndpointDialogProps) {
  const { client } = useSession();
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [types, setTypes] = useState<WebhookEventType[]>(endpoint ? [...endpoint.eventTypes] : []);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { url: useId(), urlHint: useId(), urlError: useId(), types: useId(), typesError: useId() };

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    const problem = urlProblem(url);
    if (problem) found.url = problem;
    if (types.length === 0) found.eventTypes = 'Choose at least one event.';
    return found;
  };

  const focusFirstError = (found: FieldErrors) => {
    if (found.url) document.getElementById(ids.url)?.focus();
    else if (found.eventTypes) document.getElementById(ids.types)?.querySelector<HTMLElement>('input')?.focus();
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const found = validate();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return focusFirstError(found);
    const trimmed = url.trim();
    const eventTypes = canonicalEventTypes(types);
    let change: UpdateWebhookEndpointInput | null = null;
    if (endpoint) {
      change = {};
      if (trimmed !== endpoint.url) change.url = trimmed;
      if (eventTypes.join() !== canonicalEventTypes(endpoint.eventTypes).join()) change.eventTypes = eventTypes;
      if (Object.keys(change).length === 0) return onClose();
    }
    setBusy(true);
    try {
      if (endpoint && change) {
        const data = await client.request(UpdateWebhookEndpointDocument, { id: endpoint.id, input: change });
        onSaved(data.updateWebhookEndpoint);
      } else {
        const data = await client.request(CreateWebhookEndpointDocument, { input: { url: trimmed, eventTypes } });
        onCreated(data.createWebhookEndpoint);
      }
    } catch (err) {
      const fieldError = serverFieldError(err);
      if (fieldError) {
        setErrors(fieldError);
        focusFirstError(fieldError);
      } else {
        setFormError(formErrorSentence(err));
      }
      setBusy(false);
    }
  };

  const toggle = (type: WebhookEventType) => {
    const next = types.includes(type) ? types.filter((t) => t !== type) : canonicalEventTypes([...types, type]);
    setTypes(next);
    if (errors.eventTypes && next.length > 0) setErrors((found) => withError(found, 'eventTypes', null));
  };

  return (
    <Dialog title={endpoint ? 'Edit endpoint' : 'Add endpoint'} onClose={onClose} class="dialog-wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for={ids.url}>Endpoint URL</label>
          <input
            id={ids.url}
            type="url"
            value={url}
            maxLength={maxUrlLength}
            required
            autoComplete="off"
            spellcheck={false}
            placeholder="https://hooks.example.com/pats"
            aria-invalid={errors.url ? true : undefined}
            aria-describedby={errors.url ? `${ids.urlError} ${ids.urlHint}` : ids.urlHint}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setUrl(value);
              // Once explained, a problem goes away as soon as it is fixed.
              if (errors.url) setErrors((found) => withError(found, 'url', urlProblem(value)));
            }}
          />
          {errors.url && (
            <p id={ids.urlError} class="field-error">
              {errors.url}
            </p>
          )}
          <p id={ids.urlHint} class="hint">
            The service posts each event, signed, to this address. Use https://; private and loopback addresses are
            refused unless the server is set up to allow them.
          </p>
        </div>

        <fieldset
          id={ids.types}
          class="field event-choices"
          aria-invalid={errors.eventTypes ? true : undefined}
          aria-describedby={errors.eventTypes ? ids.typesError : undefined}
        >
          <legend>Events</legend>
          {webhookEventTypes.map((type) => (
            <div key={type} class="event-choice">
              <label class="checkbox-label">
                <input
                  type="checkbox"
                  checked={types.includes(type)}
                  aria-describedby={`${ids.types}-${type}`}
                  onChange={() => toggle(type)}
                />
                {eventTypeLabel(type)}
              </label>
              <p id={`${ids.types}-${type}`} class="event-choice-hint">
                When {eventTypeHint(type)}.
              </p>
            </div>
          ))}
          {errors.eventTypes && (
            <p id={ids.typesError} class="field-error">
              {errors.eventTypes}
            </p>
          )}
        </fieldset>

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
            {endpoint ? (busy ? 'Saving…' : 'Save') : busy ? 'Adding…' : 'Add endpoint'}
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
    case 'url':
      // The server's reason is written for the admin who typed the URL
      // ("invalid webhook URL: it must use https://, not http://").
      return { url: err.message ? `${capitalize(err.message)}.` : 'Enter an https:// URL of a public address.' };
    case 'eventTypes':
      return { eventTypes: 'Choose at least one event.' };
    default:
      return null;
  }
}

function withError(found: FieldErrors, field: Field, error: string | null): FieldErrors {
  const { [field]: _, ...rest } = found;
  return error ? { ...rest, [field]: error } : rest;
}

function formErrorSentence(err: unknown): string {
  if (err instanceof ApiError && err.code === 'BAD_USER_INPUT' && err.limit !== undefined) {
    return `Your organization already has the most endpoints allowed (${err.limit}). Delete one before adding another.`;
  }
  return describeError(err, { NOT_FOUND: () => endpointNotFound });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
