import { describe, expect, it } from 'vitest';
import { findCheck } from './field-check.ts';
import { formatTd3Mrz, isValidTd3Line2, mrzCheckDigit, parseTd3Mrz, PassportTd3FieldsSchema, type PassportTd3Fields } from './mrz.ts';

/** ICAO Doc 9303 part 4 specimen passport (Utopia, Anna Maria Eriksson). */
const SPECIMEN_LINE1 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
const SPECIMEN_LINE2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const SPECIMEN: PassportTd3Fields = {
  documentType: 'P',
  issuingCountry: 'UTO',
  surname: 'ERIKSSON',
  givenNames: 'ANNA MARIA',
  documentNumber: 'L898902C3',
  nationality: 'UTO',
  birthDate: '1974-08-12',
  sex: 'F',
  expiryDate: '2012-04-15',
  personalNumber: 'ZE184226B',
};

const beijing = (day: string) => new Date(`${day}T12:00:00+08:00`);

function statuses(line1: string, line2: string, today = beijing('2010-01-01')): Record<string, string> {
  return Object.fromEntries(parseTd3Mrz(line1, line2, { today }).checks.map((c) => [c.id, c.status]));
}

/** line with one character replaced */
const replaceAt = (line: string, position: number, character: string) =>
  line.slice(0, position) + character + line.slice(position + 1);

describe('mrzCheckDigit (ICAO 9303 part 3, weights 7-3-1)', () => {
  it.each([
    ['L898902C3', '6'],
    ['740812', '2'],
    ['120415', '9'],
    ['ZE184226B<<<<<', '1'],
    ['', '0'],
    ['<<<<<<<<<', '0'],
    ['A', '0'], // 10 × 7 = 70
    ['Z', '5'], // 35 × 7 = 245
    ['123456789', '7'], // 7+6+3+28+15+6+49+24+9 = 147
  ])('%j → %s', (value, expected) => {
    expect(mrzCheckDigit(value)).toBe(expected);
  });

  it.each(['l898902c3', 'AB-12', 'Ä'])('throws on %j', (value) => {
    expect(() => mrzCheckDigit(value)).toThrow(RangeError);
  });
});

describe('parseTd3Mrz', () => {
  it('validates and reads the ICAO specimen', () => {
    const { fields, checks } = parseTd3Mrz(SPECIMEN_LINE1, SPECIMEN_LINE2, { today: beijing('2010-01-01') });
    expect(fields).toEqual(SPECIMEN);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['format', 'pass'],
      ['birth-date', 'pass'],
      ['expiry-date', 'pass'],
      ['document-number-check', 'pass'],
      ['birth-date-check', 'pass'],
      ['expiry-date-check', 'pass'],
      ['personal-number-check', 'pass'],
      ['composite-check', 'pass'],
      ['expired', 'pass'],
      ['adult', 'pass'],
    ]);
  });

  it('finds the specimen expired today, its check digits still good', () => {
    const checks = statuses(SPECIMEN_LINE1, SPECIMEN_LINE2, beijing('2024-06-01'));
    expect(checks.expired).toBe('fail');
    expect(checks['composite-check']).toBe('pass');
  });

  it('ignores whitespace around the lines', () => {
    expect(parseTd3Mrz(` ${SPECIMEN_LINE1}\n`, `${SPECIMEN_LINE2} `, { today: beijing('2010-01-01') }).fields).toEqual(SPECIMEN);
  });

  it.each([
    ['document number', 0, 'Q', ['document-number-check', 'composite-check']],
    ['document number check digit', 9, '7', ['document-number-check', 'composite-check']],
    ['birth date', 17, '2', ['birth-date-check', 'composite-check']],
    ['birth date check digit', 19, '3', ['birth-date-check', 'composite-check']],
    ['expiry date', 26, '6', ['expiry-date-check', 'composite-check']],
    ['expiry date check digit', 27, '0', ['expiry-date-check', 'composite-check']],
    ['personal number', 30, '9', ['personal-number-check', 'composite-check']],
    ['personal number check digit', 42, '2', ['personal-number-check', 'composite-check']],
    ['composite check digit', 43, '1', ['composite-check']],
  ])('a wrong %s fails exactly its checks', (_, position, character, failing) => {
    const checks = statuses(SPECIMEN_LINE1, replaceAt(SPECIMEN_LINE2, position, character));
    expect(Object.keys(checks).filter((id) => checks[id] === 'fail')).toEqual(failing);
  });

  it('cannot see a wrong nationality or name: they carry no check digit', () => {
    const checks = statuses(replaceAt(SPECIMEN_LINE1, 10, 'W'), replaceAt(SPECIMEN_LINE2, 12, 'A'));
    expect(Object.values(checks).every((s) => s === 'pass')).toBe(true);
  });

  it.each([
    ['line 2 one character short', SPECIMEN_LINE1, SPECIMEN_LINE2.slice(0, 43)],
    ['line 1 one character long', SPECIMEN_LINE1 + '<', SPECIMEN_LINE2],
    ['lower-case letters', SPECIMEN_LINE1.toLowerCase(), SPECIMEN_LINE2],
    ['a visa, not a passport', replaceAt(SPECIMEN_LINE1, 0, 'V'), SPECIMEN_LINE2],
    ['sex Q', SPECIMEN_LINE1, replaceAt(SPECIMEN_LINE2, 20, 'Q')],
    ['a space inside', SPECIMEN_LINE1, replaceAt(SPECIMEN_LINE2, 30, ' ')],
  ])('fails the format for %s and decodes no fields', (_, line1, line2) => {
    const { fields, checks } = parseTd3Mrz(line1, line2, { today: beijing('2010-01-01') });
    expect(findCheck(checks, 'format')?.status).toBe('fail');
    expect(fields).toBeNull();
  });

  it('reports check digits as unknown when line 2 cannot be read', () => {
    const checks = statuses(SPECIMEN_LINE1, 'L898902C36UTO');
    expect(checks['document-number-check']).toBe('unknown');
    expect(checks['composite-check']).toBe('unknown');
    expect(checks.adult).toBe('unknown');
  });

  it('fails a birth date that is no real day', () => {
    // Month 13, with check digits made to fit so only the date is wrong.
    const [line1, line2] = formatTd3Mrz(SPECIMEN);
    const birth = '741312';
    let broken = line2.slice(0, 13) + birth + mrzCheckDigit(birth) + line2.slice(20, 43);
    broken += mrzCheckDigit(broken.slice(0, 10) + broken.slice(13, 20) + broken.slice(21, 43));
    const { fields, checks } = parseTd3Mrz(line1, broken, { today: beijing('2010-01-01') });
    expect(findCheck(checks, 'birth-date')?.status).toBe('fail');
    expect(findCheck(checks, 'birth-date-check')?.status).toBe('pass');
    expect(fields).toBeNull();
  });

  it.each([
    ['740812', '2024-06-01', '1974-08-12'],
    ['050101', '2024-06-01', '2005-01-01'],
    ['240601', '2024-06-01', '2024-06-01'],
    ['240602', '2024-06-01', '1924-06-02'],
    ['300101', '2024-06-01', '1930-01-01'],
  ])('birth date %s seen on %s is %s (the latest century not in the future)', (yymmdd, day, expected) => {
    const fields = { ...SPECIMEN, birthDate: `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4)}`, expiryDate: '2030-01-01' };
    const [line1, line2] = formatTd3Mrz(fields);
    expect(parseTd3Mrz(line1, line2, { today: beijing(day) }).fields?.birthDate).toBe(expected);
  });

  it.each([
    ['the day before the 18th birthday', '2024-05-31', 'fail'],
    ['the 18th birthday', '2024-06-01', 'pass'],
  ])('adult: %s → %s', (_, day, expected) => {
    const [line1, line2] = formatTd3Mrz({ ...SPECIMEN, birthDate: '2006-06-01', expiryDate: '2030-01-01' });
    expect(statuses(line1, line2, beijing(day)).adult).toBe(expected);
  });

  it.each([
    ['on the expiry day', '2012-04-15', 'pass'],
    ['the day after', '2012-04-16', 'fail'],
  ])('expired: %s → %s', (_, day, expected) => {
    expect(statuses(SPECIMEN_LINE1, SPECIMEN_LINE2, beijing(day)).expired).toBe(expected);
  });
});

describe('formatTd3Mrz', () => {
  it('writes the ICAO specimen exactly', () => {
    expect(formatTd3Mrz(SPECIMEN)).toEqual([SPECIMEN_LINE1, SPECIMEN_LINE2]);
  });

  const roundTrips: [string, PassportTd3Fields][] = [
    ['the specimen', SPECIMEN],
    [
      'a Chinese ordinary passport (PO), no personal number',
      {
        documentType: 'PO',
        issuingCountry: 'CHN',
        surname: 'ZHANG',
        givenNames: 'SAN',
        documentNumber: 'E12345678',
        nationality: 'CHN',
        birthDate: '1990-01-01',
        sex: 'M',
        expiryDate: '2031-12-31',
      },
    ],
    [
      'a German passport (country code D), sex unspecified',
      {
        documentType: 'P',
        issuingCountry: 'D',
        surname: 'MUSTERMANN',
        givenNames: 'ERIKA',
        documentNumber: 'C01X00T47',
        nationality: 'D',
        birthDate: '1964-08-12',
        sex: 'X',
        expiryDate: '2027-10-31',
      },
    ],
    [
      'a two-word surname and a short document number',
      {
        documentType: 'P',
        issuingCountry: 'NLD',
        surname: 'DE BRUIJN',
        givenNames: 'WILLEKE LISELOTTE',
        documentNumber: 'SPECI2014',
        nationality: 'NLD',
        birthDate: '1965-03-10',
        sex: 'F',
        expiryDate: '2024-03-09',
        personalNumber: '999999990',
      },
    ],
    [
      'a mononym (no given names)',
      {
        documentType: 'P',
        issuingCountry: 'IND',
        surname: 'RAVI',
        givenNames: '',
        documentNumber: 'K1234',
        nationality: 'IND',
        birthDate: '2001-02-28',
        sex: 'M',
        expiryDate: '2029-02-27',
      },
    ],
  ];

  it.each(roundTrips)('round-trips %s through parseTd3Mrz with every check passing', (_, fields) => {
    const [line1, line2] = formatTd3Mrz(fields);
    expect(line1).toHaveLength(44);
    expect(line2).toHaveLength(44);
    expect(isValidTd3Line2(line2)).toBe(true);
    const parsed = parseTd3Mrz(line1, line2, { today: beijing('2024-01-01') });
    expect(parsed.fields).toEqual(fields);
    expect(parsed.checks.filter((c) => c.status !== 'pass' && c.id !== 'expired')).toEqual([]);
  });

  it('writes an unused personal number as fillers with a filler check digit', () => {
    const [, line2] = formatTd3Mrz(roundTrips[1]![1]);
    expect(line2.slice(28, 43)).toBe('<'.repeat(15));
    // An all-filler personal number may also carry 0 as its check digit.
    const withZero = replaceAt(line2, 42, '0');
    const fixedComposite = replaceAt(withZero, 43, mrzCheckDigit(withZero.slice(0, 10) + withZero.slice(13, 20) + withZero.slice(21, 43)));
    expect(isValidTd3Line2(fixedComposite)).toBe(true);
  });

  it('upper-cases names, drops accents and apostrophes, writes separators as <', () => {
    const [line1] = formatTd3Mrz({ ...SPECIMEN, surname: "O'Brien-Núñez", givenNames: 'José  María' });
    expect(line1).toBe('P<UTOOBRIEN<NUNEZ<<JOSE<MARIA'.padEnd(44, '<'));
  });

  it('truncates a long name to 39 characters', () => {
    const [line1] = formatTd3Mrz({ ...SPECIMEN, surname: 'WOLFESCHLEGELSTEINHAUSENBERGERDORFF', givenNames: 'HUBERT BLAINE' });
    expect(line1).toBe('P<UTOWOLFESCHLEGELSTEINHAUSENBERGERDORFF<<HU');
  });

  it.each<[string, Partial<PassportTd3Fields>]>([
    ['a 10-character document number', { documentNumber: 'L898902C30' }],
    ['a lower-case document number', { documentNumber: 'l898902c3' }],
    ['a four-letter country', { issuingCountry: 'UTOP' }],
    ['30 February', { birthDate: '1974-02-30' }],
    ['an expiry after 2099', { expiryDate: '2100-01-01' }],
    ['an expiry before 2000', { expiryDate: '1999-12-31' }],
    ['a name in Chinese characters', { surname: '张' }],
    ['a document type other than P', { documentType: 'V' }],
    ['a 15-character personal number', { personalNumber: 'ZE184226B123456' }],
  ])('refuses %s', (_, change) => {
    expect(() => formatTd3Mrz({ ...SPECIMEN, ...change })).toThrow();
  });
});

describe('PassportTd3FieldsSchema', () => {
  it('accepts the specimen and refuses an unknown sex or extra keys', () => {
    expect(PassportTd3FieldsSchema.safeParse(SPECIMEN).success).toBe(true);
    expect(PassportTd3FieldsSchema.safeParse({ ...SPECIMEN, sex: '<' }).success).toBe(false);
    expect(PassportTd3FieldsSchema.safeParse({ ...SPECIMEN, photo: '' }).success).toBe(false);
  });
});
