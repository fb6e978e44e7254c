/**
 * When to take the picture by itself: a document is in view, the frame is sharp (variance
 * of the Laplacian over the document, from the shared image functions) and the picture has
 * stayed steady for about half a second. Pure: fed one analysed sample per camera frame.
 *
 * Sharpness has no universal scale (it depends on the camera, the light and the document),
 * so a frame must pass an absolute floor AND come close to the sharpest frame seen in the
 * last few seconds: a customer moving the card towards the camera gets captured at its
 * sharpest, not at the first frame that happens to clear the floor.
 */
import { laplacianVariance, locateDocument, resizeGray, toGray, type GrayImage, type Rect, type RgbaImage } from '@vtm/shared/ocr';

export interface AutoCaptureOptions {
  /** How long the frame must stay sharp and still, ms. Default 500. */
  steadyMs?: number;
  /** Absolute sharpness floor (Laplacian variance on the 480 px analysis image; a clean card scores thousands, one blurred past reading a few hundred). Default 100. */
  minSharpness?: number;
  /** Share of the recent peak sharpness a frame must reach. Default 0.6. */
  peakShare?: number;
  /** How long a sharpness peak is remembered, ms. Default 3000. */
  peakMemoryMs?: number;
  /** Mean absolute grey difference between consecutive thumbnails above which the picture is moving. Default 6. */
  maxMotion?: number;
}

export interface FrameSample {
  /** ms, monotonic (performance.now()). */
  at: number;
  /** A document was found in the frame. */
  found: boolean;
  /** Laplacian variance over the document (0 when none was found). */
  sharpness: number;
  /** Mean absolute difference to the previous frame's thumbnail (0–255). */
  motion: number;
}

/** What the customer is told: where things stand for an automatic capture. */
export type CaptureHint = 'no-document' | 'hold-still' | 'blurry' | 'steady' | 'capture';

export class AutoCaptureDetector {
  readonly #steadyMs: number;
  readonly #minSharpness: number;
  readonly #peakShare: number;
  readonly #peakMemoryMs: number;
  readonly #maxMotion: number;
  /** Start of the current run of good frames, or null. */
  #steadySince: number | null = null;
  #peaks: { at: number; sharpness: number }[] = [];

  constructor(opts: AutoCaptureOptions = {}) {
    this.#steadyMs = opts.steadyMs ?? 500;
    this.#minSharpness = opts.minSharpness ?? 100;
    this.#peakShare = opts.peakShare ?? 0.6;
    this.#peakMemoryMs = opts.peakMemoryMs ?? 3000;
    this.#maxMotion = opts.maxMotion ?? 6;
  }

  /** Takes one sample; 'capture' means: take this frame now (the run then starts over). */
  push(sample: FrameSample): CaptureHint {
    if (!sample.found) {
      this.#steadySince = null;
      return 'no-document';
    }
    this.#peaks = this.#peaks.filter((p) => sample.at - p.at <= this.#peakMemoryMs);
    this.#peaks.push({ at: sample.at, sharpness: sample.sharpness });
    const peak = Math.max(...this.#peaks.map((p) => p.sharpness));
    if (sample.motion > this.#maxMotion) {
      this.#steadySince = null;
      return 'hold-still';
    }
    if (sample.sharpness < this.#minSharpness || sample.sharpness < this.#peakShare * peak) {
      this.#steadySince = null;
      return 'blurry';
    }
    this.#steadySince ??= sample.at;
    if (sample.at - this.#steadySince >= this.#steadyMs) {
      this.#steadySince = null;
      return 'capture';
    }
    return 'steady';
  }

  reset(): void {
    this.#steadySince = null;
    this.#peaks = [];
  }
}

/** The analysis of one camera frame (downscaled): where the document is, how sharp, how much it moved. */
export interface FrameAnalysis {
  sample: FrameSample;
  /** The document's bounds in the analysis image, as a share of its width and height (for the on-screen outline). */
  bounds: { x: number; y: number; width: number; height: number } | null;
  /** Tiny grey copy for the next frame's motion estimate. */
  thumbnail: GrayImage;
}

const THUMB_WIDTH = 64;

export function analyseFrame(frame: RgbaImage, previous: GrayImage | null, at: number): FrameAnalysis {
  const gray = toGray(frame);
  const thumbnail = resizeGray(gray, THUMB_WIDTH, Math.max(1, Math.round((THUMB_WIDTH * gray.height) / gray.width)));
  const motion = previous ? meanAbsoluteDifference(previous, thumbnail) : 255;
  const location = locateDocument(gray);
  if (location === null) return { sample: { at, found: false, sharpness: 0, motion }, bounds: null, thumbnail };
  const inner = shrink(location.bounds, 0.05);
  const sharpness = laplacianVariance(gray, inner);
  const b = location.bounds;
  return {
    sample: { at, found: true, sharpness, motion },
    bounds: { x: b.x / gray.width, y: b.y / gray.height, width: b.width / gray.width, height: b.height / gray.height },
    thumbnail,
  };
}

/** Mean absolute difference of two grey images of the same size (255 when the sizes differ). */
export function meanAbsoluteDifference(a: GrayImage, b: GrayImage): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
  return sum / a.data.length;
}

/** The rectangle less a margin on every side (the document's edges against the background are not its print). */
function shrink(r: Rect, share: number): Rect {
  const dx = r.width * share;
  const dy = r.height * share;
  return { x: r.x + dx, y: r.y + dy, width: Math.max(1, r.width - 2 * dx), height: Math.max(1, r.height - 2 * dy) };
}
