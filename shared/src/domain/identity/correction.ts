/**
 * Repair of one OCR misread by check digits, as the product requires: "Where OCR confused
 * one character and exactly one substitution makes the check digits valid, correct it and
 * record that it did."
 *
 * Every single-character substitution is tried; a repair is taken only when exactly one
 * candidate is valid. Otherwise nothing is guessed: the reading is returned unchanged,
 * flagged `ambiguous`, and the customer corrects it.
 *
 * Two measured facts sharpen the rule (shared/notes/ocr-facts.md):
 * - An ID number's MOD 11-2 digit plus a real birth date still leave many candidates
 *   (median 12), but the wrong digit was the one OCR was least sure of in 100/100 cases,
 *   so with per-character confidences the lowest-confidence position decides.
 * - MRZ readings go wrong in known pairs (G↔6, N↔W, '<' read as K or L, …), so when
 *   several substitutions fit, a lone one by a confusion partner is preferred (see
 *   `MrzRepairOptions` for what that costs).
 * `corrected.basis` says which rule decided, so a UI can ask for confirmation of guesses.
 */
import { isRealYymmdd, isValidTd3Line2, mrzCharacterValue, mrzCheckDigitMatches, TD3_LINE_LENGTH } from './mrz.ts';
import { isValidResidentIdNumber, type ResidentIdNumberOptions } from './resident-id-number.ts';

/**
 * Why a substitution was taken. Only 'only-candidate' is certain given a single misread;
 * the others are measured best guesses (a UI should ask the customer to confirm them):
 * 'confusion-pair' is wrong whenever the real misread was not a known confusion.
 */
export type CorrectionBasis = 'only-candidate' | 'lowest-confidence' | 'confusion-pair';

export interface Correction {
  /** Index of the replaced character. */
  position: number;
  from: string;
  to: string;
  /** Always set by the repair functions here. */
  basis?: CorrectionBasis;
}

export interface Repair {
  /** The repaired text, or the input when nothing was (or could be) repaired. */
  value: string;
  corrected: Correction | null;
  /** True when several substitutions were valid and none could be preferred. */
  ambiguous: boolean;
}

/** MRZ (OCR-B) misreads: the usual letter/digit look-alikes, N/W, and '<' read as K or L (ocr-facts.md). Both ways. */
export const OCR_CONFUSIONS: readonly (readonly [string, string])[] = Object.freeze([
  ['0', 'O'],
  ['1', 'I'],
  ['2', 'Z'],
  ['5', 'S'],
  ['6', 'G'],
  ['8', 'B'],
  ['N', 'W'],
  ['<', 'K'],
  ['<', 'L'],
] as const);

const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const FILLER = '<';

interface Candidate extends Correction {
  value: string;
}

function confusionPartners(character: string): string[] {
  return OCR_CONFUSIONS.flatMap(([a, b]) => (a === character ? [b] : b === character ? [a] : []));
}

/** Every text that differs from `text` in one character, drawn from that position's alphabet, and is valid. */
function validSubstitutions(
  text: string,
  alphabetAt: (position: number) => string,
  isValid: (candidate: string) => boolean,
): Candidate[] {
  const found: Candidate[] = [];
  for (let position = 0; position < text.length; position++) {
    const from = text[position] as string;
    for (const to of alphabetAt(position)) {
      if (to === from) continue;
      const value = text.slice(0, position) + to + text.slice(position + 1);
      if (isValid(value)) found.push({ position, from, to, value });
    }
  }
  return found;
}

function unchanged(value: string, ambiguous = false): Repair {
  return { value, corrected: null, ambiguous };
}

function take(candidate: Candidate, basis: CorrectionBasis): Repair {
  const { position, from, to, value } = candidate;
  return { value, corrected: { position, from, to, basis }, ambiguous: false };
}

/** Exactly one candidate is taken; none leaves the text as it is; several are ambiguous. */
function takeOnlyCandidate(text: string, candidates: readonly Candidate[], basis: CorrectionBasis): Repair {
  if (candidates.length === 1) return take(candidates[0] as Candidate, basis);
  return unchanged(text, candidates.length > 1);
}

export interface MrzRepairOptions {
  /**
   * When several substitutions fit, take the only one by a confusion partner (default
   * true). Right whenever the misread was a known confusion; wrong whenever it was not:
   * on the ICAO specimen line 2 with every single-character error injected, this rule
   * added 2 right repairs to 518 certain ones and made 148 wrong ones. Such repairs carry
   * basis 'confusion-pair' so the kiosk can ask the customer to confirm them.
   */
  preferConfusionPairs?: boolean;
}

/** The only valid substitution, or else (if allowed) the only valid one by a confusion partner. */
function repairPreferringConfusions(
  text: string,
  alphabetAt: (position: number) => string,
  isValid: (candidate: string) => boolean,
  opts: MrzRepairOptions,
): Repair {
  const all = validSubstitutions(text, alphabetAt, isValid);
  if (all.length <= 1 || opts.preferConfusionPairs === false) return takeOnlyCandidate(text, all, 'only-candidate');
  const likely = all.filter((c) => confusionPartners(c.from).includes(c.to));
  return likely.length === 1 ? take(likely[0] as Candidate, 'confusion-pair') : unchanged(text, true);
}

// ---------------------------------------------------------------- resident ID number

/**
 * Repair one misread character of an 18-character ID number. A candidate is valid when
 * it passes every rule of `validateResidentIdNumber` (check character, real birth date not
 * in the future, known province). With several candidates and per-character confidences
 * (one per character of `text`), the candidate at the least confident position is taken
 * when it is the only one there. A lower-case 'x' is read as 'X' without counting as a
 * repair.
 */
export function repairResidentIdNumber(
  text: string,
  charConfidences?: readonly number[],
  opts: ResidentIdNumberOptions = {},
): Repair {
  const reading = text.replace(/x/g, 'X');
  if (charConfidences !== undefined && charConfidences.length !== reading.length) {
    throw new RangeError(`${charConfidences.length} confidences for ${reading.length} characters`);
  }
  if (isValidResidentIdNumber(reading, opts)) return unchanged(reading);
  if (reading.length !== 18) return unchanged(reading);

  const candidates = validSubstitutions(
    reading,
    (position) => (position === 17 ? DIGITS + 'X' : DIGITS),
    (candidate) => isValidResidentIdNumber(candidate, opts),
  );
  if (candidates.length <= 1 || charConfidences === undefined) return takeOnlyCandidate(reading, candidates, 'only-candidate');
  const atLeastConfident = candidatesAtLeastConfident(candidates, charConfidences);
  return atLeastConfident.length === 1 ? take(atLeastConfident[0] as Candidate, 'lowest-confidence') : unchanged(reading, true);
}

/** Candidates at the position(s) OCR was least sure of. */
function candidatesAtLeastConfident(candidates: readonly Candidate[], confidences: readonly number[]): Candidate[] {
  const lowest = Math.min(...confidences);
  return candidates.filter((c) => confidences[c.position] === lowest);
}

// ---------------------------------------------------------------- MRZ

/**
 * What a check-digit-protected MRZ field may contain: 'date' is YYMMDD that must be a real
 * day, 'numeric' digits only, 'alphanumeric' A–Z, 0–9 and '<' (document and personal numbers).
 */
export type MrzFieldAlphabet = 'date' | 'numeric' | 'alphanumeric';

export interface MrzFieldRepair extends Repair {
  /** The (possibly repaired) check digit. */
  checkDigit: string;
}

function fieldAlphabet(alphabet: MrzFieldAlphabet): string {
  return alphabet === 'alphanumeric' ? LETTERS + DIGITS + FILLER : DIGITS;
}

function isFieldValue(value: string, alphabet: MrzFieldAlphabet): boolean {
  if (alphabet === 'date') return /^\d{6}$/.test(value) && isRealYymmdd(value);
  if (alphabet === 'numeric') return /^\d*$/.test(value);
  return /^[A-Z0-9<]*$/.test(value);
}

/**
 * Repair one misread character of an MRZ field or of its check digit. `corrected.position`
 * counts over the field followed by its check digit, so `value.length` means the check
 * digit itself. Letters in a numeric field can only be misread digits, so the repair is
 * forced to that position.
 */
export function repairMrzField(
  value: string,
  checkDigit: string,
  alphabet: MrzFieldAlphabet,
  opts: MrzRepairOptions = {},
): MrzFieldRepair {
  const reading = value + checkDigit;
  const split = (text: string) => ({ value: text.slice(0, value.length), checkDigit: text.slice(value.length) });
  const isValid = (text: string) => {
    const parts = split(text);
    return isFieldValue(parts.value, alphabet) && mrzCheckDigitMatches(parts.value, parts.checkDigit);
  };
  const alphabetAt = (position: number) => (position === value.length ? DIGITS + FILLER : fieldAlphabet(alphabet));
  const repairable = checkDigit.length === 1 && !isValid(reading);
  const repair = repairable ? repairPreferringConfusions(reading, alphabetAt, isValid, opts) : unchanged(reading);
  return { ...repair, ...split(repair.value) };
}

/** What each position of TD3 line 2 may hold. */
function td3Line2Alphabet(position: number): string {
  if (position < 9) return LETTERS + DIGITS + FILLER; // document number
  if (position < 10) return DIGITS;
  if (position < 13) return LETTERS + FILLER; // nationality
  if (position < 20) return DIGITS; // birth date and its check digit
  if (position === 20) return 'MF' + FILLER; // sex
  if (position < 28) return DIGITS; // expiry date and its check digit
  if (position < 42) return LETTERS + DIGITS + FILLER; // personal number
  if (position === 42) return DIGITS + FILLER;
  return DIGITS; // composite
}

/**
 * Repair one misread character anywhere in TD3 line 2, requiring every check digit and
 * the composite to fit afterwards (the composite often rules out candidates a single
 * field's check digit allows). The repaired line is `value`.
 */
export function repairTd3Line2(line2: string, opts: MrzRepairOptions = {}): Repair {
  const reading = line2.trim();
  if (reading.length !== TD3_LINE_LENGTH || isValidTd3Line2(reading)) return unchanged(reading);
  return repairPreferringConfusions(reading, td3Line2Alphabet, isValidTd3Line2, opts);
}

/**
 * Positions whose common confusion the check digit cannot see: the two characters have the
 * same value mod 10 (6 and G are 6 and 16), so a misread there passes every check. The
 * kiosk should ask the customer to confirm these characters.
 */
export function checkDigitBlindSpots(value: string): { position: number; alternative: string }[] {
  const spots: { position: number; alternative: string }[] = [];
  [...value].forEach((character, position) => {
    if (!/^[A-Z0-9<]$/.test(character)) return;
    for (const alternative of confusionPartners(character)) {
      if (mrzCharacterValue(alternative) % 10 === mrzCharacterValue(character) % 10) spots.push({ position, alternative });
    }
  });
  return spots;
}
