import { describe, expect, it } from 'vitest';
import { firstTouch, fitStrokes, inkAt, lineWidth, replayDuration } from './stroke-replay.ts';

const p = (x: number, y: number, t: number, pressure = 0.5) => ({ x, y, t, pressure });
const strokes = [
  [p(10, 10, 1_000), p(20, 20, 1_050), p(30, 10, 1_100)],
  [p(50, 30, 2_500), p(110, 40, 2_600)],
];

describe('stroke replay', () => {
  it('runs from the first touch to the last point', () => {
    expect(firstTouch(strokes)).toBe(1_000);
    expect(replayDuration(strokes)).toBe(1_600);
    expect(replayDuration([])).toBe(0);
  });

  it('shows the ink written by each moment, hesitation included', () => {
    expect(inkAt(strokes, 0)).toEqual([[strokes[0]![0]]]);
    expect(inkAt(strokes, 60)).toEqual([strokes[0]!.slice(0, 2)]);
    expect(inkAt(strokes, 1_000)).toEqual([strokes[0]]); // the pause between strokes
    expect(inkAt(strokes, 1_500)).toEqual([strokes[0], strokes[1]!.slice(0, 1)]);
    expect(inkAt(strokes, 10_000)).toEqual(strokes);
  });

  it('fits the ink in the canvas, centred', () => {
    const fit = fitStrokes(strokes, 224, 84, 12);
    // ink 100 × 30 in 200 × 60: the height limits the scale to 2.
    expect(fit.scale).toBe(2);
    expect(10 * fit.scale + fit.offsetX).toBe(12);
    expect(110 * fit.scale + fit.offsetX).toBe(212);
    expect(10 * fit.scale + fit.offsetY).toBe(12);
    expect(fitStrokes([], 100, 100)).toEqual({ scale: 1, offsetX: 0, offsetY: 0 });
  });

  it('draws harder pressure wider, and a pressureless pen in the middle', () => {
    expect(lineWidth(1, 1)).toBeGreaterThan(lineWidth(0.2, 1));
    expect(lineWidth(0, 1)).toBe(lineWidth(0.5, 1));
  });
});
