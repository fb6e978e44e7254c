/**
 * How closely the customer's handwritten acknowledgement (抄录) matches the sentence they
 * were asked to copy.
 *
 * The kiosk recognises the handwriting with OCR and the teller decides whether to accept it
 * or ask for a rewrite; this score is the hint the teller sees, and the number stored with
 * the acknowledgement. The server should recompute it from the stored recognised text
 * rather than trust a score a client sent.
 *
 * Both texts are normalised first, so that only the words count:
 * 1. Unicode NFKC: full-width letters, digits, punctuation and the ideographic space become
 *    their ordinary forms (，→ , ０→ 0 Ａ→ A, U+3000 → space).
 * 2. Latin letters lower-cased.
 * 3. All whitespace removed: tesseract's chi_sim model puts spaces between Chinese characters,
 *    and line breaks depend on how the customer filled the grid.
 * 4. All punctuation removed (Unicode category P, full- or half-width alike): customers
 *    often leave out or vary the commas and full stops, OCR reads handwritten punctuation
 *    poorly, and the meaning the customer confirms is carried by the characters.
 *
 * The score is a character-level similarity: 1 − d / max(|e|, |r|), where d is the
 * Levenshtein distance (insertions, deletions and substitutions, each costing 1) between the
 * normalised texts, counted in Unicode code points. It is 1 for an exact match, falls by
 * 1/|e| for every missing, extra or misread character, and is 0 when nothing was recognised
 * or nothing matches. Dividing by the longer of the two keeps it within 0..1 and makes a long
 * garbled reading score low rather than negative.
 */

export interface AcknowledgementMatch {
  /** 0..1; 1 means the normalised texts are identical. */
  score: number;
  /** The expected sentence as compared (see the normalisation above). */
  normalisedExpected: string;
  /** The recognised text as compared. */
  normalisedRecognised: string;
  /** Levenshtein distance between the two normalised texts, in characters. */
  distance: number;
}

const WHITESPACE_AND_PUNCTUATION = /[\s\p{P}]/gu;

/** The text as the match compares it: NFKC, lower case, no whitespace and no punctuation. */
export function normaliseAcknowledgementText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(WHITESPACE_AND_PUNCTUATION, '');
}

/**
 * Scores `recognised` (OCR of the customer's handwriting) against `expected` (the sentence
 * shown to copy). Throws a RangeError when `expected` has nothing left to compare after
 * normalisation, since any score against an empty sentence would be meaningless.
 */
export function acknowledgementMatchScore(expected: string, recognised: string): AcknowledgementMatch {
  const normalisedExpected = normaliseAcknowledgementText(expected);
  const normalisedRecognised = normaliseAcknowledgementText(recognised);
  const e = Array.from(normalisedExpected);
  const r = Array.from(normalisedRecognised);
  if (e.length === 0) {
    throw new RangeError('acknowledgementMatchScore: the expected sentence has no characters to compare');
  }
  const distance = levenshtein(e, r);
  const score = 1 - distance / Math.max(e.length, r.length);
  return { score, normalisedExpected, normalisedRecognised, distance };
}

/** Edit distance between two sequences of characters, keeping two rows of the DP table. */
function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
    }
    previous = current;
  }
  return previous[b.length]!;
}
