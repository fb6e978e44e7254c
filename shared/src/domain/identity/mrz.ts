/**
 * The machine-readable zone of a passport data page: ICAO Doc 9303 part 4, format TD3
 * (two lines of 44 characters).
 *
 *   line 1  P? CCC SURNAME<<GIVEN<NAMES<<<…            document code, issuing state, name (39)
 *   line 2  NNNNNNNNN c NAT YYMMDD c S YYMMDD c PPPPPPPPPPPPPP c C
 *           document number, nationality, birth date, sex, expiry date, personal number,
 *           each check digit c, and a composite check digit C over all of them.
 *
 * The check digits (part 3: weights 7-3-1, '<' = 0, A = 10 … Z = 35, sum mod 10) are what
 * make an OCR reading trustworthy; the name has none, so the customer confirms it.
 */
import { z } from 'zod';
import { beijingDay, calendarDate, isCalendarDate, type CalendarDate } from './calendar-date.ts';
import { checkThat, failCheck, passCheck, unknownCheck, type FieldCheck } from './field-check.ts';
import { checkAdult } from './holder-age.ts';

export const MRZ_FILLER = '<';
export const TD3_LINE_LENGTH = 44;
const TD3_NAME_LENGTH = 39;
const MRZ_WEIGHTS = [7, 3, 1] as const;
const MRZ_LINE_CHARACTERS = /^[A-Z0-9<]*$/;

const CalendarDateSchema = z.string().refine(isCalendarDate, 'a real YYYY-MM-DD date');
/** ICAO country codes are three letters, shorter ones padded with '<' (Germany is 'D'). */
const CountryCodeSchema = z.string().regex(/^[A-Z]{1,3}$/, 'one to three letters A–Z');

/** 'X' (unspecified) is written '<' in the MRZ. */
export const MrzSexSchema = z.enum(['M', 'F', 'X']);
export type MrzSex = z.infer<typeof MrzSexSchema>;

export const PassportTd3FieldsSchema = z.strictObject({
  /** 'P', or 'P' plus a type letter ('PO' on Chinese ordinary passports); '<' padding not included. */
  documentType: z.string().regex(/^P[A-Z]?$/, "'P' or 'P' and a letter"),
  issuingCountry: CountryCodeSchema,
  /** As read from the MRZ: upper case, words separated by spaces. */
  surname: z.string().min(1).max(100),
  givenNames: z.string().max(100),
  documentNumber: z.string().regex(/^[A-Z0-9]{1,9}$/, 'one to nine characters A–Z, 0–9'),
  nationality: CountryCodeSchema,
  birthDate: CalendarDateSchema,
  sex: MrzSexSchema,
  expiryDate: CalendarDateSchema,
  personalNumber: z.string().regex(/^[A-Z0-9<]{0,14}$/, 'up to 14 characters A–Z, 0–9').optional(),
});
export type PassportTd3Fields = z.infer<typeof PassportTd3FieldsSchema>;

export interface Td3MrzParse {
  /** Null when the lines cannot be decoded into fields; the checks say why. */
  fields: PassportTd3Fields | null;
  checks: FieldCheck[];
}

export interface MrzOptions {
  /** The day rules are judged on (Beijing calendar). Defaults to now. */
  today?: Date;
}

// ---------------------------------------------------------------- check digits

/** Numeric value of an MRZ character: digits as such, A = 10 … Z = 35, '<' = 0. */
export function mrzCharacterValue(character: string): number {
  if (character === MRZ_FILLER) return 0;
  if (/^[0-9]$/.test(character)) return Number(character);
  if (/^[A-Z]$/.test(character)) return character.charCodeAt(0) - 55;
  throw new RangeError(`"${character}" is not an MRZ character`);
}

/** ICAO 9303 check digit ('0'–'9') of a field. Throws on characters outside A–Z, 0–9, '<'. */
export function mrzCheckDigit(value: string): string {
  let sum = 0;
  for (let i = 0; i < value.length; i++) {
    sum += mrzCharacterValue(value[i] as string) * (MRZ_WEIGHTS[i % 3] as number);
  }
  return String(sum % 10);
}

/**
 * Whether a check digit fits its field. An unused optional field (all '<') may carry '<'
 * instead of '0' as its check digit.
 */
export function mrzCheckDigitMatches(value: string, checkDigit: string): boolean {
  if (!MRZ_LINE_CHARACTERS.test(value)) return false;
  if (checkDigit === MRZ_FILLER) return /^<*$/.test(value);
  return mrzCheckDigit(value) === checkDigit;
}

// ---------------------------------------------------------------- line 2 layout

/** Where each check-digit-protected field of line 2 sits: [start, end) and its check digit. */
export const TD3_LINE2_FIELDS = {
  documentNumber: { start: 0, end: 9, check: 9 },
  birthDate: { start: 13, end: 19, check: 19 },
  expiryDate: { start: 21, end: 27, check: 27 },
  personalNumber: { start: 28, end: 42, check: 42 },
} as const;
const NATIONALITY = { start: 10, end: 13 } as const;
const SEX_POSITION = 20;
const COMPOSITE_POSITION = 43;

/** The characters the composite check digit covers (everything but nationality and sex). */
function compositeInput(line2: string): string {
  return line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, 43);
}

function fieldOf(line2: string, field: keyof typeof TD3_LINE2_FIELDS): { value: string; checkDigit: string } {
  const { start, end, check } = TD3_LINE2_FIELDS[field];
  return { value: line2.slice(start, end), checkDigit: line2[check] as string };
}

function isWellFormedLine(line: string): boolean {
  return line.length === TD3_LINE_LENGTH && MRZ_LINE_CHARACTERS.test(line);
}

/**
 * True when line 2 is well formed, every check digit (and the composite) fits, the dates
 * are real days and the sex is M, F or '<'. Used to accept an OCR repair.
 */
export function isValidTd3Line2(line2: string): boolean {
  if (!isWellFormedLine(line2)) return false;
  const digitsFit = (Object.keys(TD3_LINE2_FIELDS) as (keyof typeof TD3_LINE2_FIELDS)[]).every((name) => {
    const { value, checkDigit } = fieldOf(line2, name);
    return mrzCheckDigitMatches(value, checkDigit);
  });
  return (
    digitsFit &&
    mrzCheckDigit(compositeInput(line2)) === line2[COMPOSITE_POSITION] &&
    decodeSex(line2[SEX_POSITION] as string) !== null &&
    isRealYymmdd(fieldOf(line2, 'birthDate').value) &&
    isRealYymmdd(fieldOf(line2, 'expiryDate').value)
  );
}

// ---------------------------------------------------------------- dates and names

/** A YYMMDD that is a real day in some century (checked in 20xx and 19xx). */
export function isRealYymmdd(yymmdd: string): boolean {
  return decodeYymmdd(yymmdd, 2000) !== null || decodeYymmdd(yymmdd, 1900) !== null;
}

function decodeYymmdd(yymmdd: string, century: number): CalendarDate | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  return calendarDate(century + Number(yymmdd.slice(0, 2)), Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6)));
}

/** Birth dates carry no century: take the latest reading that is not in the future. */
function decodeBirthDate(yymmdd: string, today: CalendarDate): CalendarDate | null {
  const recent = decodeYymmdd(yymmdd, 2000);
  if (recent !== null && recent <= today) return recent;
  return decodeYymmdd(yymmdd, 1900);
}

/** Passports issued today expire this century. */
function decodeExpiryDate(yymmdd: string): CalendarDate | null {
  return decodeYymmdd(yymmdd, 2000);
}

function encodeYymmdd(date: CalendarDate): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

function decodeSex(character: string): MrzSex | null {
  if (character === 'M' || character === 'F') return character;
  return character === MRZ_FILLER ? 'X' : null;
}

/**
 * A name in MRZ characters: upper case, accents dropped, apostrophes omitted, spaces,
 * hyphens and other separators as '<' (ICAO 9303 part 3). Throws on what cannot be
 * written (e.g. Chinese characters: give the pinyin).
 */
function mrzName(text: string): string {
  const written = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/['’]/g, '')
    .trim()
    .replace(/[\s,.-]+/g, MRZ_FILLER);
  if (!/^[A-Z<]*$/.test(written)) throw new RangeError(`"${text}" cannot be written in an MRZ`);
  return written;
}

function nameField(surname: string, givenNames: string): string {
  const given = mrzName(givenNames);
  const name = mrzName(surname) + (given === '' ? '' : '<<' + given);
  return name.slice(0, TD3_NAME_LENGTH).padEnd(TD3_NAME_LENGTH, MRZ_FILLER);
}

function decodeName(field: string): { surname: string; givenNames: string } {
  const words = (s: string) => s.replace(/</g, ' ').trim().replace(/ +/g, ' ');
  const split = field.indexOf('<<');
  if (split < 0) return { surname: words(field), givenNames: '' };
  return { surname: words(field.slice(0, split)), givenNames: words(field.slice(split + 2)) };
}

function stripFiller(text: string): string {
  return text.replace(/<+$/, '');
}

// ---------------------------------------------------------------- format

/**
 * The two MRZ lines for a passport's fields, check digits computed (used to generate test
 * documents). Throws on fields that cannot be written, and on an expiry outside 2000–2099,
 * which `parseTd3Mrz` could not read back.
 */
export function formatTd3Mrz(fields: PassportTd3Fields): [string, string] {
  const f = PassportTd3FieldsSchema.parse(fields);
  if (!f.expiryDate.startsWith('20')) throw new RangeError('expiry date must be in 2000–2099');
  const withCheck = (value: string) => value + mrzCheckDigit(value);
  const personal = (f.personalNumber ?? '').padEnd(14, MRZ_FILLER);
  const line1 =
    f.documentType.padEnd(2, MRZ_FILLER) + f.issuingCountry.padEnd(3, MRZ_FILLER) + nameField(f.surname, f.givenNames);
  const line2WithoutComposite =
    withCheck(f.documentNumber.padEnd(9, MRZ_FILLER)) +
    f.nationality.padEnd(3, MRZ_FILLER) +
    withCheck(encodeYymmdd(f.birthDate)) +
    (f.sex === 'X' ? MRZ_FILLER : f.sex) +
    withCheck(encodeYymmdd(f.expiryDate)) +
    (/^<*$/.test(personal) ? personal + MRZ_FILLER : withCheck(personal));
  const line2 = line2WithoutComposite + mrzCheckDigit(compositeInput(line2WithoutComposite));
  return [line1, line2];
}

// ---------------------------------------------------------------- parse

/**
 * Fields and checks of a TD3 MRZ. Checks: 'format' (field 'mrz'), 'birth-date',
 * 'expiry-date' (real days), 'document-number-check', 'birth-date-check',
 * 'expiry-date-check', 'personal-number-check', 'composite-check', 'expired' (passes while
 * valid) and 'adult'. Surrounding whitespace is ignored; nothing else is corrected here
 * (see `repairTd3Line2`).
 */
export function parseTd3Mrz(line1: string, line2: string, opts: MrzOptions = {}): Td3MrzParse {
  const l1 = line1.trim();
  const l2 = line2.trim();
  const today = beijingDay(opts.today ?? new Date());
  const format = checkFormat(l1, l2);
  const line2Readable = isWellFormedLine(l2);
  const birthDate = line2Readable ? decodeBirthDate(fieldOf(l2, 'birthDate').value, today) : null;
  const expiryDate = line2Readable ? decodeExpiryDate(fieldOf(l2, 'expiryDate').value) : null;

  const checks: FieldCheck[] = [
    format,
    checkDecodedDate('birth-date', 'birthDate', line2Readable, birthDate),
    checkDecodedDate('expiry-date', 'expiryDate', line2Readable, expiryDate),
    ...checkDigitChecks(l2, line2Readable),
    checkExpired(expiryDate, today),
    checkAdult(birthDate, today),
  ];
  const fields =
    format.status === 'pass' && birthDate !== null && expiryDate !== null ? decodeFields(l1, l2, birthDate, expiryDate) : null;
  return { fields, checks };
}

function checkFormat(line1: string, line2: string): FieldCheck {
  const problems: string[] = [];
  for (const [name, line] of [['line 1', line1], ['line 2', line2]] as const) {
    if (line.length !== TD3_LINE_LENGTH) problems.push(`${name} has ${line.length} characters, not ${TD3_LINE_LENGTH}`);
    if (!MRZ_LINE_CHARACTERS.test(line)) problems.push(`${name} has characters other than A–Z, 0–9 and <`);
  }
  if (!line1.startsWith('P')) problems.push('line 1 does not start with P (not a passport)');
  if (isWellFormedLine(line2) && decodeSex(line2[SEX_POSITION] as string) === null) problems.push('sex is not M, F or <');
  return problems.length === 0
    ? passCheck('format', 'mrz', 'two TD3 lines of 44 characters')
    : failCheck('format', 'mrz', problems.join('; '));
}

function checkDecodedDate(id: string, field: string, readable: boolean, date: CalendarDate | null): FieldCheck {
  if (!readable) return unknownCheck(id, field, 'line 2 is not readable');
  return date === null ? failCheck(id, field, 'not a real date') : passCheck(id, field, date);
}

function checkDigitChecks(line2: string, readable: boolean): FieldCheck[] {
  const rows = [
    ['document-number-check', 'documentNumber'],
    ['birth-date-check', 'birthDate'],
    ['expiry-date-check', 'expiryDate'],
    ['personal-number-check', 'personalNumber'],
  ] as const;
  if (!readable) {
    const why = 'line 2 is not readable';
    return [...rows.map(([id, field]) => unknownCheck(id, field, why)), unknownCheck('composite-check', 'mrz', why)];
  }
  const fieldChecks = rows.map(([id, field]) => {
    const { value, checkDigit } = fieldOf(line2, field);
    return checkThat(mrzCheckDigitMatches(value, checkDigit), id, field, {
      pass: 'check digit matches',
      fail: `check digit is ${checkDigit}, ${value} gives ${mrzCheckDigit(value)}`,
    });
  });
  const composite = mrzCheckDigit(compositeInput(line2));
  return [
    ...fieldChecks,
    checkThat(composite === line2[COMPOSITE_POSITION], 'composite-check', 'mrz', {
      pass: 'composite check digit matches',
      fail: `composite check digit is ${line2[COMPOSITE_POSITION]}, the line gives ${composite}`,
    }),
  ];
}

function checkExpired(expiryDate: CalendarDate | null, today: CalendarDate): FieldCheck {
  if (expiryDate === null) return unknownCheck('expired', 'expiryDate', 'expiry date unreadable');
  return checkThat(today <= expiryDate, 'expired', 'expiryDate', {
    pass: `valid until ${expiryDate}`,
    fail: `valid only until ${expiryDate}`,
  });
}

function decodeFields(line1: string, line2: string, birthDate: CalendarDate, expiryDate: CalendarDate): PassportTd3Fields {
  const personalNumber = stripFiller(fieldOf(line2, 'personalNumber').value);
  return {
    documentType: stripFiller(line1.slice(0, 2)),
    issuingCountry: stripFiller(line1.slice(2, 5)),
    ...decodeName(line1.slice(5)),
    documentNumber: stripFiller(fieldOf(line2, 'documentNumber').value),
    nationality: stripFiller(line2.slice(NATIONALITY.start, NATIONALITY.end)),
    birthDate,
    sex: decodeSex(line2[SEX_POSITION] as string) as MrzSex,
    expiryDate,
    ...(personalNumber === '' ? {} : { personalNumber }),
  };
}
