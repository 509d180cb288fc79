// Someone else's text in markup (a user name or e-mail, a token name):
// isolated from the text around it (<bdi>), so right-to-left letters cannot
// reorder the sentence it stands in, and with each control or format
// character shown as an inert marker (see format/visible.ts).

import { marker, visibleParts } from '../format/visible';

export function VisibleText({ text }: { text: string }) {
  return (
    <bdi>
      {visibleParts(text).map((part, i) =>
        part.kind === 'text' ? (
          part.text
        ) : (
          <span
            key={i}
            class="hidden-char"
            role="img"
            aria-label={`${part.description} (${part.codePoint})`}
            title={`${part.description}, shown as its code point`}
          >
            {marker(part.codePoint)}
          </span>
        ),
      )}
    </bdi>
  );
}
