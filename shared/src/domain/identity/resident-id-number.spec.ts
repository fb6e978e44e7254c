import { describe, expect, it } from 'vitest';
import {
  isValidResidentIdNumber,
  normalizeResidentIdNumber,
  parseResidentIdNumber,
  residentIdCheckDigit,
  validateResidentIdNumber,
} from './resident-id-number.ts';

const today = new Date('2024-06-01T12:00:00+08:00');

/** A number with a correct check character, whatever the first 17 digits say. */
const withCheck = (first17: string) => first17 + residentIdCheckDigit(first17);

/** Status of each check by id. */
function statuses(idNumber: string, on = today): Record<string, string> {
  return Object.fromEntries(validateResidentIdNumber(idNumber, { today: on }).map((c) => [c.id, c.status]));
}

describe('residentIdCheckDigit (GB 11643 MOD 11-2)', () => {
  // Expected characters computed independently (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, map 10X98765432).
  it.each([
    ['11010519491231002', 'X'], // the standard's own example
    ['44030420000229001', '4'],
    ['31011519900101003', '7'],
    ['51010720060601004', '0'],
    ['50010119850615123', '3'],
    ['65010220060531567', '7'],
    ['46000019880101221', '5'],
  ])('%s → %s', (first17, expected) => {
    expect(residentIdCheckDigit(first17)).toBe(expected);
  });

  it.each(['1101051949123100', '110105194912310021', '1101051949123100X', '', '11010519491231O02'])(
    'throws on %j',
    (input) => {
      expect(() => residentIdCheckDigit(input)).toThrow(RangeError);
    },
  );
});

describe('parseResidentIdNumber', () => {
  it('reads the GB 11643 example', () => {
    expect(parseResidentIdNumber('11010519491231002X')).toEqual({
      regionCode: '110105',
      provinceCode: '11',
      province: '北京市',
      birthDate: '1949-12-31',
      sex: '女',
      sequence: '002',
    });
  });

  it.each([
    ['310115199001010037', '男', '003'],
    ['510107200606010040', '女', '004'],
    ['500101198506151233', '男', '123'],
    [withCheck('11010519491231001'), '男', '001'],
    [withCheck('11010519491231009'), '男', '009'],
    [withCheck('11010519491231000'), '女', '000'],
    [withCheck('11010519491231008'), '女', '008'],
  ])('%s: 17th digit odd is 男, even is 女 (%s)', (idNumber, sex, sequence) => {
    expect(parseResidentIdNumber(idNumber)).toMatchObject({ sex, sequence });
  });

  it('accepts a lower-case x and spaces, as people type them', () => {
    expect(parseResidentIdNumber(' 110105 19491231 002x ')?.birthDate).toBe('1949-12-31');
    expect(normalizeResidentIdNumber(' 110105 19491231 002x ')).toBe('11010519491231002X');
  });

  it('names no province for a code that is none', () => {
    expect(parseResidentIdNumber(withCheck('99010519491231002'))?.province).toBeNull();
  });

  it.each([
    ['wrong check character', '110105194912310021'],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['a letter among the digits', '1101051949123100AX'],
    ['X not in last place', '1101051949123X0021'],
    ['30 February', withCheck('11010519900230001')],
    ['month 13', withCheck('11010519901301001')],
    ['29 February of a common year', withCheck('11010519010229001')],
    ['15-digit first-generation number', '110105491231002'],
  ])('null for %s', (_, idNumber) => {
    expect(parseResidentIdNumber(idNumber)).toBeNull();
  });

  it('accepts 29 February of a leap year', () => {
    expect(parseResidentIdNumber('440304200002290014')?.birthDate).toBe('2000-02-29');
  });
});

describe('validateResidentIdNumber', () => {
  const allPass = { format: 'pass', 'region-code': 'pass', 'birth-date': 'pass', 'check-digit': 'pass' };

  it.each([
    ['the GB 11643 example', '11010519491231002X', allPass],
    ['a leap-day birth', '440304200002290014', allPass],
    ['a birth today', withCheck('11010520240601001'), allPass],
    ['a birth on 1900-01-01', withCheck('11010519000101001'), allPass],
    ['a wrong check character', '110105194912310021', { ...allPass, 'check-digit': 'fail' }],
    ['30 February', withCheck('11010519900230001'), { ...allPass, 'birth-date': 'fail' }],
    ['a birth in 2100', withCheck('11010521000101001'), { ...allPass, 'birth-date': 'fail' }],
    ['a birth tomorrow', withCheck('11010520240602001'), { ...allPass, 'birth-date': 'fail' }],
    ['a birth in 1899', withCheck('11010518991231001'), { ...allPass, 'birth-date': 'fail' }],
    ['an unknown province code', withCheck('99010519491231002'), { ...allPass, 'region-code': 'fail' }],
    ['a 15-digit number', '110105491231002', { format: 'fail', 'region-code': 'unknown', 'birth-date': 'unknown', 'check-digit': 'unknown' }],
    ['an empty reading', '', { format: 'fail', 'region-code': 'unknown', 'birth-date': 'unknown', 'check-digit': 'unknown' }],
    ['an O read for a 0', '11O10519491231002X', { format: 'fail', 'region-code': 'unknown', 'birth-date': 'unknown', 'check-digit': 'unknown' }],
  ])('%s', (_, idNumber, expected) => {
    expect(statuses(idNumber)).toEqual(expected);
  });

  it('reports every check on field idNumber, in a stable order', () => {
    const checks = validateResidentIdNumber('110105194912310021', { today });
    expect(checks.map((c) => c.id)).toEqual(['format', 'region-code', 'birth-date', 'check-digit']);
    expect(new Set(checks.map((c) => c.field))).toEqual(new Set(['idNumber']));
    expect(checks[3]?.message).toContain('X');
  });

  it('says why a 15-digit number fails', () => {
    expect(validateResidentIdNumber('110105491231002', { today })[0]?.message).toMatch(/first-generation/);
  });

  it('judges "in the future" on the Beijing calendar day', () => {
    const bornJune2 = withCheck('11010520240602001');
    // 2024-06-01 16:30 UTC is already 2 June 00:30 in Beijing.
    expect(isValidResidentIdNumber(bornJune2, { today: new Date('2024-06-01T16:30:00Z') })).toBe(true);
    expect(isValidResidentIdNumber(bornJune2, { today: new Date('2024-06-01T15:30:00Z') })).toBe(false);
  });
});
