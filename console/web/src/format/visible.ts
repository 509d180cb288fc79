// Text that other people chose (user names and e-mails from their
// sessions, token names, audit-trail actors and subjects) shown so that it
// cannot hide or reorder itself. Every control character (Unicode category
// Cc) and format character (Cf) — zero-width characters, bidirectional
// marks, embeddings, overrides and isolates, the byte order mark, the soft
// hyphen, tag characters — becomes an inert, visible marker such as
// ⟨U+202E⟩ instead of acting on the text around it.
//
// The server refuses these characters in new token names (the same rule:
// all of Cc and Cf) but stores names and e-mails from sessions as given, and
// older tokens may still have them, so every display goes through here:
// <VisibleText> in markup, visibleText() where only a string fits (labels,
// <option>s, announcements).

/** A control or format character as the console names it. */
export interface HiddenCharacter {
  /** "U+202E". */
  codePoint: string;
  /** "right-to-left override", for assistive technology and tooltips. */
  description: string;
}

/** One run of ordinary text, or one control or format character. */
export type VisiblePart = { kind: 'text'; text: string } | ({ kind: 'hidden' } & HiddenCharacter);

// Matches one control or format character. With the u flag, a code point
// above U+FFFF (a tag character) is one match, not two halves.
const hiddenCharacter = /[\p{Cc}\p{Cf}]/u;
const hiddenCharacters = /[\p{Cc}\p{Cf}]/gu;
const control = /\p{Cc}/u;

// Names of the characters people are most likely to meet; the rest are
// described by their category.
const names: Readonly<Record<number, string>> = {
  0x0009: 'tab',
  0x000a: 'line feed',
  0x000d: 'carriage return',
  0x00ad: 'soft hyphen',
  0x061c: 'arabic letter mark',
  0x180e: 'mongolian vowel separator',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'zero width no-break space',
};

/** "U+202E", "U+E0001": the form the server's errors use too. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The visible stand-in for one hidden character: "⟨U+202E⟩". */
export function marker(codePoint: string): string {
  return `⟨${codePoint}⟩`;
}

/** Names one control or format character. */
export function describeCharacter(character: string): HiddenCharacter {
  const cp = character.codePointAt(0) ?? 0;
  const description = names[cp] ?? (control.test(character) ? 'control character' : 'invisible formatting character');
  return { codePoint: codePointLabel(cp), description };
}

/** text split into ordinary runs and the control or format characters between them, in logical order. */
export function visibleParts(text: string): VisiblePart[] {
  const parts: VisiblePart[] = [];
  let start = 0;
  for (const match of text.matchAll(hiddenCharacters)) {
    if (match.index > start) parts.push({ kind: 'text', text: text.slice(start, match.index) });
    parts.push({ kind: 'hidden', ...describeCharacter(match[0]) });
    start = match.index + match[0].length;
  }
  if (start < text.length || parts.length === 0) parts.push({ kind: 'text', text: text.slice(start) });
  return parts;
}

/** text with every control or format character replaced by its marker, for places that take only a string. */
export function visibleText(text: string): string {
  return text.replace(hiddenCharacters, (character) => marker(codePointLabel(character.codePointAt(0) ?? 0)));
}

/** Whether text has a control or format character. */
export function hasHidden(text: string): boolean {
  return hiddenCharacter.test(text);
}

/**
 * The first control or format character of text and its position in
 * characters (code points) from 1, as the server counts for token names;
 * null when there is none.
 */
export function firstHidden(text: string): (HiddenCharacter & { position: number }) | null {
  let position = 0;
  for (const character of text) {
    position++;
    if (hiddenCharacter.test(character)) return { ...describeCharacter(character), position };
  }
  return null;
}
