import { describe, expect, it } from 'vitest';
import { chooseVideoCodec } from './choose-video-codec.ts';

const codec = (mimeType: string) => ({ kind: 'video' as const, mimeType, clockRate: 90000 });

describe('chooseVideoCodec', () => {
  it('picks H264 only when both ends offer it', () => {
    const both = { codecs: [codec('video/VP8'), codec('video/H264')] };
    const vp8Only = { codecs: [codec('video/VP8')] };
    expect(chooseVideoCodec(both, both)).toBe('h264');
    expect(chooseVideoCodec(both, vp8Only)).toBe('vp8');
    expect(chooseVideoCodec(vp8Only, both)).toBe('vp8');
    expect(chooseVideoCodec({}, {})).toBe('vp8');
  });
});
