// Revokes every token that matches a filter (the inventory's, or all of
// one owner's). It first shows the server's preview — how many tokens and
// owners, the newest of them — which changes nothing; the button names the
// count. Up to 1,000 tokens are revoked within the call and the dialog
// closes with the result; beyond, the server revokes in the background and
// the dialog shows its progress until it is done. Closing it then leaves
// the job running on the server.
//
// The preview's confirmation is valid 10 minutes, for these filters and
// this admin only: when the server refuses it, the dialog offers a new
// preview instead of the revoke button.

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { isAbort, isStaleConfirmation } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import type { Tone } from '../../components/Announcer';
import { DateTime } from '../../components/DateTime';
import { Dialog } from '../../components/Dialog';
import { UserLabel } from '../../components/UserName';
import { VisibleText } from '../../components/VisibleText';
import { formatCount, pluralCount } from '../../format/plural';
import { RevokeTokensMatchingDocument, TokenRevocationPreviewDocument } from '../../gql/graphql';
import type { PersonalAccessTokenFilter, TokenRevocationPreviewQuery } from '../../gql/graphql';
import { useRevocationJob } from '../../hooks/useRevocationJob';
import type { RevocationJob } from '../../hooks/useRevocationJob';
import { describeFilter } from './revocationFilter';

/** The most tokens the server revokes within the confirming call (pat.InlineRevocationLimit). */
const inlineLimit = 1000;

/** What to announce on the page once the dialog is closed; the list reloads then. */
export interface RevokeMatchingOutcome {
  message: string;
  tone: Tone;
}

interface RevokeMatchingDialogProps {
  title: string;
  filter: PersonalAccessTokenFilter;
  /** Names the filter's one owner in the description ("Ann Lee (ann@example.com)"). */
  ownerLabel?: string | undefined;
  /** Called when the dialog is dismissed; with an outcome when tokens were, or are being, revoked. */
  onClose: (outcome?: RevokeMatchingOutcome) => void;
  /** Called when a background revocation ends, so the list behind reloads. */
  onRevoked: () => void;
}

type Preview = TokenRevocationPreviewQuery['tokenRevocationPreview'];

type Step =
  | { kind: 'loading' }
  | { kind: 'loadFailed'; error: string }
  | { kind: 'preview'; preview: Preview; busy: boolean; error: string | null; stale: boolean }
  | { kind: 'job'; preview: Preview };

export function RevokeMatchingDialog({ title, filter, ownerLabel, onClose, onRevoked }: RevokeMatchingDialogProps) {
  const { client } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const [previews, setPreviews] = useState(0);
  const followed = useRevocationJob();
  const closeRef = useRef<HTMLButtonElement>(null);
  const againRef = useRef<HTMLButtonElement>(null);
  const ids = { sample: useId(), progress: useId() };
  const filterKey = JSON.stringify(filter);
  const job = step.kind === 'job' ? followed.job : null;

  useEffect(() => {
    const controller = new AbortController();
    setStep({ kind: 'loading' });
    client
      .request(
        TokenRevocationPreviewDocument,
        { filter: JSON.parse(filterKey) as PersonalAccessTokenFilter },
        controller.signal,
      )
      .then((data) =>
        setStep({ kind: 'preview', preview: data.tokenRevocationPreview, busy: false, error: null, stale: false }),
      )
      .catch((err: unknown) => {
        if (!isAbort(err)) setStep({ kind: 'loadFailed', error: describeError(err) });
      });
    return () => controller.abort();
  }, [client, filterKey, previews]);

  const stale = step.kind === 'preview' && step.stale;
  useEffect(() => {
    if (stale) againRef.current?.focus();
  }, [stale]);

  // A background job that ended has changed the list behind.
  const ended = job !== null && job.state !== 'RUNNING';
  const onRevokedRef = useRef(onRevoked);
  onRevokedRef.current = onRevoked;
  useEffect(() => {
    if (ended) onRevokedRef.current();
  }, [ended]);

  const previewAgain = () => {
    closeRef.current?.focus(); // the button pressed goes away while the preview loads
    followed.follow(null);
    setStep({ kind: 'loading' });
    setPreviews((n) => n + 1);
  };

  const confirm = async () => {
    if (step.kind !== 'preview' || step.busy || step.stale) return;
    const { preview } = step;
    setStep({ ...step, busy: true, error: null });
    try {
      const data = await client.request(RevokeTokensMatchingDocument, {
        filter,
        confirmation: preview.confirmation,
      });
      const started = data.revokeTokensMatching;
      if (started.state === 'SUCCEEDED') {
        onClose({ message: revokedSentence(started), tone: 'success' });
        return;
      }
      closeRef.current?.focus(); // the revoke button goes away
      followed.follow(started);
      setStep({ kind: 'job', preview });
    } catch (err) {
      setStep({ kind: 'preview', preview, busy: false, error: describeError(err), stale: isStaleConfirmation(err) });
    }
  };

  const close = () => {
    if (!job) return onClose();
    if (followed.lost) return onClose({ message: 'The revocation was started on the server.', tone: 'info' });
    if (job.state === 'RUNNING') {
      return onClose({
        message: `The revocation continues on the server: ${formatCount(job.revoked)} of ${pluralCount(job.total, 'token')} revoked so far.`,
        tone: 'info',
      });
    }
    onClose(
      job.state === 'SUCCEEDED'
        ? { message: revokedSentence(job), tone: 'success' }
        : { message: failedSentence(job), tone: 'error' },
    );
  };

  const count = step.kind === 'preview' ? step.preview.matchingCount : 0;
  const closeLabel =
    step.kind === 'job' || step.kind === 'loadFailed' || (step.kind === 'preview' && count === 0) ? 'Close' : 'Cancel';
  const canPreviewAgain = stale || (job !== null && (job.state === 'FAILED' || followed.lost));

  return (
    <Dialog title={title} onClose={close} class="dialog-wide">
      <p>{describeFilter(filter, ownerLabel)}</p>
      <p class="found-summary" role="status">
        {statusSentence(step, job, followed.lost)}
      </p>

      {step.kind === 'preview' && count > 0 && <PreviewDetails preview={step.preview} sampleId={ids.sample} />}

      {job && (
        <div class="revocation-progress">
          <label for={ids.progress}>Revocation progress</label>
          <progress id={ids.progress} value={job.revoked} max={Math.max(job.total, 1)}>
            {formatCount(job.revoked)} of {formatCount(job.total)}
          </progress>
          <p class="progress-count">
            {formatCount(job.revoked)} of {pluralCount(job.total, 'token')} revoked
          </p>
          {job.state === 'RUNNING' && !followed.lost && (
            <p class="hint">You can close this window: the revocation continues on the server.</p>
          )}
        </div>
      )}

      {(step.kind === 'loadFailed' || (step.kind === 'preview' && step.error) || (job && followed.error)) && (
        <p class="field-error" role="alert">
          {step.kind === 'loadFailed' ? step.error : step.kind === 'preview' ? step.error : followed.error}
        </p>
      )}

      <div class="dialog-actions">
        <button ref={closeRef} type="button" class="button" onClick={close}>
          {closeLabel}
        </button>
        {step.kind === 'loadFailed' && (
          <button type="button" class="button button-primary" onClick={previewAgain}>
            Try again
          </button>
        )}
        {canPreviewAgain && (
          <button ref={againRef} type="button" class="button button-primary" onClick={previewAgain}>
            Preview again
          </button>
        )}
        {step.kind === 'preview' && count > 0 && !step.stale && (
          <button type="button" class="button button-danger" onClick={() => void confirm()} aria-disabled={step.busy}>
            {step.busy ? 'Revoking…' : `Revoke ${pluralCount(count, 'token')}`}
          </button>
        )}
      </div>
    </Dialog>
  );
}

function PreviewDetails({ preview, sampleId }: { preview: Preview; sampleId: string }) {
  const { matchingCount, sample } = preview;
  return (
    <>
      <p>
        {matchingCount === 1 ? 'It stops' : 'They stop'} working at once, and revocation is permanent. Tokens created
        after this preview are not revoked.
        {matchingCount > inlineLimit &&
          ` More than ${formatCount(inlineLimit)} tokens are revoked in the background: follow the progress here, or close this window and let the server finish.`}
      </p>
      <p id={sampleId}>
        {sample.length < matchingCount
          ? `The newest ${sample.length}:`
          : matchingCount === 1
            ? 'The token:'
            : 'The tokens:'}
      </p>
      {/* Focusable: it scrolls, and the keyboard must reach every token in it. */}
      <ul class="revoke-list" aria-labelledby={sampleId} tabIndex={0}>
        {sample.map((token) => (
          <li key={token.id}>
            <strong>
              <VisibleText text={token.name} />
            </strong>{' '}
            <code class="token-hint">{token.hint}</code>
            <span class="muted">
              {' '}
              — <UserLabel user={token.owner} />
            </span>
          </li>
        ))}
      </ul>
      <p class="hint">
        This preview can be confirmed until <DateTime value={preview.expiresAt} inline />.
      </p>
    </>
  );
}

/** The dialog's status line: what it is doing, or what the preview or job came to. */
function statusSentence(step: Step, job: RevocationJob | null, lost: boolean): string {
  switch (step.kind) {
    case 'loading':
      return 'Counting the tokens that match…';
    case 'loadFailed':
      return 'The preview could not be loaded.';
    case 'preview': {
      const { matchingCount, ownerCount } = step.preview;
      if (matchingCount === 0) return 'No token matches, so there is nothing to revoke.';
      const verb = matchingCount === 1 ? 'matches' : 'match';
      return `${pluralCount(matchingCount, 'token')} of ${pluralCount(ownerCount, 'owner')} ${verb} now.`;
    }
    case 'job':
      if (!job || lost) return 'The revocation was started on the server.';
      if (job.state === 'RUNNING') return 'Revoking in the background…';
      return job.state === 'SUCCEEDED' ? revokedSentence(job) : failedSentence(job);
  }
}

/** "Revoked 1,234 tokens." and, when some went meanwhile, how many. */
function revokedSentence(job: RevocationJob): string {
  if (job.total === 0) return 'No token matches any more, so none was revoked.';
  const revoked = `Revoked ${pluralCount(job.revoked, 'token')}`;
  const meanwhile = job.total - job.revoked;
  if (meanwhile <= 0) return `${revoked}.`;
  return `${revoked}; ${formatCount(meanwhile)} more ${meanwhile === 1 ? 'was' : 'were'} revoked otherwise meanwhile.`;
}

function failedSentence(job: RevocationJob): string {
  return `The revocation stopped after repeated failures: ${formatCount(job.revoked)} of ${pluralCount(job.total, 'token')} were revoked and stay revoked. Preview again to revoke the rest.`;
}
