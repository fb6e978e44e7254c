import { describe, expect, it } from 'vitest';
import { checksAcceptable, findCheck, type FieldCheck } from './field-check.ts';
import {
  ResidentIdBackSchema,
  ResidentIdFrontSchema,
  validateResidentIdBack,
  validateResidentIdFront,
  validityTermForAge,
  type ResidentIdBack,
  type ResidentIdFront,
} from './resident-id-card.ts';
import { isKnownEthnicGroup, ETHNIC_GROUPS } from './ethnicities.ts';

/** Noon in Beijing on a day. */
const beijing = (day: string) => new Date(`${day}T12:00:00+08:00`);
const today = beijing('2024-06-01');

const front: ResidentIdFront = {
  name: '王芳',
  sex: '女',
  ethnicity: '汉',
  birthDate: '1949-12-31',
  address: '北京市朝阳区建国路88号',
  idNumber: '11010519491231002X',
};

const back: ResidentIdBack = {
  issuingAuthority: '北京市公安局朝阳分局',
  validFrom: '2015-03-12',
  validTo: '2035-03-12',
};

function status(checks: FieldCheck[], id: string): string | undefined {
  return findCheck(checks, id)?.status;
}

describe('validateResidentIdFront', () => {
  it('passes a consistent card', () => {
    const checks = validateResidentIdFront(front, { today });
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual([
      'format',
      'region-code',
      'birth-date',
      'check-digit',
      'name',
      'sex-match',
      'birth-date-match',
      'ethnicity',
      'address',
      'address-province',
      'adult',
    ]);
  });

  it.each<[string, Partial<ResidentIdFront>, string, string]>([
    ['printed sex differs from the number', { sex: '男' }, 'sex-match', 'fail'],
    ['printed birth date differs from the number', { birthDate: '1949-12-30' }, 'birth-date-match', 'fail'],
    ['printed birth date is no real day', { birthDate: '1949-02-30' }, 'birth-date-match', 'fail'],
    ['wrong check character', { idNumber: '110105194912310021' }, 'check-digit', 'fail'],
    ['name missing', { name: '  ' }, 'name', 'fail'],
    ['address missing', { address: '' }, 'address', 'fail'],
    ['address in another province', { address: '广东省深圳市南山区' }, 'address-province', 'fail'],
    ['address names no province', { address: '朝阳区建国路88号' }, 'address-province', 'unknown'],
    ['ethnicity misread (汉 as 汊)', { ethnicity: '汊' }, 'ethnicity', 'fail'],
    ['ethnicity written in full', { ethnicity: '汉族' }, 'ethnicity', 'pass'],
    ['a two-character ethnicity', { ethnicity: '土家' }, 'ethnicity', 'pass'],
  ])('%s', (_, change, id, expected) => {
    expect(status(validateResidentIdFront({ ...front, ...change }, { today }), id)).toBe(expected);
  });

  it('treats a province mismatch and an odd ethnicity as warnings, not refusals', () => {
    const checks = validateResidentIdFront({ ...front, address: '广东省深圳市南山区', ethnicity: '穿青人' }, { today });
    expect(findCheck(checks, 'address-province')).toMatchObject({ status: 'fail', severity: 'warning' });
    expect(findCheck(checks, 'ethnicity')).toMatchObject({ status: 'fail', severity: 'warning' });
    expect(checksAcceptable(checks)).toBe(true);
  });

  it('cannot cross-check against an unreadable number, and says so', () => {
    const checks = validateResidentIdFront({ ...front, idNumber: '110105194912310021' }, { today });
    expect(status(checks, 'sex-match')).toBe('unknown');
    expect(status(checks, 'birth-date-match')).toBe('unknown');
    expect(status(checks, 'address-province')).toBe('unknown');
    // Age still comes from the printed birth date.
    expect(status(checks, 'adult')).toBe('pass');
    expect(checksAcceptable(checks)).toBe(false);
  });

  describe('adult on the day', () => {
    // Born 2006-06-01, per the number.
    const teen: ResidentIdFront = { ...front, sex: '女', birthDate: '2006-06-01', address: '四川省成都市', idNumber: '510107200606010040' };

    it.each([
      ['the day before the 18th birthday', beijing('2024-05-31'), 'fail'],
      ['the 18th birthday', beijing('2024-06-01'), 'pass'],
      ['00:30 on the birthday in Beijing (still 31 May in UTC)', new Date('2024-05-31T16:30:00Z'), 'pass'],
      ['23:30 the day before in Beijing', new Date('2024-05-31T15:30:00Z'), 'fail'],
    ])('%s → %s', (_, on, expected) => {
      expect(status(validateResidentIdFront(teen, { today: on }), 'adult')).toBe(expected);
    });

    it.each([
      ['2018-02-28', 'fail'],
      ['2018-03-01', 'pass'],
    ])('born 29 February 2000: on %s → %s', (day, expected) => {
      const leapling: ResidentIdFront = { ...front, sex: '男', birthDate: '2000-02-29', address: '广东省深圳市', idNumber: '440304200002290014' };
      expect(status(validateResidentIdFront(leapling, { today: beijing(day) }), 'adult')).toBe(expected);
    });

    it('a 17-year-old is refused', () => {
      expect(checksAcceptable(validateResidentIdFront(teen, { today: beijing('2024-05-31') }))).toBe(false);
    });
  });
});

describe('validateResidentIdBack', () => {
  it('passes a current 20-year card', () => {
    const checks = validateResidentIdBack(back, { today });
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual(['issuing-authority', 'valid-from', 'valid-to', 'validity-order', 'validity-length', 'expired']);
  });

  it.each<[string, Partial<ResidentIdBack>, Date, string, string]>([
    ['expired yesterday', { validFrom: '2014-05-31', validTo: '2024-05-31' }, today, 'expired', 'fail'],
    ['last valid day', { validFrom: '2014-06-01', validTo: '2024-06-01' }, today, 'expired', 'pass'],
    ['long-term never expires', { validFrom: '1999-01-01', validTo: '长期' }, beijing('2099-01-01'), 'expired', 'pass'],
    ['long-term is a lawful term', { validFrom: '2010-01-01', validTo: '长期' }, today, 'validity-length', 'pass'],
    ['not yet valid', { validFrom: '2024-06-02', validTo: '2044-06-02' }, today, 'valid-from', 'fail'],
    ['ends before it starts', { validFrom: '2015-03-12', validTo: '2005-03-12' }, today, 'validity-order', 'fail'],
    ['no end date can be read', { validTo: '2035-02-30' }, today, 'valid-to', 'fail'],
    ['a 5-year card', { validFrom: '2020-07-01', validTo: '2025-07-01' }, today, 'validity-length', 'pass'],
    ['a 10-year card', { validFrom: '2020-07-01', validTo: '2030-07-01' }, today, 'validity-length', 'pass'],
    ['a 7-year card', { validFrom: '2020-07-01', validTo: '2027-07-01' }, today, 'validity-length', 'fail'],
    ['a 10-year card a day short', { validFrom: '2020-07-01', validTo: '2030-06-30' }, today, 'validity-length', 'fail'],
    ['issued on 29 February, ending 28 February', { validFrom: '2012-02-29', validTo: '2032-02-28' }, today, 'validity-length', 'pass'],
    ['issued on 29 February, ending 1 March', { validFrom: '2012-02-29', validTo: '2032-03-01' }, today, 'validity-length', 'pass'],
    ['issuing authority missing', { issuingAuthority: ' ' }, today, 'issuing-authority', 'fail'],
  ])('%s', (_, change, on, id, expected) => {
    expect(status(validateResidentIdBack({ ...back, ...change }, { today: on }), id)).toBe(expected);
  });

  it('reads nothing more into an unreadable end date', () => {
    const checks = validateResidentIdBack({ ...back, validTo: '2035-02-30' }, { today });
    expect(status(checks, 'validity-order')).toBe('unknown');
    expect(status(checks, 'validity-length')).toBe('unknown');
    expect(status(checks, 'expired')).toBe('unknown');
  });

  it('makes an odd validity length or authority a warning, an expired card a refusal', () => {
    const odd = validateResidentIdBack({ issuingAuthority: '北京市朝阳区', validFrom: '2020-07-01', validTo: '2027-07-01' }, { today });
    expect(findCheck(odd, 'validity-length')?.severity).toBe('warning');
    expect(findCheck(odd, 'issuing-authority')).toMatchObject({ status: 'fail', severity: 'warning' });
    expect(checksAcceptable(odd)).toBe(true);
    expect(checksAcceptable(validateResidentIdBack({ ...back, validFrom: '2004-05-31', validTo: '2024-05-31' }, { today }))).toBe(false);
  });

  describe('validity length for the age at issue (居民身份证法 art. 5)', () => {
    it.each([
      [0, 5],
      [15, 5],
      [16, 10],
      [25, 10],
      [26, 20],
      [45, 20],
      [46, '长期'],
      [90, '长期'],
    ])('age %i → %s', (age, term) => {
      expect(validityTermForAge(age)).toBe(term);
    });

    it.each([
      ['30 at issue, 20 years', '1985-01-01', { validFrom: '2015-03-12', validTo: '2035-03-12' }, 'pass'],
      ['30 at issue, 10 years', '1985-01-01', { validFrom: '2015-03-12', validTo: '2025-03-12' }, 'fail'],
      ['50 at issue, 长期', '1965-01-01', { validFrom: '2015-03-12', validTo: '长期' }, 'pass'],
      ['30 at issue, 长期', '1985-01-01', { validFrom: '2015-03-12', validTo: '长期' }, 'fail'],
      ['12 at issue, 5 years', '2003-01-01', { validFrom: '2015-03-12', validTo: '2020-03-12' }, 'pass'],
      ['turned 26 a month before issue, 10 years (applied at 25)', '1989-02-12', { validFrom: '2015-03-12', validTo: '2025-03-12' }, 'pass'],
      ['turned 26 a month before issue, 20 years', '1989-02-12', { validFrom: '2015-03-12', validTo: '2035-03-12' }, 'pass'],
      ['turned 26 a year before issue, 10 years', '1988-02-12', { validFrom: '2015-03-12', validTo: '2025-03-12' }, 'fail'],
    ])('%s → %s', (_, birthDate, period, expected) => {
      const checks = validateResidentIdBack({ ...back, ...period }, { today, birthDate });
      expect(findCheck(checks, 'validity-length')).toMatchObject({ status: expected });
    });
  });
});

describe('card schemas (data crossing from the kiosk)', () => {
  it('accept well-formed sides and refuse extra keys or an unknown sex', () => {
    expect(ResidentIdFrontSchema.safeParse(front).success).toBe(true);
    expect(ResidentIdFrontSchema.safeParse({ ...front, photo: 'x' }).success).toBe(false);
    expect(ResidentIdFrontSchema.safeParse({ ...front, sex: 'M' }).success).toBe(false);
    expect(ResidentIdFrontSchema.safeParse({ ...front, birthDate: '1949年12月31日' }).success).toBe(false);
    expect(ResidentIdBackSchema.safeParse(back).success).toBe(true);
    expect(ResidentIdBackSchema.safeParse({ ...back, validTo: '长期' }).success).toBe(true);
    expect(ResidentIdBackSchema.safeParse({ ...back, validTo: 'forever' }).success).toBe(false);
  });
});

describe('ethnic groups', () => {
  it('lists the 56 groups once each', () => {
    expect(ETHNIC_GROUPS).toHaveLength(56);
    expect(new Set(ETHNIC_GROUPS).size).toBe(56);
  });

  it.each([
    ['汉', true],
    ['汉族', true],
    ['维吾尔', true],
    ['汊', false],
    ['池', false],
    ['', false],
  ])('%j → %s', (text, known) => {
    expect(isKnownEthnicGroup(text)).toBe(known);
  });
});
