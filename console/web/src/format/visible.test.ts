import { describe, expect, it } from 'vitest';
import { codePointLabel, firstHidden, hasHidden, visibleParts, visibleText } from './visible';

// Every character the console must never let act on the text around it.
const hidden = /[\p{Cc}\p{Cf}]/u;
// The bidirectional controls: embeddings, overrides, isolates and marks.
const bidiControls = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

describe('visibleText', () => {
  it('keeps a right-to-left override from reordering what follows it', () => {
    // Rendered as is, "invoice\u202Eexe.txt" reads "invoicetxt.exe".
    const shown = visibleText('invoice\u202Eexe.txt');
    expect(shown).toBe('invoice⟨U+202E⟩exe.txt');
    expect(shown).not.toMatch(bidiControls);
  });

  it.each([
    ['U+202A, first embedding or override', '\u202A', 'U+202A'],
    ['U+202E, last embedding or override', '\u202E', 'U+202E'],
    ['U+2066, first isolate', '\u2066', 'U+2066'],
    ['U+2069, last isolate', '\u2069', 'U+2069'],
    ['U+200B, zero width space', '\u200B', 'U+200B'],
    ['U+200F, right-to-left mark', '\u200F', 'U+200F'],
    ['U+FEFF, byte order mark', '\uFEFF', 'U+FEFF'],
    ['U+00AD, soft hyphen', '\u00AD', 'U+00AD'],
    ['U+0000, NUL', '\u0000', 'U+0000'],
    ['U+0009, tab', '\t', 'U+0009'],
    ['U+009F, last C1 control', '\u009F', 'U+009F'],
    ['U+E0001, language tag (outside the BMP)', '\u{E0001}', 'U+E0001'],
  ])('marks %s', (_, character, codePoint) => {
    expect(visibleText(`a${character}b`)).toBe(`a⟨${codePoint}⟩b`);
  });

  it.each([
    ['plain', 'Ann Lee'],
    ['accents', 'Zoë Ångström'],
    ['hebrew letters', 'דנה כהן'],
    ['arabic letters', 'ليلى'],
    ['emoji with a variation selector', '🚀 ❤\uFE0F'],
    ['hair space, before U+200B', 'a\u200Ab'],
    ['hyphen, after U+200F', 'a\u2010b'],
    ['narrow no-break space, after U+202E', 'a\u202Fb'],
    ['e-mail', 'ann.lee+ci@example.com'],
  ])('leaves %s alone', (_, text) => {
    expect(visibleText(text)).toBe(text);
    expect(hasHidden(text)).toBe(false);
  });

  it('leaves no control or format character anywhere in Unicode', () => {
    const missed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue; // surrogates are not characters
      const character = String.fromCodePoint(cp);
      if (!hidden.test(character)) continue;
      const shown = visibleText(`x${character}y`);
      if (hidden.test(shown) || shown !== `x⟨${codePointLabel(cp)}⟩y`) missed.push(codePointLabel(cp));
    }
    expect(missed).toEqual([]);
  });
});

describe('visibleParts', () => {
  it('splits text into runs and hidden characters in logical order', () => {
    expect(visibleParts('\u202Eab\u200B\u200Bc')).toEqual([
      { kind: 'hidden', codePoint: 'U+202E', description: 'right-to-left override' },
      { kind: 'text', text: 'ab' },
      { kind: 'hidden', codePoint: 'U+200B', description: 'zero width space' },
      { kind: 'hidden', codePoint: 'U+200B', description: 'zero width space' },
      { kind: 'text', text: 'c' },
    ]);
  });

  it('describes characters without a name by their category', () => {
    expect(visibleParts('\u0001\u{E0061}')).toEqual([
      { kind: 'hidden', codePoint: 'U+0001', description: 'control character' },
      { kind: 'hidden', codePoint: 'U+E0061', description: 'invisible formatting character' },
    ]);
  });

  it('is one text run for ordinary text, even empty', () => {
    expect(visibleParts('Ann')).toEqual([{ kind: 'text', text: 'Ann' }]);
    expect(visibleParts('')).toEqual([{ kind: 'text', text: '' }]);
  });
});

describe('firstHidden', () => {
  it('counts characters from 1 as the server does, a character outside the BMP as one', () => {
    expect(firstHidden('🚀ab\u202Ec')).toEqual({
      codePoint: 'U+202E',
      description: 'right-to-left override',
      position: 4,
    });
    expect(firstHidden('\uFEFFdeploy')?.position).toBe(1);
  });

  it('is null without one', () => {
    expect(firstHidden('deploy 🚀')).toBeNull();
  });
});
