/** Quotes a word for a POSIX shell, leaving plain words as they are (for commands users can paste). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
