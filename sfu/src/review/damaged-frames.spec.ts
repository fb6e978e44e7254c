/** Finding damaged video in ffmpeg's decoding log, and which packets to leave out for it. */
import { describe, expect, it } from 'vitest';
import { DecodeLogScan, damagedSpans, dropExpression, isDamageReport, type VideoPacket } from './damaged-frames.ts';

const SHOWINFO = '[Parsed_showinfo_0 @ 0x55a6] [info]';
const frame = (n: number, pts: number) => `${SHOWINFO} n:${String(n).padStart(4)} pts:${String(pts).padStart(7)} pts_time:${pts / 1000}   pos: 1 fmt:yuv420p s:640x480 i:P iskey:0 type:P`;

function scan(lines: string[]): Array<number | null> {
  const marks: Array<number | null> = [];
  const reader = new DecodeLogScan();
  for (const line of lines) reader.read(line, marks);
  return marks;
}

/** 20 fps with a keyframe every `gop` frames, starting at `startMs`. */
const packets = (count: number, gop: number, startMs = 0): VideoPacket[] =>
  Array.from({ length: count }, (_, i) => ({ ms: startMs + i * 50, key: i % gop === 0 }));

describe('damaged video', () => {
  it.each([
    { line: '[h264 @ 0x5623] [error] Invalid level prefix', damage: true },
    { line: '[h264 @ 0x5623] [error] error while decoding MB 21 9', damage: true },
    { line: '[vp8 @ 0x5623] [error] Discarding interframe without a prior keyframe!', damage: true },
    { line: '[vist#0:1/h264 @ 0x55] [warning] long.mkv: corrupt decoded frame in stream 1', damage: true },
    { line: 'long.mkv: corrupt decoded frame in stream 1', damage: true },
    { line: '[null @ 0x5589] [error] Application provided invalid, non monotonically increasing dts to muxer', damage: false },
    { line: '[h264 @ 0x5623] [warning] concealing 868 DC, 868 AC, 868 MV errors in P frame', damage: false },
    { line: `${SHOWINFO} n:   7 pts:  15344 pts_time:0.959`, damage: false },
  ])('"$line" reports damage: $damage', ({ line, damage }) => {
    expect(isDamageReport(line)).toBe(damage);
  });

  it('notes the last whole frame before each damage report, once per damaged frame', () => {
    expect(
      scan([
        `${SHOWINFO} config in time_base: 1/1000, frame_rate: 20/1`,
        frame(0, 0),
        frame(1, 135),
        '[h264 @ 0x5623] [error] Invalid level prefix',
        '[h264 @ 0x5623] [error] error while decoding MB 21 9',
        'in.mkv: corrupt decoded frame in stream 1',
        frame(2, 267),
        frame(3, 425),
        '[h264 @ 0x5623] [error] corrupted macroblock 3 22 (total_coeff=-1)',
        frame(4, 561),
      ]),
    ).toEqual([135, 425]);
  });

  it('reads frame times in the filter\'s time base, and damage before any frame as null', () => {
    expect(scan([`${SHOWINFO} config in time_base: 1/90000, frame_rate: 30/1`, '[vp8 @ 0x1] [error] Invalid data', frame(0, 900_000), '[vp8 @ 0x1] [error] x'])).toEqual([null, 10_000]);
  });

  it.each([
    { name: 'a damaged P-frame: left out up to the next keyframe', marks: [120], gop: 20, spans: [{ fromMs: 150, untilMs: 1000, fromPacket: 3, untilPacket: 20 }], expression: 'between(n\\,3\\,19)' },
    { name: 'a damaged keyframe: up to the keyframe after it', marks: [950], gop: 20, spans: [{ fromMs: 1000, untilMs: 2000, fromPacket: 20, untilPacket: 40 }], expression: 'between(n\\,20\\,39)' },
    { name: 'damage before the first frame', marks: [null], gop: 20, spans: [{ fromMs: 0, untilMs: 1000, fromPacket: 0, untilPacket: 20 }], expression: 'between(n\\,0\\,19)' },
    { name: 'no keyframe after the damage: to the end', marks: [2050], gop: 100, spans: [{ fromMs: 2100, untilMs: null, fromPacket: 42, untilPacket: null }], expression: 'gte(n\\,42)' },
    {
      name: 'two reports in one GOP are one span; another GOP is another',
      marks: [120, 300, 1500],
      gop: 20,
      spans: [
        { fromMs: 150, untilMs: 1000, fromPacket: 3, untilPacket: 20 },
        { fromMs: 1550, untilMs: 2000, fromPacket: 31, untilPacket: 40 },
      ],
      expression: 'between(n\\,3\\,19)+between(n\\,31\\,39)',
    },
    { name: 'no damage', marks: [], gop: 20, spans: [], expression: null },
  ])('$name', ({ marks, gop, spans, expression }) => {
    const found = damagedSpans(marks, packets(60, gop));
    expect(found).toEqual(spans);
    expect(dropExpression(found)).toBe(expression);
  });

  it('counts packets from the first keyframe, where a stream copy starts', () => {
    const list = [{ ms: 0, key: false }, { ms: 50, key: false }, ...packets(40, 20, 100)];
    expect(damagedSpans([300], list)).toEqual([{ fromMs: 350, untilMs: 1100, fromPacket: 5, untilPacket: 20 }]);
  });
});
