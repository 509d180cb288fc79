// Revokes leaked tokens from pasted text of any shape (a CI log, an .env
// file, JSON, a list) or from text files, dropped or chosen. The values
// that are this service's tokens are found and checked in the browser
// (tokens/tokenValues.ts) and revoked in one revokeTokensByValue call, each
// distinct value once; nothing else of the text is sent.
//
// The values never enter component state and are never shown: pasted text
// stays in its field, a file's values in a ref, only until Revoke is
// pressed, and both are emptied before the request is sent. Only counts
// are kept to render; the results name tokens by the hints the server
// returns.

import { useId, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError';
import type { ApiErrorCode } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import type { Tone } from '../../components/Announcer';
import { Dialog } from '../../components/Dialog';
import { plural } from '../../format/plural';
import { visibleText } from '../../format/visible';
import { RevokeTokensByValueDocument } from '../../gql/graphql';
import type { FoundTokens } from '../../tokens/tokenValues';
import { findTokens } from '../../tokens/tokenValues';
import { RevokeByValueResults } from './RevokeByValueResults';
import type { ValueResult } from './RevokeByValueResults';

/** The most values one call takes (the server's pat.MaxRevokeValues, also its default budget a minute). */
export const maxValuesPerCall = 1000;
/** Larger files are refused: a tab reading them would stall. */
const maxFileBytes = 32 * 1024 * 1024;
/** Failures after which sending the same values again may work. */
const retryable = new Set<ApiErrorCode>(['RATE_LIMITED', 'NETWORK', 'INTERNAL', 'UNEXPECTED_RESPONSE']);

interface RevokeByValueDialogProps {
  onClose: () => void;
  /** Called after tokens were revoked, so the list can reload. */
  onRevoked: () => void;
}

/** What was found, as counts only. */
interface Found {
  count: number;
  repeats: number;
  rejected: number;
  /** The chosen or dropped files' names; null for pasted text. */
  files: string[] | null;
}

interface Message {
  text: string;
  tone: Tone;
}

export function RevokeByValueDialog({ onClose, onRevoked }: RevokeByValueDialogProps) {
  const { client } = useSession();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  // The values of the files read last; null when the text field is the source.
  const fileValues = useRef<string[] | null>(null);
  const [found, setFound] = useState<Found | null>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [results, setResults] = useState<ValueResult[] | null>(null);
  const ids = { text: useId(), hint: useId(), found: useId(), file: useId(), message: useId() };
  const revocable = found !== null && found.count > 0 && found.count <= maxValuesPerCall;

  const forgetFiles = () => {
    fileValues.current = null;
    if (fileRef.current) fileRef.current.value = '';
  };

  // New input makes an error about the last one stale; the last results stay.
  const dropError = () => setMessage((m) => (m?.tone === 'error' ? null : m));

  const onTextInput = (text: string) => {
    if (text === '' && fileValues.current) return; // the files are still the source
    forgetFiles();
    setFound(text === '' ? null : counts(findTokens(text), null));
    dropError();
  };

  const readFiles = async (files: File[]) => {
    if (files.length === 0) return;
    const names = files.map((f) => visibleText(f.name));
    if (files.reduce((sum, f) => sum + f.size, 0) > maxFileBytes) {
      setMessage({
        text: `${fileList(names)}: larger than 32 MB. Paste the part that holds the tokens.`,
        tone: 'error',
      });
      return;
    }
    let texts: string[];
    try {
      texts = await Promise.all(files.map((f) => f.text()));
    } catch {
      setMessage({ text: `${fileList(names)}: the file could not be read. Choose it again.`, tone: 'error' });
      return;
    }
    const tokens = findTokens(texts.join('\n'));
    if (textRef.current) textRef.current.value = '';
    fileValues.current = tokens.values;
    setFound(counts(tokens, names));
    dropError();
  };

  const onDrop = (event: DragEvent) => {
    setDragging(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) return; // dropped text: the field takes it
    event.preventDefault();
    void readFiles(files);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const textField = textRef.current;
    if (!revocable || !found || !textField) {
      setMessage({ text: found ? foundSentence(found) : 'Paste text or choose a file first.', tone: 'error' });
      textField?.focus();
      return;
    }
    const values = fileValues.current ?? findTokens(textField.value).values;
    textField.value = '';
    forgetFiles();
    setFound(null);
    setBusy(true);
    setMessage(null);
    setResults(null);
    try {
      const data = await client.request(RevokeTokensByValueDocument, { tokens: values });
      const { revokedCount, results: done } = data.revokeTokensByValue;
      setResults(done);
      setMessage({ text: resultSentence(done, revokedCount), tone: revokedCount > 0 ? 'success' : 'info' });
      if (revokedCount > 0) onRevoked();
    } catch (err) {
      const again = isRetryable(err) ? ' The text was cleared: paste it or choose the file again to retry.' : '';
      setMessage({ text: describeError(err, { BAD_USER_INPUT: tooManySentence }) + again, tone: 'error' });
    } finally {
      setBusy(false);
      textField.focus();
    }
  };

  return (
    <Dialog title="Revoke tokens" onClose={onClose} class="dialog-wider">
      <form
        onSubmit={(e) => void submit(e)}
        noValidate
        class={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}
        onDragEnter={(e) => hasFiles(e) && setDragging(true)}
        onDragOver={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <div class="field">
          <label for={ids.text}>Text that holds the tokens</label>
          <textarea
            ref={textRef}
            id={ids.text}
            rows={5}
            autoComplete="off"
            spellcheck={false}
            aria-describedby={`${ids.hint} ${ids.found}`}
            onInput={(e) => onTextInput(e.currentTarget.value)}
          />
          <p id={ids.hint} class="hint">
            Paste anything that holds leaked tokens — a CI log, an .env file, JSON, a list — or drop text files here.
            Only the values that are this service’s tokens (opat_…, with a valid checksum) are sent, each once; the rest
            of the text never leaves this page.
          </p>
        </div>
        <div class="field">
          <label for={ids.file}>Or choose text files</label>
          <input
            ref={fileRef}
            id={ids.file}
            type="file"
            multiple
            onChange={(e) => void readFiles([...(e.currentTarget.files ?? [])])}
          />
        </div>
        <p id={ids.found} class={found ? 'found-summary' : 'visually-hidden'} role="status">
          {found && foundSentence(found)}
        </p>
        <p id={ids.message} class={message ? `message message-${message.tone}` : 'visually-hidden'} role="status">
          {message?.text}
        </p>
        {results && <RevokeByValueResults results={results} />}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Close
          </button>
          <button
            type="submit"
            class="button button-danger"
            aria-disabled={busy || !revocable}
            aria-describedby={ids.found}
          >
            {busy ? 'Revoking…' : revocable ? `Revoke ${plural(found.count, 'token')}` : 'Revoke'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function counts(tokens: FoundTokens, files: string[] | null): Found {
  const count = tokens.values.length;
  return { count, repeats: tokens.occurrences - count, rejected: tokens.rejected, files };
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

function fileList(names: readonly string[]): string {
  return names.length === 1 ? (names[0] ?? '') : `${names.length} files (${names.join(', ')})`;
}

/** "Found 3 tokens in ci.log." and what the counts leave out: repeats, look-alikes, too many. */
function foundSentence(found: Found): string {
  const where = found.files ? ` in ${fileList(found.files)}` : '';
  const sentences: string[] = [];
  if (found.count === 0) {
    sentences.push(`Found no tokens${where}: nothing there is a token of this service, so there is nothing to revoke.`);
  } else if (found.count > maxValuesPerCall) {
    sentences.push(
      `Found ${plural(found.count, 'token')}${where}: more than the ${maxValuesPerCall} one revocation takes, so none is revoked from here.`,
      `Split the text into parts of at most ${maxValuesPerCall} tokens and revoke them a minute apart (each admin may revoke ${maxValuesPerCall} a minute by default).`,
    );
  } else {
    sentences.push(`Found ${plural(found.count, 'token')}${where}.`);
  }
  if (found.repeats > 0) {
    sentences.push(
      found.repeats === 1 ? 'A repeated copy is counted once.' : `${found.repeats} repeated copies are counted once.`,
    );
  }
  if (found.rejected > 0) {
    sentences.push(
      found.rejected === 1
        ? 'One more value starts with opat_ but is not a token (cut off, mistyped or longer); it is not sent.'
        : `${found.rejected} more values start with opat_ but are not tokens (cut off, mistyped or longer); they are not sent.`,
    );
  }
  return sentences.join(' ');
}

/** "Revoked 2 tokens; 1 was already revoked; 1 was not found." */
function resultSentence(results: readonly ValueResult[], revokedCount: number): string {
  const already = results.filter((r) => r.outcome === 'ALREADY_REVOKED').length;
  const missing = results.filter((r) => r.outcome === 'NOT_FOUND').length;
  const was = (n: number) => (n === 1 ? 'was' : 'were');
  const parts = [revokedCount > 0 ? `Revoked ${plural(revokedCount, 'token')}` : 'No token was revoked'];
  if (already > 0) parts.push(`${already} ${was(already)} already revoked`);
  if (missing > 0) parts.push(`${missing} ${was(missing)} not found`);
  return `${parts.join('; ')}.`;
}

/** BAD_USER_INPUT from a budget set below the batch: the server says how many it takes a minute. */
function tooManySentence(err: ApiError): string {
  return err.limit === undefined
    ? describeError(err)
    : `The service revokes at most ${plural(err.limit, 'value')} a minute for each admin; split the text and send fewer at once.`;
}

function isRetryable(err: unknown): boolean {
  return err instanceof ApiError && retryable.has(err.code);
}
