import { describe, expect, it } from 'vitest';
import { deskew, estimateSkew } from './deskew.ts';
import { grayImage } from './image.ts';
import { renderScene, textLikeBars } from './test-images.ts';
import type { Quad } from './geometry.ts';

const page = { width: 600, height: 380, bars: textLikeBars(600, 380, { lines: 8, words: 10 }) };

/** The page rotated by `degrees` clockwise on screen, filling a frame of its own size. */
function rotatedPage(degrees: number) {
  const a = (degrees * Math.PI) / 180;
  const cx = page.width / 2;
  const cy = page.height / 2;
  const corner = (x: number, y: number) => ({
    x: cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a),
    y: cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a),
  });
  const quad: Quad = [corner(0, 0), corner(page.width, 0), corner(page.width, page.height), corner(0, page.height)];
  return renderScene(page, quad, page.width, page.height);
}

describe('deskew', () => {
  it('measures the angle of text lines either way', () => {
    for (const degrees of [-2.5, -0.8, 0, 1.3, 3]) {
      expect(Math.abs(estimateSkew(rotatedPage(degrees)) - degrees), `${degrees}°`).toBeLessThan(0.15);
    }
  });

  it('levels the lines', () => {
    const { image, angle } = deskew(rotatedPage(2));
    expect(angle).toBeCloseTo(2, 0);
    expect(Math.abs(estimateSkew(image))).toBeLessThan(0.15);
  });

  it('leaves an image without print alone', () => {
    const blank = grayImage(200, 100);
    blank.data.fill(230);
    expect(estimateSkew(blank)).toBe(0);
    expect(deskew(blank).angle).toBe(0);
  });
});
