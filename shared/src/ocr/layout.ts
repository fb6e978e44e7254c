/**
 * Where things are on each kind of document, once it is normalised to a fixed upright size
 * (about 300 dpi): the resident ID card (ISO/IEC 7810 ID-1, 85.6 × 54 mm) at 1012 × 638 px
 * and the passport data page (ICAO 9303 TD3, 125 × 88 mm) at 1478 × 1040 px.
 *
 * Field regions are deliberately generous (a card found a few pixels off, a name longer
 * than usual); the print inside each is then located by its ink (see `text-lines.ts`).
 * Layout rectangles describe where print and empty space are expected, to tell a card's
 * front from its back and either from the same upside down.
 */
import type { Rect } from './image.ts';

export const DOCUMENT_KINDS = ['cn-resident-id-front', 'cn-resident-id-back', 'passport-td3'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The two physical formats: ID-1 cards (both sides of the resident ID) and TD3 passport pages. */
export type DocumentFormat = 'id-1' | 'td3';

export const FORMAT_OF: Record<DocumentKind, DocumentFormat> = {
  'cn-resident-id-front': 'id-1',
  'cn-resident-id-back': 'id-1',
  'passport-td3': 'td3',
};

/** Normalised size of each format, px. */
export const NORMALISED_SIZE: Record<DocumentFormat, { width: number; height: number }> = {
  'id-1': { width: 1012, height: 638 },
  td3: { width: 1478, height: 1040 },
};

/** Long side over short side: ID-1 85.6/54 ≈ 1.585, TD3 125/88 ≈ 1.420. */
export const ASPECT_RATIO: Record<DocumentFormat, number> = { 'id-1': 85.6 / 54, td3: 125 / 88 };

/** The aspect ratio halfway (geometrically) between the two formats. */
export const FORMAT_ASPECT_SPLIT = Math.sqrt(ASPECT_RATIO['id-1'] * ASPECT_RATIO.td3);

export function formatOfAspect(ratio: number): DocumentFormat {
  return ratio >= FORMAT_ASPECT_SPLIT ? 'id-1' : 'td3';
}

/** How a field's print is laid out inside its region. */
export interface FieldRegion {
  rect: Rect;
  /** Expected height of one printed line (cap height to descender, px): bands far from it are not this field. */
  lineHeight: number;
  /** Most lines the field can take (address: 3). */
  maxLines: number;
}

/** Fields of the front, normalised card coordinates. Labels (姓名, 性别, …) lie outside the value regions. */
export const FRONT_REGIONS = {
  name: { rect: { x: 176, y: 44, width: 448, height: 82 }, lineHeight: 40, maxLines: 1 },
  sex: { rect: { x: 176, y: 128, width: 124, height: 72 }, lineHeight: 34, maxLines: 1 },
  ethnicity: { rect: { x: 404, y: 128, width: 220, height: 72 }, lineHeight: 34, maxLines: 1 },
  // The birth date prints its numbers in fixed boxes between the labels 年, 月 and 日.
  birthYear: { rect: { x: 180, y: 206, width: 86, height: 74 }, lineHeight: 34, maxLines: 1 },
  birthMonth: { rect: { x: 300, y: 206, width: 54, height: 74 }, lineHeight: 34, maxLines: 1 },
  birthDay: { rect: { x: 388, y: 206, width: 54, height: 74 }, lineHeight: 34, maxLines: 1 },
  address: { rect: { x: 176, y: 284, width: 420, height: 182 }, lineHeight: 34, maxLines: 3 },
  idNumber: { rect: { x: 296, y: 498, width: 700, height: 112 }, lineHeight: 40, maxLines: 1 },
} as const satisfies Record<string, FieldRegion>;

export const BACK_REGIONS = {
  issuingAuthority: { rect: { x: 378, y: 434, width: 624, height: 74 }, lineHeight: 34, maxLines: 1 },
  validity: { rect: { x: 378, y: 510, width: 624, height: 80 }, lineHeight: 34, maxLines: 1 },
} as const satisfies Record<string, FieldRegion>;

/**
 * The machine-readable zone: two OCR-B lines in the clear band at the bottom of the page.
 * The visual zone's passport number, surname and given names (layout of the Chinese
 * passport, which most foreign TD3 pages follow closely) are read as a cross-check of the
 * MRZ where its check digits are blind (G and 6 weigh the same) or absent (names).
 */
export const PASSPORT_REGIONS = {
  mrz: { rect: { x: 24, y: 836, width: 1430, height: 190 }, lineHeight: 30, maxLines: 2 },
  vizDocumentNumber: { rect: { x: 946, y: 166, width: 520, height: 62 }, lineHeight: 24, maxLines: 1 },
  vizSurname: { rect: { x: 448, y: 252, width: 760, height: 62 }, lineHeight: 24, maxLines: 1 },
  vizGivenNames: { rect: { x: 448, y: 338, width: 760, height: 62 }, lineHeight: 24, maxLines: 1 },
} as const satisfies Record<string, FieldRegion>;

/** A rectangle in units of the document's width and height (0–1). */
export interface RelativeRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Where a kind has print (labels, values, portrait, emblem, title) and where it is blank. */
export interface LayoutSignature {
  ink: readonly RelativeRect[];
  blank: readonly RelativeRect[];
}

const r = (x0: number, y0: number, x1: number, y1: number): RelativeRect => ({ x0, y0, x1, y1 });

export const LAYOUT_SIGNATURES: Record<DocumentKind, LayoutSignature> = {
  'cn-resident-id-front': {
    // The 18-digit number is the densest print on either side of the card, in a band of
    // its own near the bottom edge; turned half a turn, that band holds the sparse name row.
    ink: [r(0.34, 0.835, 0.91, 0.895)],
    blank: [r(0.3, 0.755, 0.95, 0.815), r(0.3, 0.915, 0.95, 0.97), r(0.08, 0.71, 0.58, 0.8)],
  },
  'cn-resident-id-back': {
    // 中华人民共和国, 居民身份证, and the starts of the issuing authority and validity values,
    // with nothing between the title and the fields.
    ink: [r(0.32, 0.125, 0.97, 0.19), r(0.3, 0.25, 0.98, 0.39), r(0.39, 0.72, 0.6, 0.78), r(0.39, 0.835, 0.6, 0.89)],
    blank: [r(0.22, 0.43, 0.95, 0.66), r(0.02, 0.45, 0.2, 0.95)],
  },
  'passport-td3': {
    // The MRZ's two full-width lines, the clear band above them and the bottom margin.
    ink: [r(0.05, 0.835, 0.94, 0.885), r(0.05, 0.905, 0.94, 0.955)],
    blank: [r(0.04, 0.765, 0.95, 0.815), r(0.04, 0.965, 0.95, 0.995)],
  },
};

/** The same rectangle on the document turned half a turn. */
export function rotateRelative180(rect: RelativeRect): RelativeRect {
  return { x0: 1 - rect.x1, y0: 1 - rect.y1, x1: 1 - rect.x0, y1: 1 - rect.y0 };
}
