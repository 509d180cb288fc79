// Under the Settings fields, before Save: what the change would do to
// existing tokens now, counted by the server, and the first of those tokens
// behind a disclosure. The sentences are a polite live region, so a screen
// reader hears the count when it arrives; the preview never holds up Save.

import { useId } from 'preact/hooks';
import { UserLabel } from '../../components/UserName';
import { VisibleText } from '../../components/VisibleText';
import type { SettingsFieldsFragment, UpdatePatSettingsInput } from '../../gql/graphql';
import type { ImpactPreview } from '../../hooks/useSettingsImpact';
import { impactSentences, sampleHeading } from './settingsImpact';

interface SettingsImpactPreviewProps {
  /** The changed fields, as the preview was asked for them; null when there is nothing to preview. */
  change: UpdatePatSettingsInput | null;
  current: SettingsFieldsFragment;
  preview: ImpactPreview;
}

export function SettingsImpactPreview({ change, current, preview }: SettingsImpactPreviewProps) {
  const sampleId = useId();
  const sample = preview.kind === 'ready' ? preview.impact.sample : [];
  return (
    <div class={preview.kind === 'none' ? 'impact-preview impact-preview-empty' : 'impact-preview'}>
      <div role="status" aria-live="polite">
        {preview.kind === 'loading' && <p class="muted">Counting the tokens this change affects…</p>}
        {preview.kind === 'failed' && <p>The effect on existing tokens could not be counted. {preview.error}</p>}
        {preview.kind === 'ready' &&
          change &&
          impactSentences(change, current, preview.impact).map((sentence) => <p key={sentence}>{sentence}</p>)}
      </div>
      {sample.length > 0 && (
        <details class="impact-sample">
          <summary id={sampleId}>{sampleHeading(sample.length)}</summary>
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
        </details>
      )}
    </div>
  );
}
