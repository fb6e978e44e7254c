/**
 * The second-generation resident ID card (第二代居民身份证): what OCR reads off each side,
 * and the rules that decide whether the card can be accepted.
 *
 * The front is cross-checked against its own ID number (birth date, sex, province), which
 * is the most reliably read and the only checkable field. The back carries the validity
 * period; under the Resident Identity Card Law (居民身份证法 art. 5) its length depends on
 * the holder's age when the card was issued: under 16 → 5 years, 16–25 → 10 years,
 * 26–45 → 20 years, 46 and over → long-term (长期).
 */
import { z } from 'zod';
import { ageOn, beijingDay, isCalendarDate, isYearsLater, monthsBefore, type CalendarDate } from './calendar-date.ts';
import { isKnownEthnicGroup } from './ethnicities.ts';
import { checkThat, failCheck, passCheck, unknownCheck, type FieldCheck } from './field-check.ts';
import { checkAdult } from './holder-age.ts';
import { provinceOfAddress } from './regions.ts';
import {
  parseResidentIdNumber,
  ResidentIdSexSchema,
  validateResidentIdNumber,
  type ResidentIdNumberInfo,
} from './resident-id-number.ts';

/** Printed on the back instead of an end date for long-term cards. */
export const RESIDENT_ID_LONG_TERM = '长期';

const CalendarDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date');

export const ResidentIdFrontSchema = z.strictObject({
  name: z.string().max(64),
  sex: ResidentIdSexSchema,
  ethnicity: z.string().max(32),
  birthDate: CalendarDateSchema,
  address: z.string().max(200),
  idNumber: z.string().max(32),
});
export type ResidentIdFront = z.infer<typeof ResidentIdFrontSchema>;

export const ResidentIdBackSchema = z.strictObject({
  issuingAuthority: z.string().max(64),
  validFrom: CalendarDateSchema,
  validTo: z.union([CalendarDateSchema, z.literal(RESIDENT_ID_LONG_TERM)]),
});
export type ResidentIdBack = z.infer<typeof ResidentIdBackSchema>;

export interface ResidentIdCardOptions {
  /** The day rules are judged on (Beijing calendar). Defaults to now. */
  today?: Date;
}

export interface ResidentIdBackOptions extends ResidentIdCardOptions {
  /** The holder's birth date (from the front's number); lets the validity length be checked against age. */
  birthDate?: CalendarDate;
}

/** Length of a card's validity period, in years or long-term. */
export type ResidentIdValidityTerm = 5 | 10 | 20 | typeof RESIDENT_ID_LONG_TERM;

/** The validity period the law gives a card issued at this age. */
export function validityTermForAge(age: number): ResidentIdValidityTerm {
  if (age < 16) return 5;
  if (age <= 25) return 10;
  if (age <= 45) return 20;
  return RESIDENT_ID_LONG_TERM;
}

// ---------------------------------------------------------------- front

/**
 * Rules for the front: the number's own checks (ids 'format', 'region-code', 'birth-date',
 * 'check-digit' on field 'idNumber'), then 'name', 'sex-match', 'birth-date-match',
 * 'ethnicity' (warning), 'address', 'address-province' (warning) and 'adult'.
 */
export function validateResidentIdFront(front: ResidentIdFront, opts: ResidentIdCardOptions = {}): FieldCheck[] {
  const now = opts.today ?? new Date();
  const info = parseResidentIdNumber(front.idNumber);
  return [
    ...validateResidentIdNumber(front.idNumber, { today: now }),
    checkPresent('name', 'name', front.name),
    checkSexMatches(front, info),
    checkBirthDateMatches(front, info),
    checkEthnicity(front.ethnicity),
    checkPresent('address', 'address', front.address),
    checkAddressProvince(front.address, info),
    checkAdult(birthDateForAge(front, info), beijingDay(now)),
  ];
}

function checkPresent(id: string, field: string, value: string): FieldCheck {
  return checkThat(value.trim() !== '', id, field, { pass: 'present', fail: 'missing' });
}

function checkSexMatches(front: ResidentIdFront, info: ResidentIdNumberInfo | null): FieldCheck {
  if (info === null) return unknownCheck('sex-match', 'sex', 'the ID number is unreadable');
  return checkThat(front.sex === info.sex, 'sex-match', 'sex', {
    pass: `printed sex matches the ID number (${info.sex})`,
    fail: `printed sex is ${front.sex}, the ID number says ${info.sex}`,
  });
}

function checkBirthDateMatches(front: ResidentIdFront, info: ResidentIdNumberInfo | null): FieldCheck {
  if (!isCalendarDate(front.birthDate)) {
    return failCheck('birth-date-match', 'birthDate', `printed birth date "${front.birthDate}" is not a real date`);
  }
  if (info === null) return unknownCheck('birth-date-match', 'birthDate', 'the ID number is unreadable');
  return checkThat(front.birthDate === info.birthDate, 'birth-date-match', 'birthDate', {
    pass: `printed birth date matches the ID number (${info.birthDate})`,
    fail: `printed birth date is ${front.birthDate}, the ID number says ${info.birthDate}`,
  });
}

function checkEthnicity(ethnicity: string): FieldCheck {
  return checkThat(
    isKnownEthnicGroup(ethnicity),
    'ethnicity',
    'ethnicity',
    { pass: 'one of the 56 ethnic groups', fail: `"${ethnicity}" is none of the 56 ethnic groups; check the reading` },
    'warning',
  );
}

/**
 * The number's region code is where it was first issued and never changes, while the
 * address follows the household registration, so people who moved (and everyone in
 * Chongqing or Hainan registered before those became provinces) legitimately differ:
 * a warning for the teller, not a refusal.
 */
function checkAddressProvince(address: string, info: ResidentIdNumberInfo | null): FieldCheck {
  if (info === null) return unknownCheck('address-province', 'address', 'the ID number is unreadable');
  const named = provinceOfAddress(address);
  if (named === null) return unknownCheck('address-province', 'address', 'the address names no province');
  return checkThat(
    named.code === info.provinceCode,
    'address-province',
    'address',
    {
      pass: `address is in ${named.name}, as the ID number`,
      fail: `address is in ${named.name}, the ID number was issued in ${info.province ?? info.provinceCode}`,
    },
    'warning',
  );
}

/** Age from the number's birth date when it is readable (more reliable), else from the printed one. */
function birthDateForAge(front: ResidentIdFront, info: ResidentIdNumberInfo | null): CalendarDate | null {
  return info?.birthDate ?? (isCalendarDate(front.birthDate) ? front.birthDate : null);
}

// ---------------------------------------------------------------- back

/**
 * Rules for the back: 'issuing-authority', 'valid-from' (a real day, not after today),
 * 'valid-to' (a real day or 长期), 'validity-order', 'validity-length' (warning) and
 * 'expired' (passes while the card is valid; 长期 never expires).
 */
export function validateResidentIdBack(back: ResidentIdBack, opts: ResidentIdBackOptions = {}): FieldCheck[] {
  const today = beijingDay(opts.today ?? new Date());
  const birthDate = opts.birthDate !== undefined && isCalendarDate(opts.birthDate) ? opts.birthDate : null;
  const order = checkValidityOrder(back);
  return [
    checkIssuingAuthority(back.issuingAuthority),
    checkValidFrom(back.validFrom, today),
    checkValidTo(back.validTo),
    order,
    order.status === 'pass'
      ? checkValidityLength(back, birthDate)
      : unknownCheck('validity-length', 'validTo', 'the validity period is not readable'),
    checkNotExpired(back.validTo, today),
  ];
}

/** Cards are issued by a county-level public security bureau (…公安局 or …分局). */
function checkIssuingAuthority(authority: string): FieldCheck {
  const text = authority.replace(/\s+/g, '');
  if (text === '') return failCheck('issuing-authority', 'issuingAuthority', 'missing');
  return checkThat(
    /(公安局|分局)$/.test(text),
    'issuing-authority',
    'issuingAuthority',
    { pass: 'a public security bureau', fail: `"${text}" does not read as a public security bureau; check the reading` },
    'warning',
  );
}

function checkValidFrom(validFrom: string, today: CalendarDate): FieldCheck {
  if (!isCalendarDate(validFrom)) return failCheck('valid-from', 'validFrom', `"${validFrom}" is not a real date`);
  return checkThat(validFrom <= today, 'valid-from', 'validFrom', {
    pass: `valid from ${validFrom}`,
    fail: `not valid before ${validFrom}`,
  });
}

function checkValidTo(validTo: string): FieldCheck {
  return checkThat(validTo === RESIDENT_ID_LONG_TERM || isCalendarDate(validTo), 'valid-to', 'validTo', {
    pass: validTo === RESIDENT_ID_LONG_TERM ? 'long-term' : `valid to ${validTo}`,
    fail: `"${validTo}" is neither a real date nor ${RESIDENT_ID_LONG_TERM}`,
  });
}

function checkValidityOrder(back: ResidentIdBack): FieldCheck {
  if (!isCalendarDate(back.validFrom)) return unknownCheck('validity-order', 'validTo', 'start date unreadable');
  if (back.validTo === RESIDENT_ID_LONG_TERM) return passCheck('validity-order', 'validTo', 'long-term');
  if (!isCalendarDate(back.validTo)) return unknownCheck('validity-order', 'validTo', 'end date unreadable');
  return checkThat(back.validTo > back.validFrom, 'validity-order', 'validTo', {
    pass: 'ends after it starts',
    fail: `ends (${back.validTo}) before it starts (${back.validFrom})`,
  });
}

/** 5, 10 or 20 years to the day, or 长期; null for any other period. */
function termOf(validFrom: CalendarDate, validTo: string): ResidentIdValidityTerm | null {
  if (validTo === RESIDENT_ID_LONG_TERM) return RESIDENT_ID_LONG_TERM;
  const years = ([5, 10, 20] as const).find((n) => isYearsLater(validFrom, validTo, n));
  return years ?? null;
}

/**
 * The term must be one the law gives. With a birth date, it must be the one for the
 * holder's age at issue; the age at application (up to a few months earlier) also counts,
 * as a card applied for just before a birthday is issued after it.
 */
function checkValidityLength(back: ResidentIdBack, birthDate: CalendarDate | null): FieldCheck {
  const term = termOf(back.validFrom, back.validTo);
  const describe = (t: ResidentIdValidityTerm) => (t === RESIDENT_ID_LONG_TERM ? RESIDENT_ID_LONG_TERM : `${t} years`);
  if (term === null) {
    const message = `${back.validFrom}–${back.validTo} is not 5, 10 or 20 years to the day, nor ${RESIDENT_ID_LONG_TERM}`;
    return failCheck('validity-length', 'validTo', message, 'warning');
  }
  if (birthDate === null) return passCheck('validity-length', 'validTo', `${describe(term)}, a term the law gives`);
  const expected = new Set([
    validityTermForAge(ageOn(birthDate, back.validFrom)),
    validityTermForAge(ageOn(birthDate, monthsBefore(back.validFrom, 3))),
  ]);
  return checkThat(expected.has(term), 'validity-length', 'validTo', {
    pass: `${describe(term)}, as the law gives for the holder's age at issue`,
    fail: `${describe(term)}, but a card issued at that age gets ${[...expected].map(describe).join(' or ')}`,
  }, 'warning');
}

function checkNotExpired(validTo: string, today: CalendarDate): FieldCheck {
  if (validTo === RESIDENT_ID_LONG_TERM) return passCheck('expired', 'validTo', 'long-term, never expires');
  if (!isCalendarDate(validTo)) return unknownCheck('expired', 'validTo', 'end date unreadable');
  return checkThat(today <= validTo, 'expired', 'validTo', {
    pass: `valid until ${validTo}`,
    fail: `valid only until ${validTo}`,
  });
}
