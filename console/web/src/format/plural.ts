// English counts: "1 token", "3 tokens".

/** "n noun" with an s when n is not 1 (or the given plural form). */
export function plural(n: number, noun: string, pluralForm = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralForm}`;
}
