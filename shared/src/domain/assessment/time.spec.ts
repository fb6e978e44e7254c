import { describe, expect, it } from 'vitest';
import { addCalendarMonthsInBeijing, beijingCalendarDate } from './time.ts';

describe('Beijing calendar', () => {
  it.each([
    ['2026-03-01T15:59:59.999Z', '2026-03-01'],
    ['2026-03-01T16:00:00.000Z', '2026-03-02'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01'],
  ])('%s is on %s in Beijing', (instant, day) => {
    expect(beijingCalendarDate(new Date(instant))).toBe(day);
  });

  it.each([
    ['2025-06-01T02:00:00.000Z', 12, '2026-06-01T02:00:00.000Z'],
    // 29 Feb 2024 noon Beijing → 28 Feb 2025 noon Beijing.
    ['2024-02-29T04:00:00.000Z', 12, '2025-02-28T04:00:00.000Z'],
    // 29 Feb 2024 00:00 Beijing is still 28 Feb in UTC: the Beijing date is the one clamped.
    ['2024-02-28T16:00:00.000Z', 12, '2025-02-27T16:00:00.000Z'],
    ['2026-01-31T01:00:00.000Z', 1, '2026-02-28T01:00:00.000Z'],
    ['2026-01-15T00:00:00.000Z', -1, '2025-12-15T00:00:00.000Z'],
  ])('%s + %i months = %s', (from, months, to) => {
    expect(addCalendarMonthsInBeijing(new Date(from), months).toISOString()).toBe(to);
  });

  it('refuses invalid input', () => {
    expect(() => beijingCalendarDate(new Date('nope'))).toThrow(RangeError);
    expect(() => addCalendarMonthsInBeijing(new Date(0), 1.5)).toThrow(RangeError);
  });
});
