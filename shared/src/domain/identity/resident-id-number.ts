/**
 * The citizen identity number (公民身份号码) of GB 11643-1999, as printed on the resident
 * ID card: 6-digit region code, 8-digit birth date, 3-digit sequence (odd for men, even
 * for women), and an ISO 7064 MOD 11-2 check character.
 *
 * The number is the most reliable thing OCR reads off a card (digits only, checkable), so
 * birth date and sex are taken from it and the printed values are cross-checked against it.
 */
import { z } from 'zod';
import { beijingDay, calendarDate, type CalendarDate } from './calendar-date.ts';
import { checkThat, failCheck, passCheck, unknownCheck, type FieldCheck } from './field-check.ts';
import { provinceByCode } from './regions.ts';

export const ResidentIdSexSchema = z.enum(['男', '女']);
export type ResidentIdSex = z.infer<typeof ResidentIdSexSchema>;

export interface ResidentIdNumberInfo {
  /** Six-digit administrative division code where the number was first issued. */
  regionCode: string;
  /** Its first two digits (GB/T 2260 province-level code). */
  provinceCode: string;
  /** Official province name, or null for a code that is no province-level division. */
  province: string | null;
  birthDate: CalendarDate;
  sex: ResidentIdSex;
  /** The three-digit order code (顺序码); its parity gives the sex. */
  sequence: string;
}

export interface ResidentIdNumberOptions {
  /** The day rules are judged on (Beijing calendar). Defaults to now. */
  today?: Date;
}

/** MOD 11-2 weights 2^(17-i) mod 11 for the first 17 digits. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each weighted sum mod 11. */
const CHECK_CHARACTERS = '10X98765432';
const FORMAT = /^\d{17}[\dX]$/;
/** Older birth dates appear on no living customer's card; a '18…' date is a misread. */
const EARLIEST_BIRTH_DATE = '1900-01-01';
const FIELD = 'idNumber';

/** The check character ('0'–'9' or 'X') for the first 17 digits of a number. */
export function residentIdCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckDigit needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARACTERS[sum % 11] as string;
}

/**
 * The number as it is stored: whitespace removed and a lower-case 'x' (people type it that
 * way) made upper-case. Nothing else is changed; anything else wrong stays visible.
 */
export function normalizeResidentIdNumber(text: string): string {
  return text.replace(/\s+/g, '').replace(/x$/, 'X');
}

/** The birth date a well-formed number encodes, or null when it is no real day. */
function encodedBirthDate(idNumber: string): CalendarDate | null {
  return calendarDate(Number(idNumber.slice(6, 10)), Number(idNumber.slice(10, 12)), Number(idNumber.slice(12, 14)));
}

function sexOfSequence(sequence: string): ResidentIdSex {
  return Number(sequence) % 2 === 1 ? '男' : '女';
}

function hasValidCheckDigit(idNumber: string): boolean {
  return residentIdCheckDigit(idNumber.slice(0, 17)) === idNumber[17];
}

/**
 * What a structurally sound number says about its holder, or null when it is malformed
 * (length, characters, a birth date that is no real day, a wrong check character). Rules
 * that depend on the day (born in the future) are `validateResidentIdNumber`'s.
 */
export function parseResidentIdNumber(idNumber: string): ResidentIdNumberInfo | null {
  const n = normalizeResidentIdNumber(idNumber);
  if (!FORMAT.test(n) || !hasValidCheckDigit(n)) return null;
  const birthDate = encodedBirthDate(n);
  if (birthDate === null) return null;
  const regionCode = n.slice(0, 6);
  const provinceCode = n.slice(0, 2);
  const sequence = n.slice(14, 17);
  return {
    regionCode,
    provinceCode,
    province: provinceByCode(provinceCode)?.name ?? null,
    birthDate,
    sex: sexOfSequence(sequence),
    sequence,
  };
}

/**
 * Every rule for the number, each reported: 'format', 'region-code', 'birth-date',
 * 'check-digit' (all on field 'idNumber'). Rules that need a well-formed number report
 * 'unknown' when the format fails, so the list always has the same ids.
 */
export function validateResidentIdNumber(idNumber: string, opts: ResidentIdNumberOptions = {}): FieldCheck[] {
  const n = normalizeResidentIdNumber(idNumber);
  const format = checkFormat(n);
  if (format.status !== 'pass') {
    const why = 'the number is not well formed';
    return [format, ...['region-code', 'birth-date', 'check-digit'].map((id) => unknownCheck(id, FIELD, why))];
  }
  return [format, checkRegionCode(n), checkBirthDate(n, beijingDay(opts.today ?? new Date())), checkCheckDigit(n)];
}

/** True when every rule of `validateResidentIdNumber` passes. */
export function isValidResidentIdNumber(idNumber: string, opts: ResidentIdNumberOptions = {}): boolean {
  return validateResidentIdNumber(idNumber, opts).every((c) => c.status === 'pass');
}

function checkFormat(n: string): FieldCheck {
  if (FORMAT.test(n)) return passCheck('format', FIELD, '18 characters: 17 digits and a digit or X');
  if (/^\d{15}$/.test(n)) {
    return failCheck('format', FIELD, 'a 15-digit first-generation number; those cards are no longer valid');
  }
  return failCheck('format', FIELD, `expected 17 digits and a digit or X, got ${n.length} characters`);
}

function checkRegionCode(n: string): FieldCheck {
  const province = provinceByCode(n.slice(0, 2));
  return checkThat(province !== null, 'region-code', FIELD, {
    pass: `issued in ${province?.name ?? ''} (${n.slice(0, 6)})`,
    fail: `${n.slice(0, 2)} is no province-level division code`,
  });
}

function checkBirthDate(n: string, today: CalendarDate): FieldCheck {
  const birthDate = encodedBirthDate(n);
  if (birthDate === null) return failCheck('birth-date', FIELD, `${n.slice(6, 14)} is not a real date`);
  if (birthDate < EARLIEST_BIRTH_DATE) return failCheck('birth-date', FIELD, `birth date ${birthDate} is before 1900`);
  if (birthDate > today) return failCheck('birth-date', FIELD, `birth date ${birthDate} is in the future`);
  return passCheck('birth-date', FIELD, `born ${birthDate}`);
}

function checkCheckDigit(n: string): FieldCheck {
  const expected = residentIdCheckDigit(n.slice(0, 17));
  return checkThat(expected === n[17], 'check-digit', FIELD, {
    pass: 'check character matches (GB 11643 MOD 11-2)',
    fail: `check character is ${n[17]}, the first 17 digits give ${expected}`,
  });
}
