/**
 * Drawing text top-down with pdf-lib, shared by the PDFs the server writes (the customer's
 * receipt, the compliance review report): a pen bound to one page, line breaking for mixed
 * Chinese and English, the house colours and the date format.
 */
import { type PDFFont, type PDFPage, rgb, setCharacterSpacing } from 'pdf-lib';

export const INK = rgb(0.106, 0.106, 0.122);
export const MUTED = rgb(0.36, 0.38, 0.42);
export const RULE = rgb(0.82, 0.84, 0.88);
export const ACCENT = rgb(0.776, 0.157, 0.157);
export const PANEL = rgb(0.957, 0.965, 0.98);

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

export interface TextStyle {
  size: number;
  bold?: boolean;
  color?: ReturnType<typeof rgb>;
  /** Extra space between characters, in points (for the verification code). */
  spacing?: number;
}

/** How wide a text is at a size, in points. */
export type Measure = (font: PDFFont, text: string, size: number) => number;

/** Exact: lays the text out as it will be drawn (kerning, ligatures); slow on long text. */
const shapedWidth: Measure = (font, text, size) => font.widthOfTextAtSize(text, size);

/**
 * Fast: the sum of each character's advance, remembered per font. Line breaking measures
 * every candidate line, and shaping each one costs seconds over a long document; without
 * kerning a line may come out a fraction of a point off, which a margin absorbs.
 */
export function characterAdvances(): Measure {
  const advances = new Map<PDFFont, Map<string, number>>();
  return (font, text, size) => {
    let known = advances.get(font);
    if (!known) advances.set(font, (known = new Map()));
    let width = 0;
    for (const char of text) {
      let advance = known.get(char);
      if (advance === undefined) known.set(char, (advance = font.widthOfTextAtSize(char, 1)));
      width += advance;
    }
    return width * size;
  };
}

/** Draws text by its top edge (PDF draws by baseline, from the bottom): layout reads top-down. */
export class Pen {
  constructor(
    readonly page: PDFPage,
    readonly fonts: Fonts,
    /** Left and right margin: where rules start and end. */
    readonly margin: number,
    readonly measure: Measure = shapedWidth,
  ) {}

  font(style: TextStyle): PDFFont {
    return style.bold ? this.fonts.bold : this.fonts.regular;
  }

  lineHeight(style: TextStyle): number {
    return style.size * 1.3;
  }

  width(text: string, style: TextStyle): number {
    const spacing = (style.spacing ?? 0) * Math.max(0, Array.from(text).length - 1);
    return this.measure(this.font(style), text, style.size) + spacing;
  }

  /** One line whose top is at `top`; returns the top of the next line. */
  line(text: string, x: number, top: number, style: TextStyle): number {
    const baseline = top - style.size * 1.1;
    const options = { x, y: baseline, size: style.size, font: this.font(style), color: style.color ?? INK };
    // pdf-lib's drawText has no letter-spacing option; the PDF text state (Tc) does.
    if (style.spacing) this.page.pushOperators(setCharacterSpacing(style.spacing));
    this.page.drawText(text, options);
    if (style.spacing) this.page.pushOperators(setCharacterSpacing(0));
    return top - this.lineHeight(style);
  }

  /** The lines `text` takes at `maxWidth`, also breaking at each newline. */
  lines(text: string, maxWidth: number, style: TextStyle): string[] {
    return text.split('\n').flatMap((part) => wrapText(part, maxWidth, (s) => this.width(s, style)));
  }

  /** `text` wrapped to `maxWidth`, also breaking at each newline; returns the top of the next line. */
  paragraph(text: string, x: number, top: number, maxWidth: number, style: TextStyle): number {
    let y = top;
    for (const line of this.lines(text, maxWidth, style)) y = this.line(line, x, y, style);
    return y;
  }

  centred(text: string, top: number, style: TextStyle): number {
    return this.line(text, (this.page.getWidth() - this.width(text, style)) / 2, top, style);
  }

  rule(y: number, color = RULE, thickness = 0.6): void {
    this.page.drawLine({ start: { x: this.margin, y }, end: { x: this.page.getWidth() - this.margin, y }, thickness, color });
  }
}

/** "2025-06-01 14:03:22" and "GMT+08:00" in `timeZone`. */
export function formatDateTime(date: Date, timeZone: string): { dateTime: string; zone: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    dateTime: `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`,
    zone: part('timeZoneName') === 'GMT' ? 'GMT+00:00' : part('timeZoneName'),
  };
}

const CJK = /[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/u;

/**
 * Greedy line breaking for mixed Chinese and English: a line may break after any Chinese
 * character or at a space; a run without either (a long code or URL) breaks where it must.
 */
export function wrapText(text: string, maxWidth: number, widthOf: (s: string) => number): string[] {
  const tokens = text.match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]|\s+|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]+/gu) ?? [];
  const lines: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) lines.push(current.trim());
    current = '';
  };
  for (const token of tokens) {
    if (widthOf(current + token) <= maxWidth) {
      current += token;
      continue;
    }
    if (/^\s+$/.test(token)) {
      push();
      continue;
    }
    if (!CJK.test(token) && widthOf(token) > maxWidth) {
      // Too long for any line: fill this one and carry on character by character.
      for (const char of token) {
        if (widthOf(current + char) > maxWidth) push();
        current += char;
      }
      continue;
    }
    push();
    current = token;
  }
  push();
  return lines;
}
