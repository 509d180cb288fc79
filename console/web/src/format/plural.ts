// English counts: "1 token", "3 tokens", "1,234 tokens".

/** "n noun" with an s when n is not 1 (or the given plural form). */
export function plural(n: number, noun: string, pluralForm = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralForm}`;
}

const grouped = new Intl.NumberFormat('en-US');

/** Like plural, with thousands separated ("1,234 tokens"), for counts that may be large. */
export function pluralCount(n: number, noun: string, pluralForm = `${noun}s`): string {
  return `${grouped.format(n)} ${n === 1 ? noun : pluralForm}`;
}

/** n with thousands separated: "1,234". */
export function formatCount(n: number): string {
  return grouped.format(n);
}
