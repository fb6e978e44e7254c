import { describe, expect, it } from 'vitest';
import { findTextLines, runs, withMargin, type InkMask } from './text-lines.ts';

function mask(width: number, height: number, boxes: { x: number; y: number; width: number; height: number }[]): InkMask {
  const data = new Uint8Array(width * height);
  for (const b of boxes) for (let y = b.y; y < b.y + b.height; y++) for (let x = b.x; x < b.x + b.width; x++) data[y * width + x] = 1;
  return { width, height, data };
}

describe('text lines', () => {
  it('joins runs across small gaps', () => {
    expect(runs([false, true, true, false, true, false, false, false, true], 1)).toEqual([
      [1, 5],
      [8, 9],
    ]);
  });

  it('finds each printed line of a region, tight around its ink', () => {
    const m = mask(400, 200, [
      { x: 20, y: 20, width: 30, height: 30 },
      { x: 60, y: 22, width: 30, height: 28 },
      { x: 20, y: 70, width: 200, height: 30 },
      // noise speck far right of the second line, and a tiny dot between lines
      { x: 380, y: 80, width: 1, height: 1 },
      { x: 100, y: 58, width: 2, height: 2 },
    ]);
    const lines = findTextLines(m, { rect: { x: 0, y: 0, width: 400, height: 200 }, lineHeight: 30, maxLines: 3 });
    expect(lines.map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual([
      { x: 20, y: 20, width: 70, height: 30 },
      { x: 20, y: 70, width: 200, height: 30 },
    ]);
  });

  it('keeps the lines with most ink when more than maxLines stand out', () => {
    const m = mask(300, 200, [
      { x: 10, y: 10, width: 50, height: 20 },
      { x: 10, y: 60, width: 250, height: 20 },
      { x: 10, y: 110, width: 150, height: 20 },
    ]);
    const lines = findTextLines(m, { rect: { x: 0, y: 0, width: 300, height: 200 }, lineHeight: 20, maxLines: 2 });
    expect(lines.map((l) => l.y)).toEqual([60, 110]);
  });

  it('adds a margin within bounds', () => {
    expect(withMargin({ x: 5, y: 5, width: 10, height: 10 }, 8, { width: 100, height: 18 })).toEqual({ x: 0, y: 0, width: 23, height: 18 });
  });
});
