import { describe, expect, it } from 'vitest';
import { assessCapture } from './capture.ts';
import { boxBlurGray, grayImage } from './image.ts';
import { renderScene, textLikeBars } from './test-images.ts';

describe('assessCapture', () => {
  const card = { width: 428, height: 270, bars: textLikeBars(428, 270) };
  const frame = renderScene(card, [{ x: 80, y: 60 }, { x: 540, y: 60 }, { x: 540, y: 350 }, { x: 80, y: 350 }], 640, 420);

  it('finds the card, its format and how much of the frame it fills', () => {
    const a = assessCapture(frame);
    expect(a.location).not.toBeNull();
    expect(a.format).toBe('id-1');
    expect(a.coverage).toBeGreaterThan(0.45);
    expect(a.coverage).toBeLessThan(0.55);
  });

  it('scores a blurred frame less sharp', () => {
    expect(assessCapture(boxBlurGray(frame, 2)).sharpness).toBeLessThan(assessCapture(frame).sharpness / 2);
  });

  it('reports no document in an empty frame', () => {
    const empty = grayImage(320, 200);
    empty.data.fill(30);
    expect(assessCapture(empty)).toMatchObject({ location: null, format: null, coverage: 0 });
  });
});
