/**
 * The customer's receipt for a completed sale, as a one-page A5 PDF, in Chinese and English.
 *
 * It says what was done (the assessment result, the product and its risk, the disclosure
 * version, when, by which teller, at which kiosk), binds itself to the signed document by its
 * SHA-256, and carries a verification code with a QR code of the verification URL so that
 * anyone holding it can check it against the bank's record.
 *
 * Rendering is deterministic: the same receipt data gives the same bytes (fixed metadata
 * dates, fixed font subset names), so a receipt can be re-rendered from stored data and
 * compared with the one handed out.
 */
import {
  CUSTOMER_LEVEL_NAMES,
  CustomerRiskLevel,
  PRODUCT_RISK_NAMES,
  ProductCode,
  ProductRiskLevel,
} from '@vtm/shared';
import { PDFDocument, PageSizes, type PDFImage } from 'pdf-lib';
import QRCode from 'qrcode';
import { z } from 'zod';
import { type FontFace, NOTO_SANS_CJK_SC, embedSubsetFont } from './cjk-font.ts';
import { ACCENT, MUTED, PANEL, Pen, type TextStyle, formatDateTime } from './pdf-pen.ts';
import { VERIFICATION_CODE_PATTERN } from './verification-code.ts';

/** A short text in both languages, short enough for the receipt's layout. */
const ReceiptText = z.strictObject({
  'zh-CN': z.string().trim().min(1).max(30),
  en: z.string().trim().min(1).max(80),
});

export const ReceiptData = z.strictObject({
  verificationCode: z.string().regex(VERIFICATION_CODE_PATTERN, 'verification code like 7KQ2-M9XD-4T'),
  /** Where the QR code leads; the page that looks the code up. */
  verifyUrl: z.url({ protocol: /^https?$/ }).max(300),
  sessionId: z.string().min(1).max(40),
  completedAt: z.date(),
  /** Already masked by the caller (e.g. 张*明): a receipt can be lost or left at the kiosk. */
  customerName: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .refine((name) => /[*＊]/.test(name), 'customerName must be masked (contain *)'),
  /** The assessment result; its names come from the shared scale so that no channel disagrees. */
  level: CustomerRiskLevel,
  product: z.strictObject({
    code: ProductCode,
    name: ReceiptText,
    riskLevel: ProductRiskLevel,
  }),
  disclosureVersion: z.number().int().positive(),
  tellerId: z.string().trim().min(1).max(24),
  kioskName: z.string().trim().min(1).max(24),
  /** SHA-256 (hex) of the canonical signed document the signature is bound to. */
  documentHash: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256'),
});
export type ReceiptData = z.infer<typeof ReceiptData>;

export interface ReceiptPdfOptions {
  /** Defaults to Debian's Noto Sans CJK SC (fonts-noto-cjk). */
  fonts?: { regular: FontFace; bold: FontFace };
  /** IANA time zone for the completion time; defaults to China Standard Time. */
  timeZone?: string;
}

/** Renders the receipt. Rejects with a ZodError for invalid data, before anything is drawn. */
export async function renderReceiptPdf(receipt: ReceiptData, options: ReceiptPdfOptions = {}): Promise<Uint8Array> {
  const data = ReceiptData.parse(receipt);
  const doc = await PDFDocument.create({ updateMetadata: false });
  setMetadata(doc, data);
  const faces = options.fonts ?? NOTO_SANS_CJK_SC;
  // One after the other: embedSubsetFont registers a fontkit per face. Fixed subset tags
  // instead of pdf-lib's random name suffix keep the output the same for the same data.
  const regular = await embedSubsetFont(doc, faces.regular, 'VTMAAA');
  const bold = await embedSubsetFont(doc, faces.bold, 'VTMAAB');
  const qr = await doc.embedPng(await qrPngDataUrl(data.verifyUrl));

  const page = doc.addPage(PageSizes.A5);
  const pen = new Pen(page, { regular, bold }, MARGIN);
  const headerBottom = drawHeader(pen);
  const fieldsBottom = drawFields(pen, headerBottom, fieldRows(data, options.timeZone ?? 'Asia/Shanghai'));
  const footerTop = drawFooter(pen);
  const verificationTop = drawVerification(pen, data, qr, footerTop);
  if (fieldsBottom < verificationTop + MIN_GAP) {
    throw new Error('renderReceiptPdf: the receipt content does not fit on one page');
  }
  return doc.save();
}

/** Re-exported for the receipt's own tests and callers. */
export { formatDateTime, wrapText } from './pdf-pen.ts';

// --- Layout -------------------------------------------------------------------------------

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A5;
const MARGIN = 34;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const LABEL_WIDTH = 112;
const VALUE_X = MARGIN + LABEL_WIDTH;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH;
const SECTION_GAP = 12;
/** The least space left between the field table and the verification panel. */
const MIN_GAP = 8;
const QR_SIZE = 84;

/** The accent bar and the title; returns the y of the rule under it. */
function drawHeader(pen: Pen): number {
  pen.page.drawRectangle({ x: 0, y: PAGE_HEIGHT - 8, width: PAGE_WIDTH, height: 8, color: ACCENT });
  let y = PAGE_HEIGHT - 30;
  y = pen.line('理财产品风险评估业务回执', MARGIN, y, { size: 17, bold: true });
  y = pen.line('Receipt: wealth product risk assessment', MARGIN, y - 1, { size: 10, color: MUTED });
  pen.rule(y - 6, ACCENT, 1);
  return y - 6;
}

/** A row of the field table: a bilingual label and one or two value lines. */
interface FieldRow {
  label: [zh: string, en: string];
  value: string;
  /** The value in English where it differs from `value`. */
  valueEn?: string;
  /** A further line, such as the product code. */
  detail?: string;
  small?: boolean;
}

function fieldRows(data: ReceiptData, timeZone: string): FieldRow[] {
  const level = CUSTOMER_LEVEL_NAMES[data.level];
  const risk = PRODUCT_RISK_NAMES[data.product.riskLevel];
  const completed = formatDateTime(data.completedAt, timeZone);
  return [
    { label: ['客户', 'Customer'], value: data.customerName },
    { label: ['风险承受能力', 'Risk tolerance'], value: `${data.level} ${level['zh-CN']}`, valueEn: `${data.level} ${level.en}` },
    {
      label: ['产品', 'Product'],
      value: data.product.name['zh-CN'],
      valueEn: data.product.name.en,
      detail: `${data.product.code}`,
    },
    {
      label: ['产品风险等级', 'Product risk'],
      value: `${data.product.riskLevel} ${risk['zh-CN']}`,
      valueEn: `${data.product.riskLevel} ${risk.en}`,
    },
    { label: ['风险揭示书版本', 'Disclosure version'], value: `第 ${data.disclosureVersion} 版`, valueEn: `Version ${data.disclosureVersion}` },
    { label: ['完成时间', 'Completed'], value: completed.dateTime, valueEn: completed.zone },
    { label: ['柜员编号', 'Teller ID'], value: data.tellerId },
    { label: ['设备', 'Kiosk'], value: data.kioskName },
    { label: ['业务编号', 'Session ID'], value: data.sessionId, small: true },
    { label: ['签署文件摘要', 'Signed document SHA-256'], value: groupHex(data.documentHash), small: true },
  ];
}

/** Draws the table from `top` down; returns the y of its bottom edge. */
function drawFields(pen: Pen, top: number, rows: FieldRow[]): number {
  let y = top - SECTION_GAP;
  for (const [i, row] of rows.entries()) {
    const labelBottom = pen.line(row.label[1], MARGIN, pen.line(row.label[0], MARGIN, y, { size: 9, bold: true }), {
      size: 7,
      color: MUTED,
    });
    const valueStyle: TextStyle = { size: row.small ? 8 : 10 };
    let valueBottom = pen.paragraph(row.value, VALUE_X, y, VALUE_WIDTH, valueStyle);
    if (row.valueEn) valueBottom = pen.paragraph(row.valueEn, VALUE_X, valueBottom, VALUE_WIDTH, { size: 8, color: MUTED });
    if (row.detail) valueBottom = pen.paragraph(row.detail, VALUE_X, valueBottom, VALUE_WIDTH, { size: 8 });
    y = Math.min(labelBottom, valueBottom) - 2;
    if (i < rows.length - 1) pen.rule(y);
    y -= 4;
  }
  return y;
}

/** The verification panel above the footer: QR code, the code, and how to use them. Returns its top. */
function drawVerification(pen: Pen, data: ReceiptData, qr: PDFImage, bottom: number): number {
  const padding = 10;
  const height = QR_SIZE + 2 * padding;
  const top = bottom + height;
  pen.page.drawRectangle({ x: MARGIN, y: bottom, width: CONTENT_WIDTH, height, color: PANEL });
  pen.page.drawImage(qr, { x: MARGIN + padding, y: bottom + padding, width: QR_SIZE, height: QR_SIZE });

  const x = MARGIN + 2 * padding + QR_SIZE;
  const width = PAGE_WIDTH - MARGIN - padding - x;
  let y = top - padding + 1;
  y = pen.line('验证码 Verification code', x, y, { size: 8, bold: true, color: MUTED });
  y = pen.line(data.verificationCode, x, y - 1, { size: 19, bold: true, spacing: 1.2 });
  y = pen.paragraph('扫描二维码，或向银行出示此验证码，即可核验本业务记录。', x, y, width, { size: 8 });
  pen.paragraph('Scan the QR code, or quote this code to the bank, to verify this record.', x, y, width, {
    size: 7,
    color: MUTED,
  });
  return top;
}

/** The risk warning every wealth-product document carries, at the foot of the page. Returns its top, with a gap above. */
function drawFooter(pen: Pen): number {
  let y = MARGIN + 30;
  const top = y;
  y = pen.centred('理财非存款、产品有风险、投资须谨慎', y, { size: 10, bold: true });
  y = pen.centred('Wealth management products are not deposits. They carry risk. Invest with care.', y, {
    size: 7,
    color: MUTED,
  });
  pen.centred('本回执由远程视频柜员机系统生成 · Issued by the video teller machine system', y - 2, {
    size: 6.5,
    color: MUTED,
  });
  return top + SECTION_GAP;
}

// --- Helpers ------------------------------------------------------------------------------

function setMetadata(doc: PDFDocument, data: ReceiptData): void {
  doc.setTitle(`业务回执 Receipt ${data.verificationCode}`);
  doc.setSubject('理财产品风险评估 Wealth product risk assessment');
  doc.setLanguage('zh-CN');
  doc.setProducer('VTM');
  doc.setCreator('VTM');
  doc.setCreationDate(data.completedAt);
  doc.setModificationDate(data.completedAt);
}

/** The QR code of the verification URL as a PNG data URL, 4 pixels per module. */
async function qrPngDataUrl(url: string): Promise<string> {
  // Level M survives a crease or smudge on paper; margin 0 because the panel gives the quiet zone.
  return QRCode.toDataURL(url, { type: 'image/png', errorCorrectionLevel: 'M', margin: 0, scale: 8 });
}

/** A SHA-256 hex as groups of eight, four to a line, so a person can compare it by eye. */
function groupHex(hex: string): string {
  const groups = hex.match(/.{1,8}/g) ?? [];
  return [groups.slice(0, 4).join(' '), groups.slice(4).join(' ')].join('\n');
}
