/**
 * Skew from the text itself: the angle at which the rows of print line up best. Print is
 * found as locally dark pixels; for each candidate angle the ink is projected onto the
 * perpendicular axis, and the angle whose projection is most sharply peaked (largest sum
 * of squared row counts) wins. A coarse search is refined around its best angle.
 */
import { inkMask, resizeGray, rotateGray, type GrayImage } from './image.ts';

export interface SkewOptions {
  /** Largest angle searched, either way (degrees). Default 5. */
  maxDegrees?: number;
  /** Final resolution of the estimate (degrees). Default 0.05. */
  precision?: number;
}

/**
 * Angle of the text lines to the horizontal in degrees, positive when they descend to the
 * right (the page is turned clockwise on screen). `rotateGray(image, angle)` levels them.
 * Returns 0 for images without enough print to tell.
 */
export function estimateSkew(image: GrayImage, opts: SkewOptions = {}): number {
  const maxDegrees = opts.maxDegrees ?? 5;
  const precision = opts.precision ?? 0.05;
  // Half resolution is plenty: the line count, not the stroke detail, decides.
  const factor = image.width > 700 ? 2 : 1;
  const small = factor > 1 ? resizeGray(image, Math.round(image.width / factor), Math.round(image.height / factor)) : image;
  const mask = inkMask(small, { radius: 10 });
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < small.height; y++) {
    for (let x = 0; x < small.width; x++) {
      if (mask[y * small.width + x]) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length < 200) return 0;
  const cx = small.width / 2;
  const span = small.height + small.width;
  const counts = new Float64Array(2 * span + 1);
  const score = (degrees: number) => {
    const t = Math.tan((degrees * Math.PI) / 180);
    counts.fill(0);
    for (let i = 0; i < xs.length; i++) {
      const row = Math.round((ys[i] as number) - ((xs[i] as number) - cx) * t) + span;
      counts[row]! += 1;
    }
    let s = 0;
    for (const c of counts) s += c * c;
    return s;
  };
  let best = 0;
  let bestScore = score(0);
  let step = 0.5;
  let from = -maxDegrees;
  let to = maxDegrees;
  while (step >= precision - 1e-9) {
    for (let a = from; a <= to + 1e-9; a += step) {
      const s = score(a);
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    from = best - step;
    to = best + step;
    step /= 4;
  }
  return Math.round(best / precision) * precision;
}

/** The image with its text lines levelled, and the angle that was removed. Angles under `minDegrees` are left alone. */
export function deskew(image: GrayImage, opts: SkewOptions & { minDegrees?: number; fill?: number } = {}): { image: GrayImage; angle: number } {
  const angle = estimateSkew(image, opts);
  if (Math.abs(angle) < (opts.minDegrees ?? 0.1)) return { image, angle: 0 };
  return { image: rotateGray(image, angle, opts.fill ?? 255), angle };
}
