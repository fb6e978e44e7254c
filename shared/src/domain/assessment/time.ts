/**
 * Calendar arithmetic for the assessment rules, done in Beijing time.
 *
 * "Valid for 12 months" and "retakes per day" are calendar notions, and the calendar the
 * customer, the teller and the regulator share is China Standard Time (UTC+8, no daylight
 * saving). Doing the arithmetic there, rather than in the server's or the browser's local
 * zone, gives every channel the same answer for the same instant.
 */

/** China Standard Time is UTC+8 all year. */
export const BEIJING_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

function assertValidDate(instant: Date, what: string): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError(`${what} is not a valid date`);
  }
}

/** The Beijing calendar day of an instant, as "YYYY-MM-DD" (e.g. for counting retakes "today"). */
export function beijingCalendarDate(instant: Date): string {
  assertValidDate(instant, 'instant');
  return new Date(instant.getTime() + BEIJING_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The same Beijing wall-clock time `months` calendar months later. When the target month is
 * shorter (29 February + 12 months), the day is clamped to the month's last day, which
 * ends a validity period a day early rather than a day late.
 */
export function addCalendarMonthsInBeijing(instant: Date, months: number): Date {
  assertValidDate(instant, 'instant');
  if (!Number.isInteger(months)) throw new RangeError('months must be an integer');
  const wall = new Date(instant.getTime() + BEIJING_UTC_OFFSET_MS);
  const monthIndex = wall.getUTCFullYear() * 12 + wall.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const daysInTargetMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(wall.getUTCDate(), daysInTargetMonth);
  const shifted = Date.UTC(
    year,
    month,
    day,
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  );
  return new Date(shifted - BEIJING_UTC_OFFSET_MS);
}
