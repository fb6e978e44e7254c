/**
 * The adulthood rule shared by every identity document: a customer buying a wealth product
 * must be 18 full years old on the (Beijing) day of the session.
 */
import { ageOn, type CalendarDate } from './calendar-date.ts';
import { checkThat, unknownCheck, type FieldCheck } from './field-check.ts';

export const ADULT_AGE = 18;

/** Check 'adult' on field 'birthDate'; 'unknown' when no birth date could be read. */
export function checkAdult(birthDate: CalendarDate | null, today: CalendarDate): FieldCheck {
  if (birthDate === null) return unknownCheck('adult', 'birthDate', 'no readable birth date');
  const age = ageOn(birthDate, today);
  return checkThat(age >= ADULT_AGE, 'adult', 'birthDate', {
    pass: `${age} years old`,
    fail: `${age} years old; customers must be ${ADULT_AGE} or older`,
  });
}
