/** Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so the host's time zone cannot shift a day. */
import type { Random } from './random.ts';

const DAY_MS = 86_400_000;

export function parseIsoDate(iso: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not a YYYY-MM-DD date: ${iso}`);
  return new Date(`${iso}T00:00:00Z`);
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return toIsoDate(new Date(parseIsoDate(iso).getTime() + days * DAY_MS));
}

/** Same month and day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** Completed years of age on `on` (someone born on 29 February turns a year older on 1 March). */
export function ageOn(birthIso: string, onIso: string): number {
  const [by, bm, bd] = birthIso.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onIso.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Today in Beijing (UTC+8, no daylight saving): the calendar the kiosk's validators judge by. */
export function beijingTodayIso(now = new Date()): string {
  return toIsoDate(new Date(now.getTime() + 8 * 3_600_000));
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((parseIsoDate(toIso).getTime() - parseIsoDate(fromIso).getTime()) / DAY_MS);
}

/** A uniformly chosen day in [from, to], both inclusive. */
export function randomDate(rng: Random, fromIso: string, toIso: string): string {
  const span = daysBetween(fromIso, toIso);
  if (span < 0) throw new Error(`empty date range ${fromIso}..${toIso}`);
  return addDays(fromIso, rng.int(0, span));
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}
