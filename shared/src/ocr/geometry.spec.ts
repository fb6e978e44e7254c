import { describe, expect, it } from 'vitest';
import { applyHomography, fitLine, homography, intersect, quadAngle, quadSize, warpQuad, type Quad } from './geometry.ts';
import { grayImage } from './image.ts';

describe('geometry', () => {
  it('fits a line through points, ignoring outliers', () => {
    const points = Array.from({ length: 50 }, (_, i) => ({ x: i, y: 2 * i + 1 }));
    points.push({ x: 10, y: 90 }, { x: 30, y: -40 });
    const line = fitLine(points);
    expect(line).not.toBeNull();
    // Points on y = 2x + 1 are on the line.
    for (const p of [{ x: 0, y: 1 }, { x: 40, y: 81 }]) expect(Math.abs(line!.a * p.x + line!.b * p.y - line!.c)).toBeLessThan(1e-6);
  });

  it('intersects lines and reports parallels', () => {
    const horizontal = { a: 0, b: 1, c: 5 };
    const vertical = { a: 1, b: 0, c: 3 };
    expect(intersect(horizontal, vertical)).toEqual({ x: 3, y: 5 });
    expect(intersect(horizontal, { a: 0, b: 1, c: 9 })).toBeNull();
  });

  it('maps four points exactly with a homography', () => {
    const from: Quad = [{ x: 10, y: 20 }, { x: 110, y: 15 }, { x: 120, y: 90 }, { x: 5, y: 80 }];
    const to: Quad = [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 60 }, { x: 0, y: 60 }];
    const m = homography(from, to)!;
    from.forEach((p, i) => {
      const q = applyHomography(m, p);
      expect(q.x).toBeCloseTo(to[i]!.x, 6);
      expect(q.y).toBeCloseTo(to[i]!.y, 6);
    });
    expect(homography(to, [to[0], to[0], to[1], to[2]])).toBeNull();
    expect(homography([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0 }], to)).toBeNull();
  });

  it('measures a quad', () => {
    const quad: Quad = [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 50 }, { x: 0, y: 50 }];
    expect(quadSize(quad)).toEqual({ width: 100, height: 50 });
    expect(quadAngle(quad)).toBe(0);
  });

  it('warps a quad onto an upright rectangle', () => {
    // A 200×100 image whose left half is dark; the quad is its right half, so the result is all light.
    const img = grayImage(200, 100);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 200; x++) img.data[y * 200 + x] = x < 100 ? 10 : 240;
    const right = warpQuad(img, [{ x: 100, y: 0 }, { x: 200, y: 0 }, { x: 200, y: 100 }, { x: 100, y: 100 }], 50, 50);
    expect(Math.min(...right.data)).toBeGreaterThan(200);
    // The whole image squeezed: left half of the output dark.
    const whole = warpQuad(img, [{ x: 0, y: 0 }, { x: 200, y: 0 }, { x: 200, y: 100 }, { x: 0, y: 100 }], 20, 10);
    expect(whole.data[5 * 20 + 3]).toBeLessThan(30);
    expect(whole.data[5 * 20 + 16]).toBeGreaterThan(220);
  });
});
