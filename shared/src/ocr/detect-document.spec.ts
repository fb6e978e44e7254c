import { describe, expect, it } from 'vitest';
import { aspectRatio, locateDocument } from './detect-document.ts';
import type { Quad } from './geometry.ts';
import { grayImage } from './image.ts';
import { renderScene, textLikeBars } from './test-images.ts';

const card = { width: 428, height: 270, bars: textLikeBars(428, 270) };

function expectCornersNear(found: Quad, expected: Quad, tolerance: number) {
  found.forEach((p, i) => {
    expect(Math.abs(p.x - expected[i]!.x), `corner ${i} x`).toBeLessThan(tolerance);
    expect(Math.abs(p.y - expected[i]!.y), `corner ${i} y`).toBeLessThan(tolerance);
  });
}

describe('locateDocument', () => {
  it('finds the corners of a tilted card in perspective on a dark background', () => {
    const quad: Quad = [{ x: 92, y: 70 }, { x: 530, y: 52 }, { x: 548, y: 338 }, { x: 84, y: 350 }];
    const scene = renderScene(card, quad, 640, 400);
    const found = locateDocument(scene);
    expect(found).not.toBeNull();
    expect(found!.fillsFrame).toBe(false);
    expectCornersNear(found!.quad, quad, 1.5);
    expect(aspectRatio(found!)).toBeGreaterThan(1.5);
  });

  it('takes the whole image when the document fills it (a scan)', () => {
    const full: Quad = [{ x: 0, y: 0 }, { x: 428, y: 0 }, { x: 428, y: 270 }, { x: 0, y: 270 }];
    const found = locateDocument(renderScene(card, full, 428, 270));
    expect(found?.fillsFrame).toBe(true);
    expect(found?.quad).toEqual(full);
  });

  it('turns a document standing on its short side to landscape', () => {
    // The card rotated a quarter: tall in the frame.
    const quad: Quad = [{ x: 300, y: 60 }, { x: 300, y: 480 }, { x: 40, y: 480 }, { x: 40, y: 60 }];
    const found = locateDocument(renderScene(card, quad, 360, 540));
    expect(found).not.toBeNull();
    const [tl, tr] = found!.quad;
    // Its top edge (the long one) is now vertical in the image.
    expect(Math.abs(tr.x - tl.x)).toBeLessThan(3);
    expect(Math.abs(tr.y - tl.y)).toBeGreaterThan(400);
  });

  it('finds nothing in an empty frame', () => {
    const empty = grayImage(320, 200);
    empty.data.fill(35);
    expect(locateDocument(empty)).toBeNull();
  });
});
