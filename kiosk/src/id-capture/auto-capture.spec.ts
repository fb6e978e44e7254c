import { describe, expect, it } from 'vitest';
import { AutoCaptureDetector, meanAbsoluteDifference, type FrameSample } from './auto-capture.ts';

const sample = (at: number, overrides: Partial<FrameSample> = {}): FrameSample => ({ at, found: true, sharpness: 1000, motion: 1, ...overrides });

describe('automatic capture', () => {
  it('captures once the document has been sharp and still for half a second', () => {
    const detector = new AutoCaptureDetector();
    const hints = [0, 120, 240, 360, 480, 600].map((at) => detector.push(sample(at)));
    expect(hints).toEqual(['steady', 'steady', 'steady', 'steady', 'steady', 'capture']);
    // The run starts over after a capture.
    expect(detector.push(sample(720))).toBe('steady');
  });

  it('starts over when the document moves, leaves the frame or blurs', () => {
    const detector = new AutoCaptureDetector();
    detector.push(sample(0));
    detector.push(sample(300));
    expect(detector.push(sample(400, { motion: 20 }))).toBe('hold-still');
    expect(detector.push(sample(600))).toBe('steady');
    expect(detector.push(sample(800, { found: false }))).toBe('no-document');
    expect(detector.push(sample(900, { sharpness: 50 }))).toBe('blurry');
    expect(detector.push(sample(1000))).toBe('steady');
    expect(detector.push(sample(1500))).toBe('capture');
  });

  it('waits for a frame close to the sharpest seen recently', () => {
    const detector = new AutoCaptureDetector({ peakShare: 0.6 });
    detector.push(sample(0, { sharpness: 5000 }));
    expect(detector.push(sample(100, { sharpness: 1000 }))).toBe('blurry');
    // The peak is forgotten after a while (the scene changed).
    expect(detector.push(sample(3200, { sharpness: 1000 }))).toBe('steady');
  });

  it('measures motion as the mean grey difference of two thumbnails', () => {
    const a = { width: 2, height: 1, data: new Uint8ClampedArray([0, 100]) };
    const b = { width: 2, height: 1, data: new Uint8ClampedArray([10, 90]) };
    expect(meanAbsoluteDifference(a, b)).toBe(10);
    expect(meanAbsoluteDifference(a, { width: 1, height: 2, data: new Uint8ClampedArray(2) })).toBe(255);
  });
});
