/**
 * Which document this is, and whether it lies upside down, from its layout alone: the
 * format (ID-1 card or TD3 page) follows from the aspect ratio; within a format each kind
 * and orientation is scored by how much ink lies where that kind prints something and how
 * little where it is blank (`LAYOUT_SIGNATURES`). Cheap (no OCR), and the reader confirms
 * the guess with the fields' own checks, trying the next hypothesis when they fail.
 */
import { DOCUMENT_KINDS, FORMAT_OF, LAYOUT_SIGNATURES, rotateRelative180, type DocumentFormat, type DocumentKind, type RelativeRect } from './layout.ts';
import type { InkMask } from './text-lines.ts';

export interface KindHypothesis {
  kind: DocumentKind;
  /** True when the document lies upside down in the normalised image. */
  upsideDown: boolean;
  /** Mean ink density where the kind prints minus where it is blank (higher is better). */
  score: number;
}

/** Every kind of the format in both orientations, best first. */
export function classifyLayout(mask: InkMask, format: DocumentFormat): KindHypothesis[] {
  const hypotheses: KindHypothesis[] = [];
  for (const kind of DOCUMENT_KINDS) {
    if (FORMAT_OF[kind] !== format) continue;
    for (const upsideDown of [false, true]) {
      const signature = LAYOUT_SIGNATURES[kind];
      const turn = (rect: RelativeRect) => (upsideDown ? rotateRelative180(rect) : rect);
      const ink = mean(signature.ink.map((rect) => inkDensity(mask, turn(rect))));
      const blank = mean(signature.blank.map((rect) => inkDensity(mask, turn(rect))));
      hypotheses.push({ kind, upsideDown, score: ink - blank });
    }
  }
  return hypotheses.sort((a, b) => b.score - a.score);
}

/** Share of ink pixels inside a relative rectangle of the mask. */
export function inkDensity(mask: InkMask, rect: RelativeRect): number {
  const x0 = Math.max(0, Math.floor(rect.x0 * mask.width));
  const x1 = Math.min(mask.width, Math.ceil(rect.x1 * mask.width));
  const y0 = Math.max(0, Math.floor(rect.y0 * mask.height));
  const y1 = Math.min(mask.height, Math.ceil(rect.y1 * mask.height));
  if (x1 <= x0 || y1 <= y0) return 0;
  let ink = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * mask.width;
    for (let x = x0; x < x1; x++) ink += mask.data[row + x] as number;
  }
  return ink / ((x1 - x0) * (y1 - y0));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}
