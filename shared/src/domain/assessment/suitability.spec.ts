import { describe, expect, it } from 'vitest';
import { CUSTOMER_RISK_LEVELS, type CustomerRiskLevel, PRODUCT_RISK_LEVELS, type ProductRiskLevel } from './levels.ts';
import {
  type SuitabilityRequest,
  assessmentExpiresAt,
  checkRetake,
  checkSuitability,
} from './suitability.ts';

const NOW = new Date('2026-06-01T02:00:00.000Z'); // 10:00 in Beijing
const FRESH = { assessedAt: new Date('2026-05-31T02:00:00.000Z') };

function request(overrides: Partial<SuitabilityRequest> = {}): SuitabilityRequest {
  return { customerLevel: 'C3', productRisk: 'R2', customerAge: 40, assessment: FRESH, now: NOW, ...overrides };
}

describe('suitability matrix: R_n may be sold to C_m only if n ≤ m', () => {
  const cells = CUSTOMER_RISK_LEVELS.flatMap((c) =>
    PRODUCT_RISK_LEVELS.map((r) => [c, r, Number(r[1]) <= Number(c[1])] as [CustomerRiskLevel, ProductRiskLevel, boolean]),
  );
  it('covers all 25 cells', () => expect(new Set(cells.map(([c, r]) => c + r)).size).toBe(25));

  it.each(cells)('%s × %s → allowed %s', (customerLevel, productRisk, allowed) => {
    const result = checkSuitability(request({ customerLevel, productRisk }));
    expect(result.allowed).toBe(allowed);
    if (!result.allowed) {
      expect(result.reason).toBe('product-risk-too-high');
      expect(result.message['zh-CN']).toContain(`风险等级为${productRisk}`);
      expect(result.message['zh-CN']).toContain(`只能购买R${customerLevel[1]}及以下`);
      expect(result.message.en).toContain(`rated R${customerLevel[1]} or lower`);
    }
  });
});

describe('extra confirmation', () => {
  it.each([
    [18, 'C3', null],
    [64, 'C3', null],
    [65, 'C3', ['customer-aged-65-or-over']],
    [90, 'C3', ['customer-aged-65-or-over']],
    [40, 'C1', ['conservative-customer']],
    [64, 'C1', ['conservative-customer']],
    [65, 'C1', ['customer-aged-65-or-over', 'conservative-customer']],
    [40, 'C2', null],
  ] as const)('age %i, %s → %j', (customerAge, customerLevel, codes) => {
    const result = checkSuitability(request({ customerAge, customerLevel, productRisk: 'R1' }));
    expect(result.allowed).toBe(true);
    if (!result.allowed) return;
    expect(result.extraConfirmation?.map((r) => r.code) ?? null).toEqual(codes);
    for (const r of result.extraConfirmation ?? []) expect(r.message['zh-CN']).toMatch(/请您再次确认/);
  });
});

describe('assessment validity: 12 calendar months in Beijing time, the end instant excluded', () => {
  const assessedAt = new Date('2025-06-01T02:00:00.000Z');
  it.each([
    ['the day after', '2025-06-02T02:00:00.000Z', true],
    ['one millisecond before 12 months', '2026-06-01T01:59:59.999Z', true],
    ['exactly 12 months', '2026-06-01T02:00:00.000Z', false],
    ['12 months and a day', '2026-06-02T02:00:00.000Z', false],
  ])('%s → allowed %s', (_name, now, allowed) => {
    const result = checkSuitability(request({ assessment: { assessedAt }, now: new Date(now) }));
    expect(result.allowed).toBe(allowed);
    if (!result.allowed) {
      expect(result.reason).toBe('assessment-expired');
      expect(result.message['zh-CN']).toContain('2026年6月1日');
    }
  });

  it('expires 29 February assessments on 28 February', () => {
    expect(assessmentExpiresAt(new Date('2024-02-29T04:00:00.000Z')).toISOString()).toBe('2025-02-28T04:00:00.000Z');
  });

  it('accepts ISO strings with offsets and ignores other assessment fields', () => {
    const result = checkSuitability(
      request({
        assessment: { assessedAt: '2025-06-01T10:00:00+08:00', level: 'C3', id: 42 },
        now: '2026-06-01T09:59:59.999+08:00',
      }),
    );
    expect(result.allowed).toBe(true);
    expect(checkSuitability(request({ assessment: { assessedAt: '2025-06-01T10:00:00+08:00' }, now: '2026-06-01T10:00:00+08:00' })).allowed).toBe(false);
  });

  it.each([
    ['4 minutes ahead (clock skew)', 4 * 60_000, true],
    ['6 minutes ahead', 6 * 60_000, false],
  ])('an assessment dated %s of now → allowed %s', (_name, aheadMs, allowed) => {
    const result = checkSuitability(request({ assessment: { assessedAt: new Date(NOW.getTime() + aheadMs) } }));
    expect(result.allowed).toBe(allowed);
    if (!result.allowed) expect(result.reason).toBe('assessment-not-yet-valid');
  });
});

describe('blocking order and bad input', () => {
  it('refuses minors first', () => {
    const result = checkSuitability(request({ customerAge: 17, productRisk: 'R5', assessment: { assessedAt: new Date('2020-01-01') } }));
    expect(result).toMatchObject({ allowed: false, reason: 'customer-under-18' });
  });

  it('reports an expired assessment before a level mismatch', () => {
    const result = checkSuitability(request({ customerLevel: 'C1', productRisk: 'R5', assessment: { assessedAt: new Date('2020-01-01') } }));
    expect(result).toMatchObject({ allowed: false, reason: 'assessment-expired' });
  });

  it.each([
    ['an unknown level', { customerLevel: 'C6' }],
    ['an unknown product risk', { productRisk: 'R0' }],
    ['a fractional age', { customerAge: 64.9 }],
    ['an unparsable date', { now: 'yesterday' }],
    ['an invalid Date', { assessment: { assessedAt: new Date('nope') } }],
    ['a date without a zone', { now: '2026-06-01T10:00:00' }],
    ['an unknown field', { promo: true }],
  ])('throws for %s', (_name, change) => {
    expect(() => checkSuitability({ ...request(), ...change } as SuitabilityRequest)).toThrow();
  });
});

describe('retake policy', () => {
  it.each([
    // previous today, limit, allowed, flagged
    [0, undefined, true, false],
    [1, undefined, true, true],
    [2, undefined, false, true],
    [5, undefined, false, true],
    [0, 0, true, false],
    [1, 0, false, true],
    [3, 3, true, true],
    [4, 3, false, true],
  ])('%i earlier today, limit %s → allowed %s, flagged %s', (previousAssessmentsToday, maxRetakesPerDay, allowed, flagged) => {
    const decision = checkRetake(maxRetakesPerDay === undefined ? { previousAssessmentsToday } : { previousAssessmentsToday, maxRetakesPerDay });
    expect([decision.allowed, decision.flagged, decision.retakeNumber]).toEqual([allowed, flagged, previousAssessmentsToday]);
    expect(decision.message === null).toBe(allowed);
  });

  it.each([
    { previousAssessmentsToday: -1 },
    { previousAssessmentsToday: 1.5 },
    { previousAssessmentsToday: 0, maxRetakesPerDay: -1 },
    { previousAssessmentsToday: Number.NaN },
  ])('throws for %j', (input) => {
    expect(() => checkRetake(input)).toThrow(RangeError);
  });
});
