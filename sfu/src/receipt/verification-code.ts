/**
 * The verification code printed on a receipt: what a customer reads out, or a teller types,
 * to look the session up later.
 *
 * Ten characters of Crockford's base32 (0-9 and A-Z without I, L, O and U, so no two symbols
 * look alike and none can be misread as another), grouped XXXX-XXXX-XX for reading aloud.
 * That is 50 random bits: guessing a valid code is hopeless even with millions of receipts.
 * Typing is forgiving the way Crockford specifies: any case, with or without dashes or
 * spaces, O read as 0 and I or L as 1.
 */
import { randomBytes } from 'node:crypto';

export const VERIFICATION_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VERIFICATION_CODE_LENGTH = 10;
/** A code as `newVerificationCode` writes it and `normaliseVerificationCode` returns it. */
export const VERIFICATION_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/;

const GROUPS = [4, 4, 2] as const;

/**
 * A fresh random code, e.g. `7KQ2-M9XD-4T`. `random` is for tests; it must return `n`
 * uniformly random bytes.
 */
export function newVerificationCode(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(VERIFICATION_CODE_LENGTH);
  if (bytes.length !== VERIFICATION_CODE_LENGTH) throw new Error('newVerificationCode: short random read');
  // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform: no bias.
  const symbols = Array.from(bytes, (b) => VERIFICATION_CODE_ALPHABET[b & 31]!).join('');
  return group(symbols);
}

/** Characters people type for a dash: hyphen-minus and the Unicode hyphens, dashes and minus. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212_]/g;
const LOOK_ALIKES: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1' };

/**
 * The canonical form (`XXXX-XXXX-XX`) of a code as someone typed or scanned it, or null when
 * it cannot be a code (wrong length, or a character outside the alphabet such as U).
 * Full-width input from a Chinese keyboard is accepted (NFKC).
 */
export function normaliseVerificationCode(input: string): string | null {
  const symbols = Array.from(input.normalize('NFKC').toUpperCase().replace(SEPARATORS, ''), (c) => LOOK_ALIKES[c] ?? c);
  if (symbols.length !== VERIFICATION_CODE_LENGTH) return null;
  if (!symbols.every((c) => VERIFICATION_CODE_ALPHABET.includes(c))) return null;
  return group(symbols.join(''));
}

function group(symbols: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of GROUPS) {
    parts.push(symbols.slice(at, at + size));
    at += size;
  }
  return parts.join('-');
}
