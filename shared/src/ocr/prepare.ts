/**
 * From a camera frame (or a scan) to an upright, normalised document image: find the
 * document, undo perspective and rotation by mapping its corners onto the normalised
 * rectangle, level any remaining skew from the text lines, and guess the kind and
 * orientation from the layout.
 */
import { classifyLayout, type KindHypothesis } from './classify.ts';
import { deskew } from './deskew.ts';
import { aspectRatio, locateDocument, type DocumentLocation } from './detect-document.ts';
import { warpQuad, type Quad } from './geometry.ts';
import { inkMask, rotate180Gray, toGray, type GrayImage, type RgbaImage } from './image.ts';
import { FORMAT_OF, formatOfAspect, NORMALISED_SIZE, type DocumentFormat, type DocumentKind } from './layout.ts';
import type { InkMask } from './text-lines.ts';

export interface PreparedDocument {
  format: DocumentFormat;
  /** The document upright (as found; see `hypotheses` for upside down) at its normalised size, grey. */
  image: GrayImage;
  /** Print in `image` (1 = ink). */
  mask: InkMask;
  /** Where the document was found in the input, or null when nothing stood out (the whole image was used). */
  location: DocumentLocation | null;
  /** Residual skew removed after normalising, degrees. */
  skewDegrees: number;
  /** Kinds of this format in both orientations, best layout match first. */
  hypotheses: KindHypothesis[];
}

export interface PrepareOptions {
  /** Known kind (skips format detection; orientation is still detected). */
  kind?: DocumentKind;
}

export function prepareDocument(input: RgbaImage | GrayImage, opts: PrepareOptions = {}): PreparedDocument {
  const gray = isRgba(input) ? toGray(input) : input;
  const location = locateDocument(gray);
  const quad = location?.quad ?? wholeImage(gray);
  const format = opts.kind !== undefined ? FORMAT_OF[opts.kind] : formatOfAspect(location ? aspectRatio(location) : longOverShort(gray));
  const size = NORMALISED_SIZE[format];
  const warped = warpQuad(gray, quad, size.width, size.height);
  // Scans and cropped pictures were never squared by their edges: allow them more skew.
  const maxDegrees = location === null || location.fillsFrame ? 8 : 3;
  const levelled = deskew(warped, { maxDegrees, minDegrees: 0.15 });
  const mask = maskOf(levelled.image);
  let hypotheses = classifyLayout(mask, format);
  if (opts.kind !== undefined) hypotheses = hypotheses.filter((h) => h.kind === opts.kind);
  return { format, image: levelled.image, mask, location, skewDegrees: levelled.angle, hypotheses };
}

/** The document and its mask turned half a turn. */
export function turnedHalf(doc: { image: GrayImage; mask: InkMask }): { image: GrayImage; mask: InkMask } {
  return {
    image: rotate180Gray(doc.image),
    mask: { width: doc.mask.width, height: doc.mask.height, data: doc.mask.data.slice().reverse() },
  };
}

function maskOf(image: GrayImage): InkMask {
  return { width: image.width, height: image.height, data: inkMask(image, { radius: 15 }) };
}

function isRgba(image: RgbaImage | GrayImage): image is RgbaImage {
  return image.data.length === image.width * image.height * 4;
}

function longOverShort(image: GrayImage): number {
  return Math.max(image.width, image.height) / Math.min(image.width, image.height);
}

/** The image's own corners, long side as width (a portrait image is read turned a quarter). */
function wholeImage(image: GrayImage): Quad {
  const tl = { x: 0, y: 0 };
  const tr = { x: image.width, y: 0 };
  const br = { x: image.width, y: image.height };
  const bl = { x: 0, y: image.height };
  return image.width >= image.height ? [tl, tr, br, bl] : [bl, tl, tr, br];
}
