/**
 * Calendar days as 'YYYY-MM-DD' text, and the little arithmetic identity rules need.
 *
 * Documents carry days, not instants, so the rules work on day strings (which also compare
 * correctly as text). "Today" is the day in China Standard Time (UTC+8, no daylight saving):
 * Chinese cards expire and customers turn 18 on the Beijing calendar, whatever zone the
 * server or the browser runs in.
 */

export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BEIJING_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/** 'YYYY-MM-DD' from parts, or null when no such day exists (30 February, month 13). */
export function calendarDate(year: number, month: number, day: number): CalendarDate | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True for a 'YYYY-MM-DD' string naming a real day. */
export function isCalendarDate(text: string): boolean {
  const parts = calendarDateParts(text);
  return parts !== null && calendarDate(parts.year, parts.month, parts.day) !== null;
}

/** Year, month and day of a well-formed 'YYYY-MM-DD' string (not checked for existence). */
export function calendarDateParts(text: string): { year: number; month: number; day: number } | null {
  const m = CALENDAR_DATE.exec(text);
  if (!m) return null;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The Beijing calendar day of an instant. */
export function beijingDay(instant: Date): CalendarDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('today is not a valid date');
  return new Date(instant.getTime() + BEIJING_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Completed years between a birth date and a day (both real days). A person turns n on
 * their birthday; someone born on 29 February turns n on 1 March in common years, the
 * later of the two readings, so nobody is counted adult a day early.
 */
export function ageOn(birthDate: CalendarDate, day: CalendarDate): number {
  const birth = mustParts(birthDate);
  const on = mustParts(day);
  const hadBirthday = on.month > birth.month || (on.month === birth.month && on.day >= birth.day);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}

/**
 * Whether `later` is the same calendar day `years` after `earlier`. A 29 February start
 * accepts 28 February or 1 March, as issuers differ on the day that does not exist.
 */
export function isYearsLater(earlier: CalendarDate, later: CalendarDate, years: number): boolean {
  const a = mustParts(earlier);
  const b = mustParts(later);
  if (b.year !== a.year + years) return false;
  if (b.month === a.month && b.day === a.day) return true;
  const leapDayStart = a.month === 2 && a.day === 29;
  return leapDayStart && ((b.month === 2 && b.day === 28) || (b.month === 3 && b.day === 1));
}

/** The day `months` calendar months before, clamped to the end of a shorter month. */
export function monthsBefore(day: CalendarDate, months: number): CalendarDate {
  const p = mustParts(day);
  const index = p.year * 12 + (p.month - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return calendarDate(year, month, Math.min(p.day, daysInMonth(year, month))) as CalendarDate;
}

function mustParts(text: CalendarDate): { year: number; month: number; day: number } {
  const parts = calendarDateParts(text);
  if (!parts || !isCalendarDate(text)) throw new RangeError(`not a calendar date: ${text}`);
  return parts;
}
