import { describe, expect, it } from 'vitest';
import { acknowledgementMatchScore, normaliseAcknowledgementText } from './acknowledgement-match.ts';

const SENTENCE = '本人已阅读风险揭示，愿意承担投资风险';
/** The sentence's characters once the comma is dropped. */
const CHARS = 17;

describe('acknowledgementMatchScore', () => {
  const cases: { name: string; expected?: string; recognised: string; score: number; distance: number }[] = [
    { name: 'identical', recognised: SENTENCE, score: 1, distance: 0 },
    { name: 'half-width comma', recognised: '本人已阅读风险揭示,愿意承担投资风险', score: 1, distance: 0 },
    { name: 'no punctuation at all', recognised: '本人已阅读风险揭示愿意承担投资风险', score: 1, distance: 0 },
    { name: 'a full stop added', recognised: '本人已阅读风险揭示，愿意承担投资风险。', score: 1, distance: 0 },
    { name: 'tesseract spaces between characters', recognised: '本 人 已 阅 读 风 险 揭 示 , 愿 意 承 担 投 资 风 险\n', score: 1, distance: 0 },
    { name: 'ideographic spaces and a line break', recognised: '本人已阅读风险揭示\u3000愿意\n承担投资风险', score: 1, distance: 0 },
    { name: 'one character misread (险→验)', recognised: '本人已阅读风验揭示，愿意承担投资风险', score: 1 - 1 / CHARS, distance: 1 },
    { name: 'one character missing', recognised: '本人已阅读风险揭示，愿意承担投资险', score: 1 - 1 / CHARS, distance: 1 },
    { name: 'one character extra', recognised: '本人已阅读风险揭示，我愿意承担投资风险', score: 1 - 1 / (CHARS + 1), distance: 1 },
    { name: 'two characters swapped', recognised: '本人已阅读险风揭示，愿意承担投资风险', score: 1 - 2 / CHARS, distance: 2 },
    { name: 'second half missing', recognised: '本人已阅读风险揭示', score: 1 - 8 / CHARS, distance: 8 },
    { name: 'nothing recognised', recognised: '', score: 0, distance: CHARS },
    { name: 'only noise punctuation recognised', recognised: ' ., 。', score: 0, distance: CHARS },
    { name: 'unrelated text', recognised: 'ABC', score: 0, distance: CHARS },
    { name: 'the sentence written twice', recognised: SENTENCE + SENTENCE, score: 0.5, distance: CHARS },
    { name: 'full-width Latin and digits', expected: 'I agree, 2025', recognised: 'Ｉ　ＡＧＲＥＥ２０２５', score: 1, distance: 0 },
  ];

  it.each(cases)('$name → $score', ({ expected = SENTENCE, recognised, score, distance }) => {
    const match = acknowledgementMatchScore(expected, recognised);
    expect(match.score).toBeCloseTo(score, 10);
    expect(match.distance).toBe(distance);
    expect(match.score).toBeGreaterThanOrEqual(0);
    expect(match.score).toBeLessThanOrEqual(1);
  });

  it('returns both texts as compared', () => {
    const match = acknowledgementMatchScore(SENTENCE, '本 人 已 阅 读');
    expect(match.normalisedExpected).toBe('本人已阅读风险揭示愿意承担投资风险');
    expect(match.normalisedRecognised).toBe('本人已阅读');
  });

  it('counts characters outside the Basic Multilingual Plane as one each', () => {
    // 𠀀 (U+20000) is one character but two UTF-16 code units.
    expect(acknowledgementMatchScore('𠀀本人', '本人')).toMatchObject({ distance: 1, score: 1 - 1 / 3 });
  });

  it.each(['', '   ', '，。！', '\u3000'])('refuses an expected sentence with nothing to compare: %j', (expected) => {
    expect(() => acknowledgementMatchScore(expected, SENTENCE)).toThrow(RangeError);
  });
});

describe('normaliseAcknowledgementText', () => {
  it.each([
    ['（本人）同意！', '本人同意'],
    ['「愿意」、承担；', '愿意承担'],
    ['ＡＢＣ　ｄｅｆ', 'abcdef'],
    ['a\tb\r\nc', 'abc'],
  ])('%j → %j', (input, output) => {
    expect(normaliseAcknowledgementText(input)).toBe(output);
  });
});
