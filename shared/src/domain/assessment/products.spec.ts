import { describe, expect, it } from 'vitest';
import { PRODUCT_RISK_LEVELS } from './levels.ts';
import { ACKNOWLEDGEMENT_SENTENCE, PRODUCT_CATALOGUE, WealthProduct, findProduct, productsSuitableFor } from './products.ts';

describe('product catalogue', () => {
  it('is valid, frozen, and its codes are unique', () => {
    for (const p of PRODUCT_CATALOGUE) expect(WealthProduct.safeParse(p).success, p.code).toBe(true);
    expect(new Set(PRODUCT_CATALOGUE.map((p) => p.code)).size).toBe(PRODUCT_CATALOGUE.length);
    expect(Object.isFrozen(PRODUCT_CATALOGUE[0]?.disclosure.keyPoints['zh-CN'])).toBe(true);
  });

  it.each(PRODUCT_RISK_LEVELS)('offers at least two %s products', (level) => {
    expect(PRODUCT_CATALOGUE.filter((p) => p.riskLevel === level).length).toBeGreaterThanOrEqual(2);
  });

  it.each(PRODUCT_CATALOGUE.map((p) => [p.code, p] as const))('%s has a versioned bilingual disclosure', (_code, p) => {
    const d = p.disclosure;
    expect(d.version).toBeGreaterThanOrEqual(1);
    expect(d.title['zh-CN']).toContain(p.name['zh-CN']);
    expect(d.body['zh-CN'].length).toBe(d.body.en.length);
    expect(d.keyPoints['zh-CN'].length).toBe(d.keyPoints.en.length);
    expect(d.keyPoints['zh-CN'].length).toBeGreaterThanOrEqual(5);
    // The teller reads its level aloud, and says the product is not a deposit.
    expect(d.keyPoints['zh-CN'].join('')).toContain(`风险等级为${p.riskLevel}`);
    expect(d.keyPoints['zh-CN'].join('')).toContain('不是银行存款');
    expect(d.acknowledgement).toEqual(ACKNOWLEDGEMENT_SENTENCE);
  });

  it('asks the customer to copy out the standard sentence', () => {
    expect(ACKNOWLEDGEMENT_SENTENCE['zh-CN']).toBe('本人已阅读风险揭示，愿意承担投资风险');
  });

  it.each([
    ['WM-R1-90D', 'R1', 90],
    ['WM-R1-DAILY', 'R1', null],
    ['WM-R5-1095D', 'R5', 1095],
  ] as const)('finds %s (%s, term %s)', (code, level, term) => {
    expect(findProduct(code)).toMatchObject({ riskLevel: level, termDays: term });
  });

  it('finds no unknown product', () => {
    expect(findProduct('WM-R9-1D')).toBeUndefined();
  });

  it.each([
    ['C1', ['R1']],
    ['C3', ['R1', 'R2', 'R3']],
    ['C5', ['R1', 'R2', 'R3', 'R4', 'R5']],
  ] as const)('lists products suitable for %s', (level, risks) => {
    expect([...new Set(productsSuitableFor(level).map((p) => p.riskLevel))]).toEqual(risks);
  });

  const base = PRODUCT_CATALOGUE[1]!;
  it.each([
    ['a code naming another level', { code: 'WM-R2-90D' }, /does not match risk level/],
    ['a code naming another term', { code: 'WM-R1-91D' }, /does not match term/],
    ['a malformed code', { code: 'wm-r1-90d' }, /product code like/],
    ['a zero minimum amount', { minAmountCny: 0 }, /too_small|>0/],
    ['lists out of step', { disclosure: { ...base.disclosure, keyPoints: { 'zh-CN': ['一'], en: ['one', 'two'] } } }, /same length/],
  ])('rejects %s', (_name, change, message) => {
    const result = WealthProduct.safeParse({ ...structuredClone(base), ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.code} ${i.message}`).join('\n')).toMatch(message);
  });
});
