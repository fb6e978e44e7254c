import { describe, expect, it } from 'vitest';
import {
  boxBlurGray,
  clampRect,
  cropGray,
  encodePgm,
  grayImage,
  grayToRgba,
  inkMask,
  laplacianVariance,
  otsuThreshold,
  resizeGray,
  rgbaImage,
  rotate180Gray,
  rotateGray,
  stretchContrast,
  toGray,
  type GrayImage,
} from './image.ts';

/** A grey image from a function of the pixel position. */
function paint(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const img = grayImage(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) img.data[y * width + x] = f(x, y);
  return img;
}

const at = (img: GrayImage, x: number, y: number) => img.data[y * img.width + x] as number;

describe('image basics', () => {
  it('converts RGBA to luma and back', () => {
    const rgba = rgbaImage(3, 1, new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]));
    const gray = toGray(rgba);
    expect([...gray.data]).toEqual([77, 149, 29]);
    expect([...grayToRgba(gray).data.slice(0, 4)]).toEqual([77, 77, 77, 255]);
  });

  it('refuses sizes that do not match the data', () => {
    expect(() => rgbaImage(2, 2, new Uint8ClampedArray(15))).toThrow(RangeError);
    expect(() => grayImage(0, 5)).toThrow(RangeError);
  });

  it('crops, clamping the rectangle to the image', () => {
    const img = paint(10, 10, (x, y) => x + 10 * y);
    const crop = cropGray(img, { x: 8, y: 8, width: 5, height: 5 });
    expect(crop.width).toBe(2);
    expect([...crop.data]).toEqual([88, 89, 98, 99]);
    expect(clampRect({ x: -3, y: 2, width: 5, height: 100 }, 10, 10)).toEqual({ x: 0, y: 2, width: 2, height: 8 });
    expect(() => cropGray(img, { x: 20, y: 0, width: 5, height: 5 })).toThrow(RangeError);
  });

  it('shrinks by averaging whole boxes and enlarges by interpolation', () => {
    const checker = paint(4, 4, (x, y) => ((x + y) % 2 === 0 ? 0 : 200));
    const half = resizeGray(checker, 2, 2);
    expect([...half.data]).toEqual([100, 100, 100, 100]);
    const ramp = paint(2, 1, (x) => x * 100);
    const big = resizeGray(ramp, 4, 1);
    expect([...big.data]).toEqual([0, 25, 75, 100]);
  });

  it('rotates counter-clockwise for positive angles and half a turn exactly', () => {
    // A dark dot right of the centre moves up (y decreases) when turned counter-clockwise.
    const img = paint(41, 41, (x, y) => (x >= 29 && x <= 31 && y >= 19 && y <= 21 ? 0 : 255));
    const turned = rotateGray(img, 90);
    expect(at(turned, 20, 10)).toBeLessThan(60);
    expect(at(turned, 30, 20)).toBeGreaterThan(200);
    const half = rotate180Gray(paint(3, 2, (x, y) => x + 3 * y));
    expect([...half.data]).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('blurs by a box mean', () => {
    const img = paint(5, 5, (x, y) => (x === 2 && y === 2 ? 90 : 0));
    expect(at(boxBlurGray(img, 1), 2, 2)).toBe(10);
    expect(at(boxBlurGray(img, 1), 0, 0)).toBe(0);
  });

  it('finds the Otsu threshold between two populations', () => {
    const img = paint(20, 10, (x) => (x < 10 ? 40 : 200));
    const t = otsuThreshold(img);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(200);
  });

  it('marks dark print as ink under uneven light, not the lighting itself', () => {
    // Background from 120 to 240 across the image, a dark bar 60 grey levels below it.
    const img = paint(200, 60, (x, y) => 120 + (x * 120) / 200 - (y >= 25 && y < 35 && x >= 20 && x < 180 ? 60 : 0));
    const mask = inkMask(img, { radius: 15 });
    expect(mask[30 * 200 + 100]).toBe(1);
    expect(mask[30 * 200 + 25]).toBe(1);
    expect(mask[5 * 200 + 100]).toBe(0);
    expect(mask[55 * 200 + 190]).toBe(0);
  });

  it('stretches contrast to the full range', () => {
    const img = paint(100, 1, (x) => 100 + x / 2);
    const out = stretchContrast(img, 0, 0);
    expect(Math.min(...out.data)).toBe(0);
    expect(Math.max(...out.data)).toBe(255);
  });

  it('scores a sharp pattern higher than the same pattern blurred (auto-capture)', () => {
    const sharp = paint(64, 64, (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 0 ? 30 : 220));
    const blurred = boxBlurGray(sharp, 2);
    const flat = paint(64, 64, () => 128);
    expect(laplacianVariance(sharp)).toBeGreaterThan(4 * laplacianVariance(blurred));
    expect(laplacianVariance(flat)).toBe(0);
    expect(laplacianVariance(sharp, { x: 0, y: 0, width: 16, height: 16 })).toBeGreaterThan(0);
  });

  it('encodes binary PGM', () => {
    const pgm = encodePgm(paint(2, 1, (x) => x * 255));
    const header = new TextDecoder().decode(pgm.subarray(0, 11));
    expect(header).toBe('P5\n2 1\n255\n');
    expect([...pgm.subarray(11)]).toEqual([0, 255]);
  });
});
