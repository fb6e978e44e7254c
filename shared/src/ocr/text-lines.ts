/**
 * Locating printed lines inside a field's region from an ink mask: rows with ink form
 * bands, bands of a plausible height are lines, and each line's horizontal extent is where
 * its ink is (isolated specks of noise dropped). The recogniser then gets a tight crop of
 * each line with a little margin, which is what tesseract's single-line mode reads best.
 */
import { clampRect, type Rect } from './image.ts';
import type { FieldRegion } from './layout.ts';

/** An ink mask (1 = ink) and its size, as `inkMask` returns for an image. */
export interface InkMask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface LineBox extends Rect {
  /** Ink pixels in the line. */
  ink: number;
}

/**
 * Lines of print inside `region` of the mask, top to bottom: at most `maxLines`, the ones
 * with most ink; each no shorter than a third of `lineHeight` and no taller than three
 * times it. Returned boxes are tight around the ink.
 */
export function findTextLines(mask: InkMask, region: FieldRegion): LineBox[] {
  const rect = clampRect(region.rect, mask.width, mask.height);
  if (rect.width === 0 || rect.height === 0) return [];
  const { lineHeight, maxLines } = region;
  const rows = new Float64Array(rect.height);
  for (let y = 0; y < rect.height; y++) {
    let count = 0;
    const row = (rect.y + y) * mask.width + rect.x;
    for (let x = 0; x < rect.width; x++) count += mask.data[row + x] as number;
    rows[y] = count;
  }
  // A row belongs to a band when it has more than a trickle of ink (noise, a dotted rule).
  const minRowInk = Math.max(2, Math.min(6, rect.width * 0.004));
  const bands = runs(Array.from(rows, (c) => c >= minRowInk), Math.max(2, Math.round(lineHeight * 0.15)));
  const lines: LineBox[] = [];
  for (const [y0, y1] of bands) {
    const height = y1 - y0;
    if (height < lineHeight / 3) continue;
    if (height > lineHeight * 3) {
      // Two lines run together (tight leading): split at the emptiest row near the middle.
      const parts = splitTall(rows, y0, y1, lineHeight);
      for (const [a, b] of parts) {
        const box = horizontalExtent(mask, rect, a, b, lineHeight);
        if (box) lines.push(box);
      }
      continue;
    }
    const box = horizontalExtent(mask, rect, y0, y1, lineHeight);
    if (box) lines.push(box);
  }
  const kept = lines
    .filter((l) => l.ink >= lineHeight * 2)
    .sort((a, b) => b.ink - a.ink)
    .slice(0, maxLines)
    .sort((a, b) => a.y - b.y);
  return kept;
}

/** Runs of true values, joining runs separated by gaps up to `maxGap`, as [start, end) pairs. */
export function runs(flags: readonly boolean[], maxGap: number): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  let lastTrue = -1;
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    if (start >= 0 && i - lastTrue - 1 > maxGap) {
      out.push([start, lastTrue + 1]);
      start = i;
    } else if (start < 0) {
      start = i;
    }
    lastTrue = i;
  }
  if (start >= 0) out.push([start, lastTrue + 1]);
  return out;
}

function splitTall(rows: Float64Array, y0: number, y1: number, lineHeight: number): [number, number][] {
  const count = Math.max(2, Math.round((y1 - y0) / (lineHeight * 1.3)));
  const parts: [number, number][] = [];
  let start = y0;
  for (let k = 1; k < count; k++) {
    const target = y0 + ((y1 - y0) * k) / count;
    let best = Math.round(target);
    for (let y = Math.round(target - lineHeight / 2); y <= Math.round(target + lineHeight / 2); y++) {
      if (y > start && y < y1 && (rows[y] as number) < (rows[best] as number)) best = y;
    }
    parts.push([start, best]);
    start = best;
  }
  parts.push([start, y1]);
  return parts;
}

/** The line's ink from its first to its last substantial cluster of columns. */
function horizontalExtent(mask: InkMask, rect: Rect, y0: number, y1: number, lineHeight: number): LineBox | null {
  const cols = new Float64Array(rect.width);
  let ink = 0;
  for (let y = y0; y < y1; y++) {
    const row = (rect.y + y) * mask.width + rect.x;
    for (let x = 0; x < rect.width; x++) {
      const v = mask.data[row + x] as number;
      cols[x]! += v;
      ink += v;
    }
  }
  const clusters = runs(Array.from(cols, (c) => c > 0), Math.round(lineHeight * 1.2)).filter(([a, b]) => {
    let sum = 0;
    for (let x = a; x < b; x++) sum += cols[x] as number;
    return sum >= lineHeight * 0.6;
  });
  if (clusters.length === 0) return null;
  const x0 = (clusters[0] as [number, number])[0];
  const x1 = (clusters.at(-1) as [number, number])[1];
  // Tighten vertically to the rows that have ink within the chosen columns.
  let top = y1;
  let bottom = y0;
  let kept = 0;
  for (let y = y0; y < y1; y++) {
    const row = (rect.y + y) * mask.width + rect.x;
    let count = 0;
    for (let x = x0; x < x1; x++) count += mask.data[row + x] as number;
    if (count > 0) {
      top = Math.min(top, y);
      bottom = Math.max(bottom, y + 1);
      kept += count;
    }
  }
  if (bottom <= top) return null;
  return { x: rect.x + x0, y: rect.y + top, width: x1 - x0, height: bottom - top, ink: kept };
}

/** A line box grown by a margin proportional to its height (tesseract wants some background around text). */
export function withMargin(box: Rect, margin: number, bounds: { width: number; height: number }): Rect {
  return clampRect({ x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin }, bounds.width, bounds.height);
}
