/**
 * Small synthetic scenes for the unit tests of the image pipeline: a light document with
 * print-like bars, placed on a dark background under a projective transform.
 */
import { homography, type Quad } from './geometry.ts';
import { grayImage, type GrayImage } from './image.ts';

export interface SyntheticDocument {
  width: number;
  height: number;
  /** Dark rectangles (print) on the light document, document coordinates. */
  bars: readonly { x: number; y: number; width: number; height: number }[];
}

/**
 * Renders `doc` into a `width`×`height` frame so that its corners land on `quad` (by
 * inverse mapping with 2×2 supersampling). Background 40, document 225, bars 30.
 */
export function renderScene(doc: SyntheticDocument, quad: Quad, width: number, height: number): GrayImage {
  const rect: Quad = [
    { x: 0, y: 0 },
    { x: doc.width, y: 0 },
    { x: doc.width, y: doc.height },
    { x: 0, y: doc.height },
  ];
  const m = homography(quad, rect);
  if (m === null) throw new Error('degenerate quad');
  const out = grayImage(width, height);
  const valueAt = (u: number, v: number) => {
    if (u < 0 || v < 0 || u >= doc.width || v >= doc.height) return 40;
    for (const b of doc.bars) if (u >= b.x && u < b.x + b.width && v >= b.y && v < b.y + b.height) return 30;
    return 225;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (const [dx, dy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
        const px = x + dx;
        const py = y + dy;
        const w = m[6] * px + m[7] * py + m[8];
        sum += valueAt((m[0] * px + m[1] * py + m[2]) / w, (m[3] * px + m[4] * py + m[5]) / w);
      }
      out.data[y * width + x] = sum / 4;
    }
  }
  return out;
}

/** Rows of word-like bars, as print on a page: `lines` rows of `words` bars each. */
export function textLikeBars(
  width: number,
  height: number,
  opts: { lines?: number; words?: number; lineHeight?: number; top?: number } = {},
): SyntheticDocument['bars'] {
  const lines = opts.lines ?? 6;
  const words = opts.words ?? 8;
  const lineHeight = opts.lineHeight ?? 14;
  const top = opts.top ?? height * 0.12;
  const pitch = (height * 0.8) / lines;
  const bars: { x: number; y: number; width: number; height: number }[] = [];
  for (let l = 0; l < lines; l++) {
    let x = width * 0.08;
    for (let w = 0; w < words; w++) {
      const wordWidth = 20 + ((l * 7 + w * 13) % 5) * 8;
      if (x + wordWidth > width * 0.92) break;
      bars.push({ x, y: top + l * pitch, width: wordWidth, height: lineHeight });
      x += wordWidth + 12;
    }
  }
  return bars;
}
