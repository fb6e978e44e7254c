import { describe, expect, it } from 'vitest';
import { summariseInbound } from './call-stats.ts';

describe('summariseInbound', () => {
  it('adds up inbound video frames and audio packets and reads the round trip', () => {
    const report = new Map<string, Record<string, unknown>>([
      ['v', { type: 'inbound-rtp', kind: 'video', framesDecoded: 40, packetsLost: 2, framesPerSecond: 20 }],
      ['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 300, packetsLost: 1 }],
      ['p', { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.012 }],
      ['o', { type: 'outbound-rtp', kind: 'video', framesEncoded: 99 }],
    ]);
    expect(summariseInbound(report as unknown as RTCStatsReport)).toEqual({
      videoFramesDecoded: 40,
      audioPacketsReceived: 300,
      videoPacketsLost: 2,
      audioPacketsLost: 1,
      framesPerSecond: 20,
      roundTripTimeMs: 12,
    });
    expect(summariseInbound(null).videoFramesDecoded).toBe(0);
  });
});
