import { describe, expect, it } from 'vitest';
import { MAX_SIGNALING_FRAME_DEPTH } from '@vtm/shared';
import { nestsDeeperThan } from './frame-depth.ts';

describe('frame nesting depth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ name: '[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ name: 'quote \\" then [[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan('"\\\\"[[', 1)).toBe(true);
  });

  it('lets every real request through and stops the 10,000-deep ones fast', () => {
    const produce = JSON.stringify({
      id: 1,
      method: 'produce',
      data: { transportId: 'x', kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] }], encodings: [{ ssrc: 1 }] } },
    });
    expect(nestsDeeperThan(produce, MAX_SIGNALING_FRAME_DEPTH)).toBe(false);
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    const started = performance.now();
    expect(nestsDeeperThan(`{"id":1,"method":"hello","data":${deep}}`, MAX_SIGNALING_FRAME_DEPTH)).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
