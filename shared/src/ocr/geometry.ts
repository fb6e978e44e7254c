/**
 * Plane geometry for putting a photographed document square: robust line fits to its
 * edges, their corners, and the projective map (homography) from the document's corners
 * in the photo to an upright rectangle.
 */
import type { GrayImage } from './image.ts';

export interface Point {
  x: number;
  y: number;
}

/** Corners of a document in an image: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

/** A line a·x + b·y = c with a² + b² = 1. */
export interface Line {
  a: number;
  b: number;
  c: number;
}

/**
 * Least-squares line through points, refitted without points farther than 2.5 median
 * absolute deviations (at least `minTolerance` px): a notch, a finger or a rounded corner
 * on an edge does not pull the line. Total least squares, so any direction works.
 */
export function fitLine(points: readonly Point[], minTolerance = 1.5): Line | null {
  let current = points.slice();
  let line: Line | null = null;
  for (let pass = 0; pass < 3; pass++) {
    if (current.length < 2) return line;
    line = totalLeastSquares(current);
    if (line === null) return null;
    const fitted: Line = line;
    const distances = current.map((p) => Math.abs(fitted.a * p.x + fitted.b * p.y - fitted.c));
    const mad = median(distances);
    const tolerance = Math.max(minTolerance, 2.5 * mad);
    const kept = current.filter((_, i) => (distances[i] as number) <= tolerance);
    if (kept.length === current.length) break;
    current = kept;
  }
  return line;
}

function totalLeastSquares(points: readonly Point[]): Line | null {
  const n = points.length;
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x;
    my += p.y;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of points) {
    const dx = p.x - mx;
    const dy = p.y - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx + syy === 0) return null;
  // Direction of largest spread; the normal is perpendicular to it.
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const a = -Math.sin(theta);
  const b = Math.cos(theta);
  return { a, b, c: a * mx + b * my };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Where two lines cross, or null when they are (nearly) parallel. */
export function intersect(p: Line, q: Line): Point | null {
  const det = p.a * q.b - p.b * q.a;
  if (Math.abs(det) < 1e-9) return null;
  return { x: (p.c * q.b - p.b * q.c) / det, y: (p.a * q.c - p.c * q.a) / det };
}

export function distance(p: Point, q: Point): number {
  return Math.hypot(p.x - q.x, p.y - q.y);
}

/** Mean lengths of the quad's horizontal (top, bottom) and vertical (left, right) sides. */
export function quadSize(quad: Quad): { width: number; height: number } {
  const [tl, tr, br, bl] = quad;
  return { width: (distance(tl, tr) + distance(bl, br)) / 2, height: (distance(tl, bl) + distance(tr, br)) / 2 };
}

/** Angle of the quad's top and bottom edges to the horizontal, degrees (positive = clockwise on screen). */
export function quadAngle(quad: Quad): number {
  const [tl, tr, br, bl] = quad;
  const top = Math.atan2(tr.y - tl.y, tr.x - tl.x);
  const bottom = Math.atan2(br.y - bl.y, br.x - bl.x);
  return (((top + bottom) / 2) * 180) / Math.PI;
}

/** A 3×3 matrix, row-major. */
export type Matrix3 = readonly [number, number, number, number, number, number, number, number, number];

/**
 * The homography taking `from[i]` to `to[i]` (four point pairs, no three collinear), by
 * solving the 8×8 linear system with partial pivoting. Null when degenerate.
 */
export function homography(from: Quad, to: Quad): Matrix3 | null {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i] as Point;
    const { x: u, y: v } = to[i] as Point;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const h = solveLinear(a, b);
  if (h === null || h.some((v) => !Number.isFinite(v))) return null;
  const m: Matrix3 = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
  const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  // A singular map squashes the plane onto a line: the points were degenerate.
  return Math.abs(det) < 1e-12 ? null : m;
}

export function applyHomography(m: Matrix3, p: Point): Point {
  const w = m[6] * p.x + m[7] * p.y + m[8];
  return { x: (m[0] * p.x + m[1] * p.y + m[2]) / w, y: (m[3] * p.x + m[4] * p.y + m[5]) / w };
}

function solveLinear(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const pr = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = m[r]!;
      const f = row[col]! / pr[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c] = row[c]! - f * pr[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * The part of `image` inside `quad`, mapped onto an upright `width`×`height` image
 * (bilinear). Corners are continuous coordinates (a pixel spans [x, x+1)). When the
 * document is much larger in the photo than the output, the photo is first shrunk by
 * averaging so fine print is not aliased.
 */
export function warpQuad(image: GrayImage, quad: Quad, width: number, height: number): GrayImage {
  const size = quadSize(quad);
  const factor = Math.floor(Math.min(size.width / width, size.height / height));
  if (factor >= 2) {
    const small = shrinkInteger(image, factor);
    const scaled = quad.map((p) => ({ x: p.x / factor, y: p.y / factor })) as unknown as Quad;
    return warpQuad(small, scaled, width, height);
  }
  const target: Quad = [
    { x: 0, y: 0 },
    { x: width, y: 0 },
    { x: width, y: height },
    { x: 0, y: height },
  ];
  // Output → photo, so each output pixel is sampled once.
  const m = homography(target, quad);
  if (m === null) throw new RangeError('document corners are degenerate');
  const out = new Uint8ClampedArray(width * height);
  const { data, width: w, height: h } = image;
  for (let y = 0; y < height; y++) {
    const v = y + 0.5;
    for (let x = 0; x < width; x++) {
      const u = x + 0.5;
      const d = m[6] * u + m[7] * v + m[8];
      const sx = (m[0] * u + m[1] * v + m[2]) / d - 0.5;
      const sy = (m[3] * u + m[4] * v + m[5]) / d - 0.5;
      const fx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx;
      const fy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
      const x0 = fx | 0;
      const y0 = fy | 0;
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const y1 = y0 + 1 < h ? y0 + 1 : y0;
      const ax = fx - x0;
      const ay = fy - y0;
      const top = (data[y0 * w + x0] as number) * (1 - ax) + (data[y0 * w + x1] as number) * ax;
      const bottom = (data[y1 * w + x0] as number) * (1 - ax) + (data[y1 * w + x1] as number) * ax;
      out[y * width + x] = top * (1 - ay) + bottom * ay;
    }
  }
  return { width, height, data: out };
}

function shrinkInteger(image: GrayImage, factor: number): GrayImage {
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const out = new Uint8ClampedArray(width * height);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * image.width + x * factor;
        for (let dx = 0; dx < factor; dx++) sum += image.data[row + dx] as number;
      }
      out[y * width + x] = sum / area;
    }
  }
  return { width, height, data: out };
}
