import { describe, expect, it } from 'vitest';
import type { RecordingStream } from '@vtm/shared';
import { parsePacketLine, summarisePackets } from './packet-timeline.ts';

const STREAMS: RecordingStream[] = [
  { index: 0, codecType: 'audio', codecName: 'opus', title: 'kiosk-audio' },
  { index: 1, codecType: 'video', codecName: 'vp8', title: 'kiosk-video' },
  { index: 2, codecType: 'audio', codecName: 'opus', title: 'teller-audio' },
];

const line = (stream: number, pts: string, duration = '0.020000') => `stream_index=${stream}|pts_time=${pts}|dts_time=${pts}|duration_time=${duration}`;

describe('packet timeline from ffprobe', () => {
  it.each([
    { text: 'stream_index=1|pts_time=1.250000|dts_time=1.250000|duration_time=0.050000|flags=K_', packet: { stream: 1, ms: 1250, durationMs: 50, key: true } },
    { text: 'stream_index=1|pts_time=1.300000|dts_time=1.300000|duration_time=0.050000|flags=__', packet: { stream: 1, ms: 1300, durationMs: 50, key: false } },
    { text: 'stream_index=0|pts_time=N/A|dts_time=0.040000|duration_time=N/A', packet: { stream: 0, ms: 40, durationMs: 0, key: false } },
    { text: 'stream_index=3|pts_time=2.000000', packet: { stream: 3, ms: 2000, durationMs: 0, key: false } },
    { text: 'stream_index=0|pts_time=N/A|dts_time=N/A|duration_time=0.02', packet: null },
    { text: 'garbage', packet: null },
  ])('reads "$text"', ({ text, packet }) => {
    const parsed = parsePacketLine(text);
    if (packet === null) expect(parsed).toBeNull();
    else expect(parsed).toEqual({ ...packet, ms: expect.closeTo(packet.ms, 6), durationMs: expect.closeTo(packet.durationMs, 6) });
  });

  it('finds each stream\'s first packet, end and longest pause, whatever order the file interleaves them in', () => {
    const lines = [
      line(1, '0.100000', '0.050000'),
      line(0, '0.000000'),
      line(0, '0.020000'),
      line(1, '0.150000', '0.050000'),
      line(0, '3.020000'), // audio pauses 3 s
      line(1, '0.400000', '0.050000'),
      line(1, '0.200000', '0.050000'), // out of order
      '',
    ].join('\n');
    expect(summarisePackets(STREAMS, lines)).toEqual([
      { title: 'kiosk-audio', codecType: 'audio', packets: 3, firstMs: 0, endMs: 3040, longestGap: { fromMs: 20, ms: 3000 } },
      { title: 'kiosk-video', codecType: 'video', packets: 4, firstMs: 100, endMs: 450, longestGap: { fromMs: 200, ms: 200 } },
      { title: 'teller-audio', codecType: 'audio', packets: 0, firstMs: 0, endMs: 0, longestGap: { fromMs: 0, ms: 0 } },
    ]);
  });

  it('ignores packets of streams it was not asked about (data, subtitles)', () => {
    expect(summarisePackets(STREAMS.slice(0, 1), [line(0, '0.000000'), line(7, '0.000000')].join('\n'))[0]!.packets).toBe(1);
  });
});
