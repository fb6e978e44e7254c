/**
 * Replaying pen strokes as they were written: each point has its time (ms since the pad
 * opened), so the ink reappears at the writer's own pace, hesitations included. The
 * replay starts at the first touch (not when the pad opened) and is drawn scaled to fit
 * the canvas. The drawing itself is in SignatureReplay.svelte; this is the arithmetic.
 */
import type { Strokes } from '@vtm/shared';

export type StrokePoint = Strokes[number][number];

export interface Fit {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** Scale and offset that fit every point in a `width` × `height` canvas, centred, with `margin` around. */
export function fitStrokes(strokes: Strokes, width: number, height: number, margin = 12): Fit {
  const points = strokes.flat();
  if (points.length === 0) return { scale: 1, offsetX: 0, offsetY: 0 };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const inkW = Math.max(1, maxX - minX);
  const inkH = Math.max(1, maxY - minY);
  const scale = Math.min((width - 2 * margin) / inkW, (height - 2 * margin) / inkH);
  return {
    scale,
    offsetX: (width - inkW * scale) / 2 - minX * scale,
    offsetY: (height - inkH * scale) / 2 - minY * scale,
  };
}

/** The time of the first touch, or 0 for no ink. */
export function firstTouch(strokes: Strokes): number {
  const times = strokes.flat().map((p) => p.t);
  return times.length ? Math.min(...times) : 0;
}

/** From the first touch to the last point: how long the replay runs. */
export function replayDuration(strokes: Strokes): number {
  const times = strokes.flat().map((p) => p.t);
  return times.length ? Math.max(...times) - Math.min(...times) : 0;
}

/** The ink written `elapsedMs` after the first touch: each started stroke up to its last point by then. */
export function inkAt(strokes: Strokes, elapsedMs: number): Strokes {
  const until = firstTouch(strokes) + elapsedMs;
  return strokes.map((stroke) => stroke.filter((p) => p.t <= until)).filter((stroke) => stroke.length > 0);
}

/** Line width in canvas px for a pressure; a device that reports none (0, or a constant 0.5) gets the middle width. */
export function lineWidth(pressure: number, scale: number): number {
  const p = pressure > 0 ? pressure : 0.5;
  return Math.max(1, (1.2 + 2.4 * p) * Math.min(2, Math.max(0.5, scale)));
}
