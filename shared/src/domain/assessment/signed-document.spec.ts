import { describe, expect, it } from 'vitest';
import { findProduct } from './products.ts';
import { RISK_QUESTIONNAIRE_V1 as V1 } from './questionnaire-v1.ts';
import { InvalidAnswersError } from './scoring.ts';
import { type SignedDocument, buildSignedDocument, canonicalJson, documentHash, sha256Hex } from './signed-document.ts';

describe('canonicalJson', () => {
  it.each([
    ['null', null, 'null'],
    ['booleans', [true, false], '[true,false]'],
    ['sorted keys, no whitespace', { b: 1, a: [3, 1, 2], c: { z: null, y: 'x' } }, '{"a":[3,1,2],"b":1,"c":{"y":"x","z":null}}'],
    ['arrays keep their order', [{ b: 1, a: 2 }, 'x'], '[{"a":2,"b":1},"x"]'],
    ['empty containers', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['Chinese text as is', { 话: '本人已阅读风险揭示' }, '{"话":"本人已阅读风险揭示"}'],
    // RFC 8785 §3.2.2.2 string example.
    ['escapes as RFC 8785', '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/', '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'],
    // RFC 8785 §3.2.2.3 number examples.
    ['numbers as RFC 8785', [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001, -0], '[333333333.3333333,1e+30,4.5,0.002,1e-27,0]'],
    ['a shared (not circular) reference', (() => { const x = { v: 1 }; return { a: x, b: x }; })(), '{"a":{"v":1},"b":{"v":1}}'],
    ['an object without prototype', Object.assign(Object.create(null) as object, { b: 2, a: 1 }), '{"a":1,"b":2}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3), not by code points', () => {
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(value).match(/"([^"]+)":/g)).toEqual(['"\\r":', '"1":', '"\u0080":', '"ö":', '"€":', '"😀":', '"דּ":']);
  });

  it('does not depend on the order keys were inserted in', () => {
    const entries: [string, unknown][] = [
      ['questionnaireId', 'risk-2026-v1'],
      ['level', 'C3'],
      ['answers', [{ questionId: 'age', optionIds: ['age-31-45'] }]],
      ['productCode', 'WM-R3-365D'],
      ['disclosureVersion', 1],
      ['questionnaireVersion', 1],
    ];
    const texts = new Set<string>();
    for (let rotation = 0; rotation < entries.length; rotation++) {
      const rotated = [...entries.slice(rotation), ...entries.slice(0, rotation)];
      texts.add(canonicalJson(Object.fromEntries(rotated)));
      texts.add(canonicalJson(Object.fromEntries([...rotated].reverse())));
    }
    expect(texts.size).toBe(1);
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each([
    ['undefined', { a: undefined }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a bigint', { a: 1n }],
    ['a function', { a: () => 1 }],
    ['a symbol', Symbol('x')],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    ['a lone surrogate', { a: '\ud800' }],
    ['a lone low surrogate', '\udc00x'],
    ['a sparse array', [1, , 3]],
    ['a symbol key', { [Symbol('k')]: 1 }],
    ['a cycle', circular],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('sha256Hex (Web Crypto)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['风险', 'af75e78cac28095f4013ab594f5aaa33092977f3608270fc30a6291fab5b154f'],
  ])('SHA-256(%j) = %s', async (text, hex) => {
    expect(await sha256Hex(text)).toBe(hex);
  });
});

describe('documentHash', () => {
  const doc: SignedDocument = {
    questionnaireId: 'risk-2026-v1',
    questionnaireVersion: 1,
    answers: [
      { questionId: 'age', optionIds: ['age-31-45'] },
      { questionId: 'experience-products', optionIds: ['products-low-risk', 'products-equity'] },
    ],
    level: 'C3',
    productCode: 'WM-R3-365D',
    disclosureVersion: 1,
  };
  const CANONICAL =
    '{"answers":[{"optionIds":["age-31-45"],"questionId":"age"},{"optionIds":["products-low-risk","products-equity"],"questionId":"experience-products"}],' +
    '"disclosureVersion":1,"level":"C3","productCode":"WM-R3-365D","questionnaireId":"risk-2026-v1","questionnaireVersion":1}';
  /**
   * Pinned, computed independently of this code (`node -e` with node:crypto createHash over
   * CANONICAL): changing canonicalisation or the document's shape must be a deliberate act.
   */
  const HASH = '1fde1bd6c34f57fcdd565db1b2abae6972bad2326369f3d0ea415f33d0efdee2';

  it('hashes the canonical JSON of the document (known vector)', async () => {
    expect(canonicalJson(doc)).toBe(CANONICAL);
    expect(await documentHash(doc)).toBe(HASH);
  });

  it('does not depend on key order', async () => {
    const reordered = Object.fromEntries(Object.entries(doc).reverse()) as SignedDocument;
    expect(await documentHash(reordered)).toBe(HASH);
  });

  it.each([
    ['another level', { level: 'C4' }],
    ['another product', { productCode: 'WM-R3-OPEN' }],
    ['another disclosure version', { disclosureVersion: 2 }],
    ['another questionnaire version', { questionnaireVersion: 2 }],
    ['options in another order', { answers: [doc.answers[0]!, { questionId: 'experience-products', optionIds: ['products-equity', 'products-low-risk'] }] }],
  ])('changes with %s', async (_name, change) => {
    expect(await documentHash({ ...doc, ...change } as SignedDocument)).not.toBe(HASH);
  });

  it.each([
    ['an extra field', { signedBy: 'teller' }],
    ['a missing field', { disclosureVersion: undefined }],
    ['an unknown level', { level: 'C9' }],
    ['a malformed product code', { productCode: 'cheap-stuff' }],
    ['no answers', { answers: [] }],
  ])('refuses a document with %s', async (_name, change) => {
    await expect(documentHash({ ...doc, ...change } as SignedDocument)).rejects.toThrow();
  });
});

describe('buildSignedDocument', () => {
  const product = findProduct('WM-R1-90D')!;
  const answers = V1.questions.map((q) => ({ questionId: q.id, optionIds: [q.options[1]!.id] }));

  it('takes the level from the score and the disclosure version from the product', () => {
    const doc = buildSignedDocument(V1, answers, product);
    expect(doc).toMatchObject({ questionnaireId: 'risk-2026-v1', questionnaireVersion: 1, productCode: 'WM-R1-90D', disclosureVersion: 1 });
    expect(doc.level).toBe('C3'); // second option everywhere: 42 points
  });

  it('gives the same hash whatever order the customer tapped in', async () => {
    const tapped = answers.map((a) => (a.questionId === 'experience-products' ? { ...a, optionIds: ['products-equity', 'products-low-risk'] } : a));
    const sorted = tapped.map((a) => (a.questionId === 'experience-products' ? { ...a, optionIds: ['products-low-risk', 'products-equity'] } : a));
    const h1 = await documentHash(buildSignedDocument(V1, [...tapped].reverse(), product));
    const h2 = await documentHash(buildSignedDocument(V1, sorted, product));
    expect(h1).toBe(h2);
  });

  it('refuses invalid answers', () => {
    expect(() => buildSignedDocument(V1, answers.slice(2), product)).toThrow(InvalidAnswersError);
  });
});
