/**
 * The PDF report of an evidence export: everything a reviewer sees of one session, on
 * paper, for an auditor or a regulator who has no access to the system. Who the customer
 * is (with the ID images and stills), every question with the answer given and when, the
 * level, the product and the full disclosure text shown, the handwritten acknowledgement
 * and the signature, the automatic checks, the reviewers' decisions, the recording
 * segments with their SHA-256, and the session's timeline.
 *
 * Bilingual headings (Chinese first, as the receipt), A4, long content flows onto new
 * pages; every page carries the session id and its page number.
 */
import {
  CUSTOMER_LEVEL_NAMES,
  PRODUCT_RISK_NAMES,
  ProductRiskLevel,
  findProduct,
  type LocalizedText,
  type QuestionnaireDefinition,
  type ReviewSessionDetail,
} from '@vtm/shared';
import { PDFDocument, PageSizes, type PDFImage, type PDFPage } from 'pdf-lib';
import { type FontFace, NOTO_SANS_CJK_SC, embedSubsetFont } from '../../receipt/cjk-font.ts';
import { ACCENT, MUTED, Pen, characterAdvances, type Fonts, type TextStyle, formatDateTime } from '../../receipt/pdf-pen.ts';
import { questionnaireFor } from '../regulated-checks.ts';

export interface ReportImage {
  bytes: Uint8Array;
  mimeType: string;
}

export interface ReviewReportData {
  detail: ReviewSessionDetail;
  /** The evidence images the report shows (ID images, stills, acknowledgement, signature), by evidence id. */
  images: ReadonlyMap<number, ReportImage>;
  exportedAt: Date;
  exportedBy: string;
  /** The audit trail's newest entry when the export was made. */
  auditHead: { seq: number; hash: string } | null;
}

export interface ReviewReportOptions {
  /** Defaults to Debian's Noto Sans CJK SC (fonts-noto-cjk), as the receipt. */
  fonts?: { regular: FontFace; bold: FontFace };
  /** IANA time zone for every time shown; defaults to China Standard Time. */
  timeZone?: string;
}

export async function renderReviewReportPdf(data: ReviewReportData, options: ReviewReportOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  setMetadata(doc, data);
  const faces = options.fonts ?? NOTO_SANS_CJK_SC;
  // One after the other: embedSubsetFont registers a fontkit per face.
  const regular = await embedSubsetFont(doc, faces.regular, 'VTMRPA');
  const bold = await embedSubsetFont(doc, faces.bold, 'VTMRPB');
  const report = new Report(doc, { regular, bold }, options.timeZone ?? 'Asia/Shanghai', data);
  await report.write();
  return doc.save();
}

// --- Layout -------------------------------------------------------------------------------

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A4;
const MARGIN = 48;
const TOP = PAGE_HEIGHT - MARGIN;
/** Content stops here; the page footer sits below. */
const BOTTOM = MARGIN + 18;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const LABEL_WIDTH = 128;
const VALUE_X = MARGIN + LABEL_WIDTH;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH;

const BODY: TextStyle = { size: 9.5 };
const SMALL: TextStyle = { size: 8 };
const NOTE: TextStyle = { size: 8, color: MUTED };
const LABEL: TextStyle = { size: 8.5, bold: true };

const NOT_RECORDED = '—';

/** A cursor over the document: writes top-down and starts a new page when the next line does not fit. */
class Flow {
  readonly #doc: PDFDocument;
  readonly #fonts: Fonts;
  readonly #measure = characterAdvances();
  pen!: Pen;
  y = 0;

  constructor(doc: PDFDocument, fonts: Fonts) {
    this.#doc = doc;
    this.#fonts = fonts;
    this.newPage();
  }

  newPage(): void {
    this.pen = new Pen(this.#doc.addPage(PageSizes.A4), this.#fonts, MARGIN, this.#measure);
    this.y = TOP;
  }

  /** Makes room for `height` points, on a new page if this one has not got them. */
  ensure(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }

  gap(points: number): void {
    this.y -= points;
  }

  /** Wrapped text, a line at a time, each line where it fits. */
  text(text: string, style: TextStyle = BODY, indent = 0): void {
    for (const line of this.pen.lines(printable(text), CONTENT_WIDTH - indent, style)) {
      this.ensure(this.pen.lineHeight(style));
      this.y = this.pen.line(line, MARGIN + indent, this.y, style);
    }
  }

  /** A section heading, kept on the page with what follows it (`keepWith` points: a few lines, or an image). */
  heading(title: LocalizedText, keepWith = 40): void {
    this.gap(10);
    this.ensure(24 + keepWith);
    this.y = this.pen.line(`${title['zh-CN']}  ${title.en}`, MARGIN, this.y, { size: 12.5, bold: true });
    this.pen.rule(this.y - 1, ACCENT, 0.8);
    this.gap(6);
  }

  /** A labelled value: the label in the left column, the value beside it, both wrapped, line by line. */
  field(label: string, value: string, style: TextStyle = BODY): void {
    const labels = this.pen.lines(label, LABEL_WIDTH - 8, LABEL);
    const values = this.pen.lines(printable(value || NOT_RECORDED), VALUE_WIDTH, style);
    const step = Math.max(this.pen.lineHeight(style), this.pen.lineHeight(LABEL));
    for (let i = 0; i < Math.max(labels.length, values.length); i++) {
      this.ensure(step);
      if (labels[i]) this.pen.line(labels[i]!, MARGIN, this.y, LABEL);
      if (values[i]) this.pen.line(values[i]!, VALUE_X, this.y, style);
      this.y -= step;
    }
    this.gap(2);
  }

  /** One line of short cells, each at its own distance from the margin (a table row). */
  row(cells: string[], columns: number[], style: TextStyle): void {
    this.ensure(this.pen.lineHeight(style));
    cells.forEach((cell, i) => this.pen.line(printable(cell), MARGIN + columns[i]!, this.y, style));
    this.y -= this.pen.lineHeight(style);
  }

  /** An image scaled into the box (never enlarged), with its caption under it. */
  image(image: PDFImage, caption: string, box: { width: number; height: number }): void {
    const scale = Math.min(1, box.width / image.width, box.height / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    this.ensure(height + 2 * this.pen.lineHeight(NOTE) + 4);
    this.pen.page.drawImage(image, { x: MARGIN, y: this.y - height, width, height });
    this.y -= height + 3;
    this.text(caption, NOTE);
    this.gap(6);
  }

  get pages(): PDFPage[] {
    return this.#doc.getPages();
  }
}

/** Writes the report's sections in order. */
class Report {
  readonly #doc: PDFDocument;
  readonly #flow: Flow;
  readonly #timeZone: string;
  readonly #data: ReviewReportData;
  readonly #detail: ReviewSessionDetail;

  constructor(doc: PDFDocument, fonts: Fonts, timeZone: string, data: ReviewReportData) {
    this.#doc = doc;
    this.#flow = new Flow(doc, fonts);
    this.#timeZone = timeZone;
    this.#data = data;
    this.#detail = data.detail;
  }

  async write(): Promise<void> {
    this.#title();
    this.#session();
    this.#customer();
    await this.#images('证件影像与客户截图', 'ID images and stills', [...this.#detail.idImages, ...this.#detail.stills]);
    this.#questionnaire();
    this.#assessment();
    this.#product();
    await this.#acknowledgementAndSignature();
    this.#qualityChecks();
    this.#decisions();
    this.#recordings();
    this.#timeline();
    this.#pageFooters();
  }

  #time(iso: string | null | undefined): string {
    if (!iso) return NOT_RECORDED;
    return formatDateTime(new Date(iso), this.#timeZone).dateTime;
  }

  #title(): void {
    const flow = this.#flow;
    const { pen } = flow;
    pen.page.drawRectangle({ x: 0, y: PAGE_HEIGHT - 10, width: PAGE_WIDTH, height: 10, color: ACCENT });
    flow.y = pen.line('理财销售双录合规审查报告', MARGIN, TOP, { size: 19, bold: true });
    flow.y = pen.line('Compliance review report: recorded wealth-product sale', MARGIN, flow.y, { size: 11, color: MUTED });
    pen.rule(flow.y - 4, ACCENT, 1.2);
    flow.gap(12);
    const zone = formatDateTime(this.#data.exportedAt, this.#timeZone).zone;
    flow.field('业务编号 Session', this.#detail.session.id);
    flow.field('导出时间 Exported', `${this.#time(this.#data.exportedAt.toISOString())} (${zone}; every time in this report is in this zone)`);
    flow.field('导出人 Exported by', this.#data.exportedBy);
    const head = this.#data.auditHead;
    flow.field('审计链 Audit trail head', head ? `entry ${head.seq}, ${head.hash}` : 'the trail was empty', SMALL);
    flow.text(
      'The export holds this report, the sealed original recording, the playable media, every evidence file and the session\'s audit entries; manifest.json lists the SHA-256 of each. ' +
        'Files are kept encrypted at rest and exported decrypted: the SHA-256 in this report and in the audit trail is of the file as stored, given in manifest.json as storedSha256.',
      NOTE,
    );
  }

  #session(): void {
    const { session } = this.#detail;
    const flow = this.#flow;
    flow.heading({ 'zh-CN': '业务概况', en: 'Session' });
    flow.field('设备 Kiosk', session.kioskName);
    flow.field('柜员 Teller', session.tellerName ?? NOT_RECORDED);
    flow.field('开始 Started', this.#time(session.createdAt));
    flow.field('接通 Accepted', this.#time(session.acceptedAt));
    flow.field('结束 Ended', `${this.#time(session.endedAt)}${session.endReason ? ` (${session.endReason})` : ''}`);
    flow.field('结果 Outcome', this.#detail.outcome ?? 'none recorded');
    flow.field('审查状态 Review status', this.#detail.reviewStatus);
    const quality = session.qualityPassed === null ? 'not finalised' : session.qualityPassed ? 'passed' : 'failed';
    flow.field('自动质检 Quality checks', quality);
    if (this.#detail.receipt) flow.field('回执验证码 Receipt code', this.#detail.receipt.verificationCode);
  }

  #customer(): void {
    const { customer } = this.#detail;
    const flow = this.#flow;
    flow.heading({ 'zh-CN': '客户身份', en: 'Customer and ID document' });
    if (!customer) {
      flow.text(this.#detail.purged ? 'Removed at the end of the retention period.' : 'No identity was captured in this session.');
      return;
    }
    flow.field('证件类型 Document', customer.documentKind === 'cn-resident-id' ? '居民身份证 Resident ID card' : '护照 Passport');
    flow.field('姓名 Name', customer.name);
    flow.field('证件号码 Number', customer.documentNumber);
    flow.field('出生日期 Birth date', customer.birthDate);
    flow.field('性别 Sex', customer.sex);
    flow.field('采集时间 Captured', this.#time(customer.capturedAt));
    flow.gap(4);
    flow.text('客户确认的证件信息 Fields as the customer confirmed them', LABEL);
    for (const [field, value] of Object.entries(customer.fields)) flow.field(field, value, SMALL);
    const changes = [
      ...customer.customerCorrections.map((c) => `${c.field}: OCR read "${c.ocrValue}", the customer confirmed "${c.confirmedValue}"`),
      ...customer.automaticCorrections.map((c) => `${c.field}: character ${c.position + 1} read as "${c.from}" repaired to "${c.to}" (check digits)`),
    ];
    flow.gap(4);
    flow.text('更正 Corrections to what OCR read', LABEL);
    flow.text(changes.length ? changes.join('\n') : 'none', SMALL);
  }

  async #images(zh: string, en: string, refs: ReviewSessionDetail['idImages']): Promise<void> {
    const box = { width: CONTENT_WIDTH * 0.6, height: 220 };
    this.#flow.heading({ 'zh-CN': zh, en }, refs.length ? box.height : 40);
    if (refs.length === 0) this.#flow.text('None on record.');
    for (const ref of refs) await this.#evidenceImage(ref, box);
  }

  /** One evidence image with kind, time and SHA-256; a note instead when it cannot be shown. */
  async #evidenceImage(ref: ReviewSessionDetail['idImages'][number], box: { width: number; height: number }): Promise<void> {
    const sha256 = this.#detail.session.evidence.find((e) => e.id === ref.evidenceId)?.sha256 ?? 'unknown';
    const caption = `${ref.kind} · evidence ${ref.evidenceId} · ${this.#time(ref.createdAt)} · SHA-256 ${sha256}`;
    const image = this.#data.images.get(ref.evidenceId);
    const embedded = image ? await embedImage(this.#doc, image).catch((error: unknown) => error as Error) : new Error('not in the export');
    if (embedded instanceof Error) this.#flow.text(`${caption}: the image cannot be shown (${embedded.message})`, NOTE);
    else this.#flow.image(embedded, caption, box);
  }

  #questionnaire(): void {
    const flow = this.#flow;
    const { questionnaire, answers } = this.#detail;
    flow.heading({ 'zh-CN': '风险承受能力评估问卷', en: 'Risk-tolerance questionnaire' });
    if (!questionnaire) {
      flow.text('The questionnaire was not taken in this session.');
      return;
    }
    const definition = questionnaireFor(questionnaire.id, questionnaire.version);
    flow.field('问卷 Questionnaire', `${questionnaire.id} version ${questionnaire.version}${definition ? `\n${definition.title['zh-CN']}\n${definition.title.en}` : ''}`);
    if (!definition) flow.text('This server does not hold that questionnaire version: questions are shown by id.', NOTE);
    const order = (id: string) => definition?.questions.findIndex((q) => q.id === id) ?? 0;
    for (const answer of [...answers].sort((a, b) => order(a.questionId) - order(b.questionId))) {
      this.#answer(answer, definition);
    }
  }

  #answer(answer: ReviewSessionDetail['answers'][number], definition: QuestionnaireDefinition | undefined): void {
    const flow = this.#flow;
    const index = definition ? definition.questions.findIndex((q) => q.id === answer.questionId) : -1;
    const question = index >= 0 ? definition!.questions[index] : undefined;
    flow.gap(4);
    flow.text(question ? `${index + 1}. ${question.text['zh-CN']}` : answer.questionId, { size: 9.5, bold: true });
    if (question) flow.text(question.text.en, NOTE, 12);
    const options = answer.optionIds.map((id) => {
      const option = question?.options.find((o) => o.id === id);
      return option ? `${option.text['zh-CN']} / ${option.text.en}` : id;
    });
    flow.text(`答 Answer: ${options.join('; ')}`, BODY, 12);
    const changed = answer.changes ? ` · changed ${answer.changes} time${answer.changes === 1 ? '' : 's'} before` : '';
    flow.text(`Answered at the kiosk ${this.#time(answer.answeredAt)}${onRecording(answer.offsetMs)}${changed}`, NOTE, 12);
  }

  #assessment(): void {
    const flow = this.#flow;
    const { assessment } = this.#detail;
    flow.heading({ 'zh-CN': '评估结果', en: 'Assessment' });
    if (!assessment) {
      flow.text('No level was computed in this session.');
      return;
    }
    const names = CUSTOMER_LEVEL_NAMES[assessment.level];
    flow.field('风险等级 Level', `${assessment.level} ${names['zh-CN']} ${names.en}`);
    flow.field('得分 Score', String(assessment.score));
    flow.field('评估时间 Assessed', `${this.#time(assessment.assessedAt)}${assessment.reused ? ' (an earlier, still valid assessment reused)' : ''}`);
  }

  #product(): void {
    const flow = this.#flow;
    const { product, disclosureVersion } = this.#detail;
    flow.heading({ 'zh-CN': '产品与风险揭示', en: 'Product and risk disclosure' });
    if (!product) {
      flow.text('No product was proposed in this session.');
      return;
    }
    const catalogue = findProduct(product.code);
    flow.field('产品 Product', catalogue ? `${product.code}\n${catalogue.name['zh-CN']}\n${catalogue.name.en}` : product.code);
    const risk = ProductRiskLevel.safeParse(product.riskLevel);
    const riskName = risk.success ? ` ${PRODUCT_RISK_NAMES[risk.data]['zh-CN']} ${PRODUCT_RISK_NAMES[risk.data].en}` : '';
    flow.field('产品风险 Product risk', `${product.riskLevel}${riskName}`);
    flow.field('适当性 Suitable', product.suitable === null ? NOT_RECORDED : product.suitable ? 'yes' : 'no');
    flow.field('揭示书版本 Disclosure', disclosureVersion ? `version ${disclosureVersion}` : 'not shown');
    const disclosure = catalogue?.disclosure;
    if (!disclosureVersion) return;
    if (!disclosure || String(disclosure.version) !== disclosureVersion) {
      flow.text(`The text of disclosure version ${disclosureVersion} is not in this server's catalogue.`, NOTE);
      return;
    }
    flow.gap(4);
    for (const language of ['zh-CN', 'en'] as const) {
      flow.text(disclosure.title[language], { size: 10, bold: true });
      for (const paragraph of disclosure.body[language]) {
        flow.text(paragraph, SMALL);
        flow.gap(2);
      }
      flow.gap(4);
    }
  }

  async #acknowledgementAndSignature(): Promise<void> {
    const flow = this.#flow;
    const { acknowledgement, signature, product } = this.#detail;
    flow.heading({ 'zh-CN': '手写确认与签名', en: 'Handwritten acknowledgement and signature' });
    if (!acknowledgement && !signature) {
      flow.text('The customer neither wrote the acknowledgement nor signed in this session.');
      return;
    }
    const expected = product ? findProduct(product.code)?.disclosure.acknowledgement['zh-CN'] : undefined;
    if (expected) flow.field('应抄录 To copy out', expected);
    if (acknowledgement) {
      await this.#evidenceImage(acknowledgement.image, { width: CONTENT_WIDTH, height: 160 });
      flow.field('识别文字 Recognised', acknowledgement.recognisedText);
      flow.field('匹配度 Match score', acknowledgement.matchScore.toFixed(2));
      flow.field('柜员审核 Teller', acknowledgement.accepted === null ? 'not reviewed' : acknowledgement.accepted ? 'accepted' : 'rejected');
    }
    if (signature) {
      flow.gap(4);
      await this.#evidenceImage(signature.image, { width: CONTENT_WIDTH * 0.6, height: 140 });
      flow.field('签署文件摘要 Signed document SHA-256', signature.documentHash, SMALL);
      flow.field('签署时间 Signed', this.#time(signature.signedAt));
    }
  }

  #qualityChecks(): void {
    const flow = this.#flow;
    const checks = this.#detail.session.qualityChecks;
    flow.heading({ 'zh-CN': '自动质检', en: 'Automatic quality checks' });
    if (checks.length === 0) flow.text('Not run yet: the session has not been finalised.');
    for (const check of checks) {
      flow.text(`${check.passed ? 'PASS' : 'FAIL'} ${check.id}`, { ...LABEL, ...(check.passed ? {} : { color: ACCENT }) });
      flow.text(check.reason, SMALL, 12);
      flow.gap(2);
    }
  }

  #decisions(): void {
    const flow = this.#flow;
    flow.heading({ 'zh-CN': '审查决定', en: 'Review decisions' });
    if (this.#detail.decisions.length === 0) flow.text('No decision yet.');
    for (const decision of this.#detail.decisions) {
      flow.field(decision.decision, `${this.#time(decision.decidedAt)} by ${decision.reviewer}\n${decision.comment}`);
    }
  }

  #recordings(): void {
    const flow = this.#flow;
    const { recordings, playback } = this.#detail.session;
    flow.heading({ 'zh-CN': '录像', en: 'Recording segments' });
    if (recordings.length === 0) flow.text('Nothing was recorded.');
    for (const [i, r] of recordings.entries()) {
      const length = r.durationMs === null ? 'length unknown' : `${(r.durationMs / 1000).toFixed(1)} s`;
      const size = r.sizeBytes === null ? 'size unknown' : `${r.sizeBytes} bytes`;
      flow.field(`Segment ${i + 1} (${r.state})`, `${this.#time(r.startedAt)} to ${this.#time(r.endedAt)}, ${length}, ${size}\nSHA-256 ${r.sha256 ?? 'none'}`, SMALL);
    }
    if (playback.length) flow.text('可播放文件 Playable copies (remuxed, not re-encoded)', LABEL);
    for (const m of playback) {
      flow.field(`${m.party}, segment ${m.segment}`, `${m.mimeType}, ${m.sizeBytes} bytes, from ${offset(m.startOffsetMs)}\nSHA-256 ${m.sha256}`, SMALL);
    }
  }

  #timeline(): void {
    const flow = this.#flow;
    flow.heading({ 'zh-CN': '时间线', en: 'Timeline' });
    for (const event of this.#detail.session.events) {
      flow.row([this.#time(event.at), event.offsetMs === null ? '' : offset(event.offsetMs), event.type], [0, 92, 140], SMALL);
    }
  }

  #pageFooters(): void {
    const pages = this.#flow.pages;
    for (const [i, page] of pages.entries()) {
      const pen = new Pen(page, this.#flow.pen.fonts, MARGIN, this.#flow.pen.measure);
      pen.rule(MARGIN + 12);
      pen.line(`业务编号 Session ${this.#detail.session.id}`, MARGIN, MARGIN + 8, NOTE);
      const number = `第 ${i + 1} / ${pages.length} 页  Page ${i + 1} of ${pages.length}`;
      pen.line(number, PAGE_WIDTH - MARGIN - pen.width(number, NOTE), MARGIN + 8, NOTE);
    }
  }
}

// --- Helpers ------------------------------------------------------------------------------

function setMetadata(doc: PDFDocument, data: ReviewReportData): void {
  doc.setTitle(`合规审查报告 Compliance review report ${data.detail.session.id}`);
  doc.setSubject('理财销售双录 Recorded wealth-product sale');
  doc.setLanguage('zh-CN');
  doc.setProducer('VTM');
  doc.setCreator('VTM');
  doc.setCreationDate(data.exportedAt);
  doc.setModificationDate(data.exportedAt);
}

async function embedImage(doc: PDFDocument, image: ReportImage): Promise<PDFImage> {
  // A copy: pdf-lib reads the JPEG through the whole underlying ArrayBuffer, and a small
  // Node Buffer is a slice of a shared pool.
  const bytes = new Uint8Array(image.bytes);
  if (image.mimeType === 'image/png') return doc.embedPng(bytes);
  if (image.mimeType === 'image/jpeg') return doc.embedJpg(bytes);
  throw new Error(`${image.mimeType} is not an image the report embeds`);
}

/** "+1:05.2": a place on the session's timeline (from the start of the recording). */
function offset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const total = Math.abs(ms) / 1000;
  const minutes = Math.floor(total / 60);
  return `${sign}${minutes}:${(total - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

/** " (+1:05.2 on the recording)"; empty for what happened before the recording started. */
function onRecording(ms: number | null): string {
  return ms === null ? '' : ` (${offset(ms)} on the recording)`;
}

/** Text as the fonts can draw it: control characters (other than line breaks) become spaces. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, ' ');
}
