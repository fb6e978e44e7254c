/**
 * Pen strokes as the kiosk stores them: the raw evidence of a signature or a handwritten
 * acknowledgement, kept alongside the PNG and SVG renderings.
 *
 * Coordinates are CSS pixels from the pad's top-left corner; `t` is milliseconds since the
 * pad was shown or last cleared, so a reviewer can replay the writing at its own pace and see
 * hesitations. Nothing here touches the DOM: it runs (and is tested) in Node too.
 */
import type { PointGroup } from 'signature_pad';

export interface StrokePoint {
  x: number;
  y: number;
  /** Milliseconds since the pad started (shown or cleared). */
  t: number;
  /** 0..1 as the pointer reports it; mice and many touch screens report a constant 0.5 (or 0). */
  pressure: number;
}

/** One pen-down … pen-up. */
export type Stroke = StrokePoint[];

/** The pad's drawing area in CSS pixels: the frame the coordinates are in. */
export interface PadSize {
  width: number;
  height: number;
}

/**
 * signature_pad's point groups (`pad.toData()`) as strokes. `startedAt` is the `Date.now()`
 * of the pad's start, the clock signature_pad stamps its points with. Coordinates are
 * rounded to 0.01 px: finer than any touch screen resolves, and it keeps the JSON small.
 */
export function strokesFromPointGroups(groups: readonly Pick<PointGroup, 'points'>[], startedAt: number): Stroke[] {
  return groups
    .filter((group) => group.points.length > 0)
    .map((group) =>
      group.points.map((p) => ({
        x: round2(p.x),
        y: round2(p.y),
        t: Math.max(0, Math.round(p.time - startedAt)),
        pressure: Number.isFinite(p.pressure) ? round2(Math.min(1, Math.max(0, p.pressure))) : 0,
      })),
    );
}

// --- Measuring ink ------------------------------------------------------------------------

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  width: number;
  height: number;
}

/** The smallest rectangle holding every point, or null when there are none. */
export function inkBounds(strokes: readonly Stroke[]): Bounds | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const stroke of strokes) {
    for (const p of stroke) {
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x);
      maxY = Math.max(maxY, p.y);
    }
  }
  if (minX === Infinity) return null;
  return { minX, minY, maxX, maxY, width: maxX - minX, height: maxY - minY };
}

/** Length of the polyline through a stroke's points. */
export function strokeLength(stroke: Stroke): number {
  let length = 0;
  for (let i = 1; i < stroke.length; i++) {
    length += Math.hypot(stroke[i]!.x - stroke[i - 1]!.x, stroke[i]!.y - stroke[i - 1]!.y);
  }
  return length;
}

// --- Refusing trivial signatures ----------------------------------------------------------

/**
 * The least a signature must have. Sizes are CSS pixels (about 0.26 mm each on a kiosk
 * screen), chosen so that any real signature, even a small one, passes, while a tap, a dot, a
 * short tick or a single straight or gently curved line does not:
 * - `pathLength` 150 px of ink in all (≈ 4 cm);
 * - `largerSide` 60 px: the ink spans at least ≈ 1.5 cm one way;
 * - `smallerSide` 8 px: and is not a perfectly flat line the other way;
 * - `singleStrokeWinding` 1.5: a signature made of one stroke must be at least 1.5 times as
 *   long as its bounding box's larger side, i.e. it turns back on itself (cursive signatures
 *   and waves do; a straight line, ratio 1, or a gentle arc does not). Two or more strokes
 *   need not.
 */
export const SIGNATURE_MINIMUM = Object.freeze({
  pathLength: 150,
  largerSide: 60,
  smallerSide: 8,
  singleStrokeWinding: 1.5,
});
export type SignatureMinimum = typeof SIGNATURE_MINIMUM;

export type TrivialSignatureReason = 'empty' | 'too-short' | 'too-small' | 'too-flat' | 'single-simple-stroke';

/** Why a signature is too trivial to accept, or null when it is acceptable. */
export function trivialSignatureReason(
  strokes: readonly Stroke[],
  minimum: SignatureMinimum = SIGNATURE_MINIMUM,
): TrivialSignatureReason | null {
  const bounds = inkBounds(strokes);
  const pointCount = strokes.reduce((n, s) => n + s.length, 0);
  if (!bounds || pointCount < 2) return 'empty';
  const pathLength = strokes.reduce((sum, s) => sum + strokeLength(s), 0);
  if (pathLength < minimum.pathLength) return 'too-short';
  const larger = Math.max(bounds.width, bounds.height);
  if (larger < minimum.largerSide) return 'too-small';
  if (Math.min(bounds.width, bounds.height) < minimum.smallerSide) return 'too-flat';
  const drawn = strokes.filter((s) => s.length > 1);
  if (drawn.length === 1 && pathLength < minimum.singleStrokeWinding * larger) return 'single-simple-stroke';
  return null;
}

/** True when the signature is empty or too trivial to accept (see `SIGNATURE_MINIMUM`). */
export function isTriviallyShort(strokes: readonly Stroke[], minimum: SignatureMinimum = SIGNATURE_MINIMUM): boolean {
  return trivialSignatureReason(strokes, minimum) !== null;
}

// --- SVG ----------------------------------------------------------------------------------

export interface SvgOptions extends PadSize {
  /** Pen width in CSS pixels. */
  strokeWidth?: number;
  color?: string;
}

/**
 * The strokes as a standalone SVG document the size of the pad. Rendered from the raw points
 * alone (smoothed with quadratic curves through the midpoints, even pen width), so anyone
 * holding the stored strokes can reproduce it exactly.
 */
export function strokesToSvg(strokes: readonly Stroke[], options: SvgOptions): string {
  const { width, height, strokeWidth = 2.5, color = '#1b1b1f' } = options;
  const marks = strokes
    .filter((s) => s.length > 0)
    .map((s) =>
      s.length === 1
        ? `<circle cx="${num(s[0]!.x)}" cy="${num(s[0]!.y)}" r="${num(strokeWidth / 2)}" fill="${color}"/>`
        : `<path d="${smoothPath(s)}"/>`,
    );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">` +
    `<g fill="none" stroke="${color}" stroke-width="${num(strokeWidth)}" stroke-linecap="round" stroke-linejoin="round">` +
    marks.join('') +
    '</g></svg>'
  );
}

/** Path data through a stroke's points: each point is the control point of a curve ending halfway to the next. */
export function smoothPath(stroke: Stroke): string {
  const first = stroke[0]!;
  let d = `M${num(first.x)} ${num(first.y)}`;
  for (let i = 1; i < stroke.length - 1; i++) {
    const p = stroke[i]!;
    const next = stroke[i + 1]!;
    d += `Q${num(p.x)} ${num(p.y)} ${num((p.x + next.x) / 2)} ${num((p.y + next.y) / 2)}`;
  }
  const last = stroke[stroke.length - 1]!;
  return `${d}L${num(last.x)} ${num(last.y)}`;
}

// --- The handwriting grid -----------------------------------------------------------------

/**
 * The writing grid of the handwritten acknowledgement: square cells, one per character of
 * the sentence (punctuation included, as on Chinese grid paper), filled row by row from the
 * top-left, in the pad's coordinates.
 */
export interface HandwritingGrid {
  columns: number;
  rows: number;
  /** Cell side in CSS pixels. */
  cellSize: number;
}

export interface GridLimits {
  /** Smallest cell still comfortable to write a character in with a finger. */
  minCell: number;
  /** Cells larger than this waste the screen and invite sprawling writing. */
  maxCell: number;
}

export const GRID_LIMITS: Readonly<GridLimits> = Object.freeze({ minCell: 88, maxCell: 132 });

/**
 * The grid for `cellCount` characters in `availableWidth` pixels: as many columns as fit at
 * the smallest comfortable cell (never more than there are characters), rows balanced so the
 * last one is not a lonely stub, and cells as large as the width then allows.
 */
export function gridFor(cellCount: number, availableWidth: number, limits: GridLimits = GRID_LIMITS): HandwritingGrid {
  if (!Number.isInteger(cellCount) || cellCount < 1) throw new RangeError(`gridFor: ${cellCount} cells`);
  const fitting = Math.max(1, Math.floor(availableWidth / limits.minCell));
  const rows = Math.ceil(cellCount / Math.min(fitting, cellCount));
  const columns = Math.ceil(cellCount / rows);
  const cellSize = Math.max(limits.minCell, Math.min(limits.maxCell, Math.floor(availableWidth / columns)));
  return { columns, rows, cellSize };
}

export function gridSize(grid: HandwritingGrid): PadSize {
  return { width: grid.columns * grid.cellSize, height: grid.rows * grid.cellSize };
}

/** The cell a stroke belongs to: the one holding the centre of its bounding box (clamped to the grid). */
export function cellOfStroke(stroke: Stroke, grid: HandwritingGrid): { row: number; column: number } | null {
  const bounds = inkBounds([stroke]);
  if (!bounds) return null;
  const clamp = (v: number, max: number) => Math.min(max - 1, Math.max(0, v));
  return {
    row: clamp(Math.floor((bounds.minY + bounds.height / 2) / grid.cellSize), grid.rows),
    column: clamp(Math.floor((bounds.minX + bounds.width / 2) / grid.cellSize), grid.columns),
  };
}

/** How many cells have at least one stroke centred in them. */
export function inkedCellCount(strokes: readonly Stroke[], grid: HandwritingGrid): number {
  const cells = new Set<number>();
  for (const stroke of strokes) {
    const cell = cellOfStroke(stroke, grid);
    if (cell) cells.add(cell.row * grid.columns + cell.column);
  }
  return cells.size;
}

/** Share of the sentence's cells that must hold writing before the acknowledgement is accepted for checking. */
export const HANDWRITING_MIN_CELL_SHARE = 0.6;

/**
 * Why a handwritten acknowledgement cannot be sent yet, or null. 'incomplete' when fewer than
 * 60% of the `cellCount` cells hold writing: the customer has clearly not copied the sentence
 * (a skipped comma or two is fine). Whether the writing says the right thing is for OCR and
 * the teller to judge, not this check.
 */
export function handwritingShortfall(
  strokes: readonly Stroke[],
  grid: HandwritingGrid,
  cellCount: number,
): 'empty' | 'incomplete' | null {
  if (strokes.every((s) => s.length === 0)) return 'empty';
  return inkedCellCount(strokes, grid) < Math.ceil(HANDWRITING_MIN_CELL_SHARE * cellCount) ? 'incomplete' : null;
}

/**
 * The writing of a multi-row grid laid out as one line, row after row, in a frame
 * `columns × rows` cells wide and one cell high. Tesseract reads a single line (PSM 7) far more
 * reliably than a block of hand-drawn rows whose baselines wander.
 */
export function lineUpGridRows(strokes: readonly Stroke[], grid: HandwritingGrid): Stroke[] {
  const rowWidth = grid.columns * grid.cellSize;
  return strokes
    .filter((s) => s.length > 0)
    .map((stroke) => {
      const row = cellOfStroke(stroke, grid)!.row;
      const dx = row * rowWidth;
      const dy = -row * grid.cellSize;
      return stroke.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy }));
    });
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** A coordinate for SVG: at most two decimals, no trailing zeros. */
function num(v: number): string {
  return String(round2(v));
}
