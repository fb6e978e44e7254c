import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { poppler, rasterise, requirePoppler } from './poppler-test-tools.ts';
import { type ReceiptData, formatDateTime, renderReceiptPdf, wrapText } from './receipt-pdf.ts';

const RECEIPT: ReceiptData = {
  verificationCode: '7KQ2-M9XD-4T',
  verifyUrl: 'https://vtm.example-bank.cn/verify/7KQ2M9XD4T',
  sessionId: '4f1c2d3e-9a8b-4c7d-8e6f-0123456789ab',
  completedAt: new Date('2025-06-01T06:03:22Z'),
  customerName: '张*明',
  level: 'C3',
  product: {
    code: 'WM-R3-180D',
    name: { 'zh-CN': '稳盈增利180天混合类理财产品', en: 'Steady Gain 180-day mixed wealth product' },
    riskLevel: 'R3',
  },
  disclosureVersion: 2,
  tellerId: 'teller1',
  kioskName: '陆家嘴支行 VTM-03',
  documentHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};

/** Every field at the longest the schema allows, in the widest characters. */
const LONGEST: ReceiptData = {
  ...RECEIPT,
  verificationCode: 'WWWW-WWWW-WW',
  verifyUrl: `https://vtm.example-bank.cn/verify/${'W'.repeat(200)}`,
  sessionId: 'W'.repeat(40),
  customerName: `欧阳*${'明'.repeat(17)}`,
  product: { code: 'WM-R5-OPEN', name: { 'zh-CN': '稳'.repeat(30), en: `${'Wide '.repeat(15)}WWWWW` }, riskLevel: 'R5' },
  level: 'C5',
  disclosureVersion: 123456,
  tellerId: 'W'.repeat(24),
  kioskName: '陆'.repeat(24),
};

describe('renderReceiptPdf', () => {
  let pdf: Uint8Array;
  beforeAll(async () => {
    requirePoppler();
    pdf = await renderReceiptPdf(RECEIPT);
  });

  it('writes a valid one-page A5 PDF that poppler reads without complaint', () => {
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const info = poppler('pdfinfo', pdf).stdout;
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(info).toMatch(/^Page size:\s+419\.53 x 595\.28 pts/m);
    expect(info).toMatch(/^Title:\s+业务回执 Receipt 7KQ2-M9XD-4T$/m);
    expect(rasterise(pdf, 30).stderr).toBe('');
    // Both faces embedded as subsets, not the 16 MB originals.
    expect(poppler('pdffonts', pdf).stdout.match(/CID Type 0C\s+Identity-H\s+yes yes yes/g)).toHaveLength(2);
    expect(pdf.length).toBeLessThan(400_000);
    // The QR code.
    expect(poppler('pdfimages', pdf, ['-list']).stdout).toMatch(/^\s+1\s+0 image/m);
  });

  it('carries the Chinese and English text, the result, product, code and hash', () => {
    const text = poppler('pdftotext', pdf, ['-layout'], '-').stdout;
    for (const expected of [
      '理财产品风险评估业务回执',
      '张*明',
      'C3 平衡型',
      'C3 Balanced',
      '稳盈增利180天混合类理财产品',
      'Steady Gain 180-day mixed wealth product',
      'WM-R3-180D',
      'R3 中等风险',
      'R3 Medium risk',
      'Version 2',
      '2025-06-01 14:03:22',
      'GMT+08:00',
      'teller1',
      '陆家嘴支行 VTM-03',
      '4f1c2d3e-9a8b-4c7d-8e6f-0123456789ab',
      'e3b0c442 98fc1c14 9afbf4c8 996fb924',
      '27ae41e4 649b934c a495991b 7852b855',
      '7KQ2-M9XD-4T',
      '理财非存款、产品有风险、投资须谨慎',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('gives the same bytes for the same receipt', async () => {
    expect(Buffer.from(await renderReceiptPdf(RECEIPT)).equals(Buffer.from(pdf))).toBe(true);
  });

  it('fits every field at its longest on the one page', async () => {
    const longest = await renderReceiptPdf(LONGEST);
    const text = poppler('pdftotext', longest, ['-layout'], '-').stdout;
    expect(text).toContain('WWWW-WWWW-WW');
    expect(poppler('pdfinfo', longest).stdout).toMatch(/^Pages:\s+1$/m);
  });

  it.each<[string, Partial<ReceiptData>]>([
    ['an unmasked name', { customerName: '张三明' }],
    ['a malformed verification code', { verificationCode: '7KQ2M9XD4T' }],
    ['a verification code with U', { verificationCode: '7KQ2-M9XD-4U' }],
    ['an upper-case hash', { documentHash: RECEIPT.documentHash.toUpperCase() }],
    ['a non-http verify URL', { verifyUrl: 'javascript:alert(1)' }],
    ['a product name too long for the page', { product: { ...RECEIPT.product, name: { 'zh-CN': '稳'.repeat(31), en: 'x' } } }],
  ])('refuses %s', async (_, change) => {
    await expect(renderReceiptPdf({ ...RECEIPT, ...change })).rejects.toThrow(ZodError);
  });
});

describe('formatDateTime', () => {
  it('writes the wall-clock time in the zone, with its offset', () => {
    expect(formatDateTime(new Date('2025-12-31T16:30:05Z'), 'Asia/Shanghai')).toEqual({
      dateTime: '2026-01-01 00:30:05',
      zone: 'GMT+08:00',
    });
    expect(formatDateTime(new Date('2025-12-31T16:30:05Z'), 'UTC')).toEqual({
      dateTime: '2025-12-31 16:30:05',
      zone: 'GMT+00:00',
    });
  });
});

describe('wrapText', () => {
  // One unit per character keeps the expectations readable.
  const width = (s: string) => Array.from(s).length;
  it.each([
    ['fits', 'abc def', 10, ['abc def']],
    ['breaks at spaces', 'abc def ghi', 7, ['abc def', 'ghi']],
    ['breaks between Chinese characters', '本人已阅读风险揭示', 4, ['本人已阅', '读风险揭', '示']],
    ['keeps Latin words whole beside Chinese', '产品 Steady Gain', 8, ['产品', 'Steady', 'Gain']],
    ['breaks a run too long for any line', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['drops surplus spaces', '  a   b  ', 3, ['a', 'b']],
  ])('%s', (_, text, max, lines) => {
    expect(wrapText(text, max, width)).toEqual(lines);
  });
});
