import { describe, expect, it } from 'vitest';
import { checkDigitBlindSpots, OCR_CONFUSIONS, repairMrzField, repairResidentIdNumber, repairTd3Line2 } from './correction.ts';
import { isValidTd3Line2, mrzCheckDigit } from './mrz.ts';
import { isValidResidentIdNumber } from './resident-id-number.ts';

const today = new Date('2024-06-01T12:00:00+08:00');
const VALID_IDS = [
  '11010519491231002X',
  '440304200002290014',
  '310115199001010037',
  '510107200606010040',
  '500101198506151233',
  '650102200605315677',
  '460000198801012215',
];
const SPECIMEN_LINE2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';

const replaceAt = (text: string, position: number, character: string) =>
  text.slice(0, position) + character + text.slice(position + 1);

/** Every text one substitution away from `text`, with where and what was injected. */
function singleErrors(text: string, alphabetAt: (position: number) => string) {
  const errors: { position: number; wrong: string; text: string }[] = [];
  for (let position = 0; position < text.length; position++) {
    for (const wrong of alphabetAt(position)) {
      if (wrong !== text[position]) errors.push({ position, wrong, text: replaceAt(text, position, wrong) });
    }
  }
  return errors;
}

/** OCR confidences, high everywhere but at one position. */
function confidencesLowAt(position: number, length = 18): number[] {
  return Array.from({ length }, (_, i) => (i === position ? 41 : 93));
}

describe('repairResidentIdNumber', () => {
  it('leaves a valid number alone', () => {
    expect(repairResidentIdNumber('11010519491231002X', undefined, { today })).toEqual({
      value: '11010519491231002X',
      corrected: null,
      ambiguous: false,
    });
  });

  it('reads a lower-case x as X without calling it a repair', () => {
    expect(repairResidentIdNumber('11010519491231002x', undefined, { today })).toMatchObject({ value: '11010519491231002X', corrected: null });
  });

  it.each([
    ['a province code made impossible', '01010519491231002X', { position: 0, from: '0', to: '1' }],
    ['a month made impossible', '11010519491531002X', { position: 11, from: '5', to: '2' }],
    ['an O read for a digit (the position is forced)', '1101051949O231002X', { position: 10, from: 'O', to: '1' }],
  ])('repairs %s when exactly one substitution is valid', (_, misread, corrected) => {
    expect(repairResidentIdNumber(misread, undefined, { today })).toEqual({
      value: '11010519491231002X',
      corrected: { ...corrected, basis: 'only-candidate' },
      ambiguous: false,
    });
  });

  it('does not guess when several substitutions are valid and no confidences are given', () => {
    expect(repairResidentIdNumber('11010519491231005X', undefined, { today })).toEqual({
      value: '11010519491231005X',
      corrected: null,
      ambiguous: true,
    });
  });

  it('takes the candidate at the least confident character', () => {
    expect(repairResidentIdNumber('11010519491231005X', confidencesLowAt(16), { today })).toEqual({
      value: '11010519491231002X',
      corrected: { position: 16, from: '5', to: '2', basis: 'lowest-confidence' },
      ambiguous: false,
    });
  });

  it.each(VALID_IDS)('repairs every single-digit error in %s given the misread position is the least confident', (valid) => {
    const errors = singleErrors(valid, (p) => (p === 17 ? '0123456789X' : '0123456789'));
    for (const error of errors) {
      const repair = repairResidentIdNumber(error.text, confidencesLowAt(error.position), { today });
      expect(repair.value, error.text).toBe(valid);
      expect(repair.corrected).toMatchObject({ position: error.position, from: error.wrong, to: valid[error.position] });
    }
  });

  it('never repairs a single-digit error to anything but the original', () => {
    for (const valid of VALID_IDS) {
      for (const error of singleErrors(valid, (p) => (p === 17 ? '0123456789X' : '0123456789'))) {
        const repair = repairResidentIdNumber(error.text, undefined, { today });
        if (repair.corrected) expect(repair.value).toBe(valid);
        else expect(repair).toEqual({ value: error.text, corrected: null, ambiguous: true });
      }
    }
  });

  it('does not guess when the least confident character has no valid substitution', () => {
    // The misread is at 16, but OCR was least sure of position 7, where no digit fits.
    const repair = repairResidentIdNumber('11010519491231005X', confidencesLowAt(7), { today });
    expect(repair).toEqual({ value: '11010519491231005X', corrected: null, ambiguous: true });
  });

  it('trusts the confidences: a misleading one yields a wrong but valid number, marked as such', () => {
    // The misread is at 16; OCR was least sure of position 3, where 1 → 2 also validates.
    expect(repairResidentIdNumber('11010519491231005X', confidencesLowAt(3), { today }).corrected).toEqual({
      position: 3,
      from: '1',
      to: '2',
      basis: 'lowest-confidence',
    });
  });

  it('does not guess when two positions tie for least confident and both have candidates', () => {
    const confidences = confidencesLowAt(16);
    confidences[14] = 41; // 0 → 2 there would be valid too
    expect(repairResidentIdNumber('11010519491231005X', confidences, { today }).ambiguous).toBe(true);
  });

  it.each([
    ['too short', '1101051949123100X'],
    ['too long', '11010519491231002X1'],
    ['empty', ''],
  ])('does not touch a reading of the wrong length (%s)', (_, text) => {
    expect(repairResidentIdNumber(text, undefined, { today })).toEqual({ value: text, corrected: null, ambiguous: false });
  });

  it('refuses confidences that do not match the characters', () => {
    expect(() => repairResidentIdNumber('11010519491231005X', [90, 90], { today })).toThrow(RangeError);
  });

  it('only ever returns numbers that validate', () => {
    const repair = repairResidentIdNumber('01010519491231002X', undefined, { today });
    expect(isValidResidentIdNumber(repair.value, { today })).toBe(true);
  });
});

describe('repairMrzField', () => {
  it.each([
    ['an O in a date', '74O812', '2', 'date', '740812', '2', { position: 2, from: 'O', to: '0' }],
    ['a letter no digit is confused with, in a date', '74A812', '2', 'date', '740812', '2', { position: 2, from: 'A', to: '0' }],
    ['a Z read for the check digit 2', '740812', 'Z', 'date', '740812', '2', { position: 6, from: 'Z', to: '2' }],
    ['a digit misread where the date leaves one choice', '120475', '9', 'date', '120415', '9', { position: 4, from: '7', to: '1' }],
    ['an O read for the check digit 0', '<<<<<<<<<<<<<<', 'O', 'alphanumeric', '<<<<<<<<<<<<<<', '0', { position: 14, from: 'O', to: '0' }],
    ['a letter in a numeric field', '1234S6', mrzCheckDigit('123456'), 'numeric', '123456', mrzCheckDigit('123456'), { position: 4, from: 'S', to: '5' }],
  ] as const)('repairs %s', (_, value, checkDigit, alphabet, fixedValue, fixedCheck, corrected) => {
    const repair = repairMrzField(value, checkDigit, alphabet);
    expect(repair).toMatchObject({ value: fixedValue, checkDigit: fixedCheck, corrected, ambiguous: false });
  });

  it('prefers the one confusion-pair candidate among several, and says so', () => {
    expect(repairMrzField('L8989O2C3', '6', 'alphanumeric')).toEqual({
      value: 'L898902C3',
      checkDigit: '6',
      corrected: { position: 5, from: 'O', to: '0', basis: 'confusion-pair' },
      ambiguous: false,
    });
  });

  it('can be told not to prefer confusion pairs; a non-confusion misread is then not "repaired" wrongly', () => {
    // 3 misread as 4: the only confusion candidate (8 → B) is wrong.
    expect(repairMrzField('L898902C4', '6', 'alphanumeric').corrected).toMatchObject({ from: '8', to: 'B', basis: 'confusion-pair' });
    expect(repairMrzField('L898902C4', '6', 'alphanumeric', { preferConfusionPairs: false })).toMatchObject({
      value: 'L898902C4',
      corrected: null,
      ambiguous: true,
    });
  });

  it.each([
    ['a valid date', '740812', '2', 'date'],
    ['a valid document number', 'L898902C3', '6', 'alphanumeric'],
    ['an empty personal number with a filler check digit', '<<<<<<<<<<<<<<', '<', 'alphanumeric'],
  ] as const)('leaves %s alone', (_, value, checkDigit, alphabet) => {
    expect(repairMrzField(value, checkDigit, alphabet)).toEqual({ value, checkDigit, corrected: null, ambiguous: false });
  });

  it('does not guess between several digit repairs of a date', () => {
    expect(repairMrzField('120416', '9', 'date')).toEqual({ value: '120416', checkDigit: '9', corrected: null, ambiguous: true });
  });

  it('fixes every single misread of the specimen dates that leaves one valid choice, and only to the original', () => {
    for (const [value, check] of [['740812', '2'], ['120415', '9']] as const) {
      for (const error of singleErrors(value + check, () => '0123456789OIZSGB')) {
        const repair = repairMrzField(error.text.slice(0, 6), error.text.slice(6), 'date');
        if (repair.corrected) expect(repair.value + repair.checkDigit).toBe(value + check);
      }
    }
  });
});

describe('repairTd3Line2', () => {
  it.each([
    ['an O read for the composite 0', 43, 'O'],
    ['a G read for the document check digit 6', 9, 'G'],
    ['an O read for a 0 in the birth date', 15, 'O'],
    ['an S read for a 5 in the expiry date', 26, 'S'],
    ['a wrong composite digit', 43, '7'],
    ['an O read for a 0 in the document number', 5, 'O'],
  ])('repairs %s', (_, position, wrong) => {
    const repair = repairTd3Line2(replaceAt(SPECIMEN_LINE2, position, wrong));
    expect(repair).toMatchObject({ value: SPECIMEN_LINE2, corrected: { position, from: wrong }, ambiguous: false });
  });

  it('leaves a valid line alone', () => {
    expect(repairTd3Line2(SPECIMEN_LINE2)).toEqual({ value: SPECIMEN_LINE2, corrected: null, ambiguous: false });
  });

  it('does not guess when a personal number filler is read as L', () => {
    expect(repairTd3Line2(replaceAt(SPECIMEN_LINE2, 40, 'L'))).toMatchObject({ corrected: null, ambiguous: true });
  });

  it('repairs every injected confusion-pair misread to the original, or declines', () => {
    for (let position = 0; position < 44; position++) {
      for (const [a, b] of OCR_CONFUSIONS) {
        for (const [from, to] of [[a, b], [b, a]] as const) {
          if (SPECIMEN_LINE2[position] !== from) continue;
          const misread = replaceAt(SPECIMEN_LINE2, position, to);
          const repair = repairTd3Line2(misread);
          if (repair.corrected) expect(repair.value, misread).toBe(SPECIMEN_LINE2);
        }
      }
    }
  });

  it('is never wrong when it is the only candidate, whatever the misread', () => {
    const characters = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<';
    let repaired = 0;
    for (const error of singleErrors(SPECIMEN_LINE2, () => characters)) {
      if (isValidTd3Line2(error.text)) continue; // nationality, sex, invisible confusions
      const repair = repairTd3Line2(error.text);
      if (repair.corrected?.basis === 'only-candidate') {
        expect(repair.value, error.text).toBe(SPECIMEN_LINE2);
        repaired++;
      }
    }
    expect(repaired).toBeGreaterThan(400);
  });

  it('does not touch a line of the wrong length', () => {
    expect(repairTd3Line2(SPECIMEN_LINE2.slice(1))).toMatchObject({ corrected: null, ambiguous: false });
  });
});

describe('checkDigitBlindSpots', () => {
  it('flags characters whose confusion the check digit cannot see (6↔G, <↔K)', () => {
    expect(checkDigitBlindSpots('AB12345G7')).toEqual([{ position: 7, alternative: '6' }]);
    expect(checkDigitBlindSpots('L898902C3')).toEqual([]);
    expect(checkDigitBlindSpots('ZE184226B<')).toEqual([
      { position: 7, alternative: 'G' },
      { position: 9, alternative: 'K' },
    ]);
  });

  it('is right that those misreads pass the check digit', () => {
    expect(mrzCheckDigit('AB1234567')).toBe(mrzCheckDigit('AB12345G7'));
    expect(mrzCheckDigit('ZE184226B<<<<<')).toBe(mrzCheckDigit('ZE184226B<<K<<'));
    expect(repairMrzField('ZE184226B<<K<<', '1', 'alphanumeric').corrected).toBeNull();
  });
});
