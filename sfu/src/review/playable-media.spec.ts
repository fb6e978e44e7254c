import { describe, expect, it } from 'vitest';
import type { RecordingStream } from '@vtm/shared';
import { containerFor, partyStreams, remuxArguments } from './playable-media.ts';
import { opensPlayback } from './playback.controller.ts';

const RECORDED: RecordingStream[] = [
  { index: 0, codecType: 'audio', codecName: 'opus', title: 'kiosk-audio' },
  { index: 1, codecType: 'video', codecName: 'h264', title: 'kiosk-video' },
  { index: 2, codecType: 'audio', codecName: 'opus', title: 'teller-audio' },
  { index: 3, codecType: 'video', codecName: 'h264', title: 'teller-video' },
];

describe('playable media', () => {
  it.each([
    { audio: 'opus', video: 'vp8', expected: { extension: 'webm', mimeType: 'video/webm; codecs="vp8, opus"' } },
    { audio: 'opus', video: 'h264', expected: { extension: 'mp4', mimeType: 'video/mp4; codecs="avc1.42e01f, opus"' } },
    { audio: null, video: 'vp8', expected: { extension: 'webm', mimeType: 'video/webm; codecs="vp8"' } },
    { audio: null, video: 'h264', expected: { extension: 'mp4', mimeType: 'video/mp4; codecs="avc1.42e01f"' } },
    { audio: 'opus', video: null, expected: { extension: 'webm', mimeType: 'audio/webm; codecs="opus"' } },
    { audio: 'pcm_s16le', video: 'vp8', expected: null },
    { audio: 'opus', video: 'hevc', expected: null },
    { audio: null, video: null, expected: null },
  ])('plays $audio + $video from $expected.extension without re-encoding', ({ audio, video, expected }) => {
    const container = containerFor(audio, video);
    if (expected === null) expect(container).toBeNull();
    else expect(container).toMatchObject(expected);
  });

  it('finds each party\'s tracks by their titles, and nothing for a party not in the segment', () => {
    expect(partyStreams(RECORDED, 'teller')).toEqual({ party: 'teller', audio: RECORDED[2], video: RECORDED[3] });
    expect(partyStreams(RECORDED.slice(2), 'kiosk')).toEqual({ party: 'kiosk', audio: null, video: null });
  });

  it('copies the party\'s streams only, shifted to start at zero, index first', () => {
    const streams = partyStreams(RECORDED, 'teller');
    const args = remuxArguments('/rec/segment-001.mkv', streams, containerFor('opus', 'h264')!, '/play/segment-001-teller.mp4.partial');
    expect(args.join(' ')).toBe(
      '-hide_banner -nostdin -v error -copyts -i /rec/segment-001.mkv -map 0:2 -map 0:3 -c copy -map_metadata -1 -avoid_negative_ts make_zero -movflags +faststart -f mp4 -y /play/segment-001-teller.mp4.partial',
    );
    const dropping = remuxArguments('in.mkv', streams, containerFor('opus', 'h264')!, 'out', 'between(n\\,7\\,12)');
    expect(dropping.slice(dropping.indexOf('-bsf:v'), dropping.indexOf('-bsf:v') + 2)).toEqual(['-bsf:v', 'noise=drop=between(n\\,7\\,12)']);
    expect(remuxArguments('in.mkv', partyStreams(RECORDED, 'kiosk'), containerFor('opus', 'vp8')!, 'out')).toEqual(expect.arrayContaining(['-cues_to_front', '1', '-f', 'webm']));
  });

  it.each([
    { range: undefined, opens: true },
    { range: 'bytes=0-', opens: true },
    { range: 'bytes=0-1023', opens: true },
    { range: 'bytes=52000-', opens: false },
    { range: 'bytes=100-200', opens: false },
  ])('audits a viewing once, when the player opens the file (Range: $range → $opens)', ({ range, opens }) => {
    expect(opensPlayback(range)).toBe(opens);
  });
});
