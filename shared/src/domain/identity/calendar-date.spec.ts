import { describe, expect, it } from 'vitest';
import { ageOn, beijingDay, calendarDate, isCalendarDate, isYearsLater, monthsBefore } from './calendar-date.ts';

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2024-04-31', false],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-1-1', false],
    ['长期', false],
  ])('%s is a real day: %s', (text, real) => {
    expect(isCalendarDate(text)).toBe(real);
  });

  it('builds days from parts, refusing impossible ones', () => {
    expect(calendarDate(1949, 12, 31)).toBe('1949-12-31');
    expect(calendarDate(2100, 2, 29)).toBeNull();
  });

  it.each([
    ['2024-05-31T15:59:59Z', '2024-05-31'],
    ['2024-05-31T16:00:00Z', '2024-06-01'],
    ['2024-06-01T00:00:00+08:00', '2024-06-01'],
  ])('the Beijing day of %s is %s', (instant, day) => {
    expect(beijingDay(new Date(instant))).toBe(day);
  });

  it('refuses an invalid Date', () => {
    expect(() => beijingDay(new Date('nonsense'))).toThrow(RangeError);
  });

  it.each([
    ['2006-06-01', '2024-05-31', 17],
    ['2006-06-01', '2024-06-01', 18],
    ['2000-02-29', '2018-02-28', 17],
    ['2000-02-29', '2018-03-01', 18],
    ['2000-02-29', '2020-02-29', 20],
    ['1949-12-31', '2024-06-01', 74],
  ])('born %s, on %s: %i', (birth, day, age) => {
    expect(ageOn(birth, day)).toBe(age);
  });

  it('tells a period of whole years', () => {
    expect(isYearsLater('2015-03-12', '2035-03-12', 20)).toBe(true);
    expect(isYearsLater('2015-03-12', '2035-03-11', 20)).toBe(false);
    expect(isYearsLater('2012-02-29', '2022-02-28', 10)).toBe(true);
    expect(isYearsLater('2012-02-29', '2022-03-01', 10)).toBe(true);
    expect(isYearsLater('2012-02-29', '2032-02-29', 20)).toBe(true);
  });

  it('counts months back, clamping to a shorter month', () => {
    expect(monthsBefore('2015-03-12', 3)).toBe('2014-12-12');
    expect(monthsBefore('2024-05-31', 3)).toBe('2024-02-29');
    expect(monthsBefore('2024-01-15', 13)).toBe('2022-12-15');
  });
});
