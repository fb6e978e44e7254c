import { CUSTOMER_LEVEL_NAMES, RISK_QUESTIONNAIRE_V1, findProduct, type ReviewSessionDetail } from '@vtm/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { poppler, rasterise, requirePoppler } from '../../receipt/poppler-test-tools.ts';
import { FIXTURE_CUSTOMER, FIXTURE_SESSION_ID, fixtureImages, reviewDetailFixture } from './export-fixtures.ts';
import { renderReviewReportPdf, type ReviewReportData } from './review-report-pdf.ts';

const EXPORTED_AT = new Date('2026-03-05T08:00:00Z');

const reportOf = (detail: ReviewSessionDetail, images = fixtureImages()): ReviewReportData => ({
  detail,
  images,
  exportedAt: EXPORTED_AT,
  exportedBy: 'compliance1',
  auditHead: { seq: 412, hash: 'f'.repeat(64) },
});

/** pdftotext without layout: one line per drawn line, in reading order. */
const textOf = (pdf: Uint8Array) => poppler('pdftotext', pdf, [], '-').stdout;
const pagesOf = (pdf: Uint8Array) => Number(/^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', pdf).stdout)![1]);

/** Embedding the CJK font takes seconds on a busy 2-core machine. */
const RENDERING = 60_000;

describe('renderReviewReportPdf', { timeout: RENDERING }, () => {
  let detail: ReviewSessionDetail;
  let pdf: Uint8Array;
  let text: string;

  beforeAll(async () => {
    requirePoppler();
    detail = await reviewDetailFixture();
    pdf = await renderReviewReportPdf(reportOf(detail));
    text = textOf(pdf);
  }, RENDERING);

  it('writes an A4 PDF that poppler reads without complaint, with the images embedded', () => {
    const info = poppler('pdfinfo', pdf).stdout;
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts/m);
    expect(info).toMatch(new RegExp(`^Title:\\s+合规审查报告 Compliance review report ${FIXTURE_SESSION_ID}$`, 'm'));
    expect(rasterise(pdf, 20).stderr).toBe('');
    // Two ID images, a still, the acknowledgement and the signature.
    const images = poppler('pdfimages', pdf, ['-list']).stdout.trim().split('\n').slice(2);
    expect(images).toHaveLength(5);
    expect(images.filter((line) => / jpeg /.test(line))).toHaveLength(2);
  });

  it('carries the customer, the ID data and the corrections', () => {
    for (const expected of [
      '理财销售双录合规审查报告',
      FIXTURE_SESSION_ID,
      'compliance1',
      'entry 412',
      FIXTURE_CUSTOMER.name,
      FIXTURE_CUSTOMER.documentNumber,
      '1949-12-31',
      '居民身份证 Resident ID card',
      '北京市东城区景山前街4号',
      'address: OCR read "北京市东城区景山前街1号", the customer confirmed "北京市东城区景山前街4号"',
      '陆家嘴支行 VTM-03',
      '7KQ2-M9XD-4T',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('lists every question with the answer given and when, the level, the product and the disclosure text', () => {
    for (const [i, question] of RISK_QUESTIONNAIRE_V1.questions.entries()) {
      expect(text).toContain(`${i + 1}. ${question.text['zh-CN'].slice(0, 8)}`);
      const answer = detail.answers.find((a) => a.questionId === question.id)!;
      const option = question.options.find((o) => o.id === answer.optionIds[0])!;
      expect(text).toContain(`答 Answer: ${option.text['zh-CN']}`);
    }
    expect(text).toMatch(/Answered at the kiosk 2026-03-02 10:00:\d\d \(\+0:0\d\.0 on the recording\) · changed 1 time before/);
    const level = detail.assessment!.level;
    expect(text).toContain(`${level} ${CUSTOMER_LEVEL_NAMES[level]['zh-CN']} ${CUSTOMER_LEVEL_NAMES[level].en}`);
    const product = findProduct(detail.product!.code)!;
    expect(text).toContain(product.name['zh-CN']);
    expect(text).toContain(`version ${product.disclosure.version}`);
    // The disclosure's last paragraph in both languages (after a page break, if any).
    expect(text.replace(/\s+/g, '')).toContain(product.disclosure.body['zh-CN'].at(-1)!.replace(/\s+/g, ''));
    expect(text).toContain(product.disclosure.title.en);
  });

  it('shows the acknowledgement, the signature, the checks, the decisions and the recording hashes', () => {
    for (const expected of [
      FIXTURE_CUSTOMER.recognisedText,
      '0.94',
      detail.signature!.documentHash,
      'PASS consent-first',
      'FAIL media-presence',
      'The teller\'s video stalled for 3.2 s at +0:41.0.',
      'follow-up',
      'The teller\'s video stalls at +0:41; check the still.',
      '已核对客户截图，身份一致。 Checked the still: same person.',
      `SHA-256 ${'ab'.repeat(32)}`,
      `SHA-256 ${'c1'.repeat(32)}`,
      'signature.submitted',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('numbers every page and flows long content onto new pages', async () => {
    const comments = Array.from({ length: 60 }, (_, i) => ({
      id: i + 1,
      decision: 'follow-up' as const,
      comment: `Decision ${i + 1}: ${'请复核客户的回答与录像是否一致。'.repeat(6)}`,
      reviewer: 'compliance1',
      decidedAt: EXPORTED_AT.toISOString(),
    }));
    const long = await renderReviewReportPdf(reportOf({ ...detail, decisions: comments }));
    const pages = pagesOf(long);
    expect(pages).toBeGreaterThan(pagesOf(pdf) + 2);
    const longText = textOf(long);
    expect(longText).toContain('Decision 60:');
    expect(longText).toContain(`Page ${pages} of ${pages}`);
    // Nothing drawn below the footer rule or off the page: every line is found on a page.
    for (let page = 1; page <= pages; page++) {
      expect(poppler('pdftotext', long, ['-f', String(page), '-l', String(page)], '-').stdout).toContain(`Page ${page} of ${pages}`);
    }
  });

  it('says what is missing instead of failing: no images, unknown disclosure version, nothing taken', async () => {
    const sparse = await renderReviewReportPdf(
      reportOf({ ...detail, disclosureVersion: '99', customer: null, questionnaire: null, answers: [], acknowledgement: null, signature: null, decisions: [] }, new Map()),
    );
    const sparseText = textOf(sparse);
    expect(sparseText).toContain('No identity was captured in this session.');
    expect(sparseText).toContain('the image cannot be shown (not in the export)');
    expect(sparseText).toContain('The text of disclosure version 99 is not in this server\'s catalogue.');
    expect(sparseText).toContain('The questionnaire was not taken in this session.');
    expect(sparseText).toContain('No decision yet.');
    const broken = new Map([[1, { bytes: Buffer.from('not a jpeg'), mimeType: 'image/jpeg' }]]);
    expect(textOf(await renderReviewReportPdf(reportOf(detail, broken)))).toMatch(/id-front · evidence 1 · [^\n]*:\s+the image cannot be shown \(SOI not found in JPEG\)/);
  });
});
