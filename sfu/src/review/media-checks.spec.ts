/**
 * The recording checks against segment times and per-stream packet summaries (as ffprobe
 * gives them), one table row per way a recording can fall short or still be good enough.
 */
import { describe, expect, it } from 'vitest';
import { checkMediaPresence, checkRecordingCoverage } from './media-checks.ts';
import { fullSegment, oneSegmentCall, stream } from './review-fixtures.ts';
import type { MediaFacts, SegmentMedia } from './review-facts.ts';
import type { Incident } from './incidents.ts';

const CONNECTED = oneSegmentCall().connectedAtMs!;
const S = 1000;

/** A call connected at CONNECTED, ended `endS` seconds later, recorded in these segments. */
function call(endS: number, segments: SegmentMedia[], connectedBy: MediaFacts['connectedBy'] = 'call.connected', incidents: Incident[] = []): MediaFacts {
  return { connectedAtMs: CONNECTED, connectedBy, endedAtMs: CONNECTED + endS * S, timeZeroMs: segments[0]?.startAtMs ?? null, segments, incidents };
}
/** A full four-track segment from `fromS` to `toS` seconds after connection. */
const seg = (n: number, fromS: number, toS: number) => fullSegment(n, CONNECTED + fromS * S, (toS - fromS) * S);
/** The same with one track replaced (or removed, with `null`). */
function withTrack(segment: SegmentMedia, title: string, replacement: ReturnType<typeof stream> | null): SegmentMedia {
  const streams = segment.streams!.filter((s) => s.title !== title);
  return { ...segment, streams: replacement ? [...streams, replacement] : streams };
}

describe('recording coverage', () => {
  it.each([
    { name: 'one segment from 0.8 s to the end', media: call(60, [seg(1, 0.8, 60.03)]), reason: /^Recorded from 0\.8 s after the call connected to the end, in 1 segment; largest gap 0\.8 s\.$/ },
    { name: 'two segments 1 s apart', media: call(60, [seg(1, 0.5, 20), seg(2, 21, 60)]), reason: /in 2 segments; largest gap 1\.0 s/ },
    { name: 'the recording runs past the end', media: call(60, [seg(1, 0.5, 60.4)]), reason: /largest gap 0\.5 s/ },
    { name: 'starting 2.0 s after connection (the limit)', media: call(60, [seg(1, 2, 60)]), reason: /from 2\.0 s after/ },
    { name: 'timed from acceptance when the connection is not on the timeline', media: call(60, [seg(1, 1.2, 60)], 'session.accepted'), reason: /after the teller accepted/ },
    { name: 'an interrupted segment still covers its time', media: call(30, [{ ...seg(1, 0.5, 15), state: 'interrupted' }, seg(2, 16, 30)]), reason: /in 2 segments/ },
    {
      name: 'a restarted recorder, with its cause',
      media: call(60, [seg(1, 0.5, 20), seg(2, 21.2, 60)], 'call.connected', [{ atMs: CONNECTED + 21.1 * S, what: 'the recorder started segment 2' }]),
      reason: /in 2 segments; largest gap 1\.2 s\. Around then: \+0:20\.6 the recorder started segment 2\.$/,
    },
  ])('passes: $name', ({ media, reason }) => {
    const result = checkRecordingCoverage(media);
    expect(result.passed, result.reason).toBe(true);
    expect(result.reason).toMatch(reason);
  });

  it.each([
    { name: 'recording started 2.5 s late', media: call(60, [seg(1, 2.5, 60)]), reason: 'No recording for 2.5 s from -0:02.5, after the call connected, before segment 1.' },
    { name: 'a 3 s hole between segments', media: call(60, [seg(1, 0.5, 20), seg(2, 23, 60)]), reason: 'No recording for 3.0 s from +0:19.5, between segments 1 and 2.' },
    { name: 'recording stopped 3 s before the end', media: call(60, [seg(1, 0.5, 57)]), reason: 'No recording for 3.0 s from +0:56.5, after segment 1, before the end.' },
    {
      name: 'a failed segment in the middle',
      media: call(60, [seg(1, 0.5, 20), { ...seg(2, 20.2, 40), state: 'failed', durationMs: null, streams: null }, seg(3, 40.1, 60)]),
      reason: 'No recording for 20.1 s from +0:19.5, between segments 1 and 3 (segment 2 left no usable file).',
    },
    {
      name: 'a 5 s hole while the kiosk was offline, named by the timeline',
      media: call(60, [seg(1, 0.5, 20), seg(2, 25, 60)], 'call.connected', [
        { atMs: CONNECTED + 5 * S, what: 'teller1 took the call' },
        { atMs: CONNECTED + 19.8 * S, what: "the kiosk's connection was lost" },
        { atMs: CONNECTED + 24.6 * S, what: "the kiosk's connection came back after 4.8 s (ice-restart)" },
        { atMs: CONNECTED + 40 * S, what: 'the recorder started segment 3' },
      ]),
      reason:
        "No recording for 5.0 s from +0:19.5, between segments 1 and 2. Around then: +0:19.3 the kiosk's connection was lost; +0:24.1 the kiosk's connection came back after 4.8 s (ice-restart).",
    },
    { name: 'no segment at all', media: call(60, []), reason: 'Nothing of the call was recorded.' },
    { name: 'only failed segments', media: call(60, [{ ...seg(1, 0.5, 60), state: 'failed', durationMs: null }]), reason: 'Nothing of the call was recorded (segment 1 left no usable file).' },
    { name: 'no end on the timeline', media: { ...call(60, [seg(1, 0.5, 60)]), endedAtMs: null }, reason: 'The timeline does not say when the call connected and ended.' },
  ])('fails: $name', ({ media, reason }) => {
    expect(checkRecordingCoverage(media)).toEqual({ id: 'recording-coverage', passed: false, reason });
  });
});

describe('media presence', () => {
  const one = seg(1, 0.5, 60.5); // time zero at connection + 0.5 s: positions below are from there

  it.each([
    { name: 'all four tracks from start to end', media: call(60, [one]) },
    { name: 'a track first 1.9 s late', media: call(60, [withTrack(one, 'kiosk-video', stream('kiosk-video', 1900, 60_000))]) },
    { name: 'a pause of exactly 2 s', media: call(60, [withTrack(one, 'teller-audio', stream('teller-audio', 0, 60_000, 2000, 10_000))]) },
    {
      name: 'the teller missing from a 1.5 s first segment (tracks settling at call start)',
      media: call(60, [
        { ...seg(1, 0.5, 2), streams: [stream('kiosk-audio', 0, 1500), stream('kiosk-video', 0, 1500)] },
        seg(2, 2, 60),
      ]),
    },
    {
      name: 'a track pausing 0.5 s across a segment boundary',
      media: call(60, [withTrack(seg(1, 0.5, 30), 'kiosk-video', stream('kiosk-video', 0, 29_250)), withTrack(seg(2, 30, 60), 'kiosk-video', stream('kiosk-video', 250, 30_000))]),
    },
  ])('passes: $name', ({ media }) => {
    const result = checkMediaPresence(media);
    expect(result.passed, result.reason).toBe(true);
    expect(result.reason).toMatch(/^Audio and video of both parties present throughout (the one segment|all \d segments); longest pause \d+\.\d s \([a-z]+-[a-z]+\)\.$/);
  });

  it('passes damaged video up to 2 s to the next keyframe, and says how much was left out of playback', () => {
    const damaged = [{ track: 'teller-video', fromMs: 10_000, untilMs: 10_400 }, { track: 'kiosk-video', fromMs: 30_000, untilMs: 31_500 }];
    expect(checkMediaPresence(call(60, [{ ...one, damaged }]))).toEqual({
      id: 'media-presence',
      passed: true,
      reason: 'Audio and video of both parties present throughout the one segment; longest pause 1.5 s (kiosk-video); 2 damaged moments of video (1.9 s) left out of playback.',
    });
  });

  it.each([
    { name: 'a track missing', media: call(60, [withTrack(one, 'kiosk-video', null)]), reason: 'kiosk-video: not recorded at all.' },
    { name: 'a track without packets', media: call(60, [withTrack(one, 'teller-audio', { ...stream('teller-audio', 0, 0), packets: 0 })]), reason: 'teller-audio: not recorded at all.' },
    {
      name: 'a 3 s stall in the middle',
      media: call(60, [withTrack(one, 'teller-video', stream('teller-video', 0, 60_000, 3000, 10_000))]),
      reason: 'teller-video: no packets for 3.0 s from +0:10.0 (segment 1).',
    },
    { name: 'a track starting 2.5 s late', media: call(60, [withTrack(one, 'kiosk-audio', stream('kiosk-audio', 2500, 60_000))]), reason: 'kiosk-audio: no packets for 2.5 s from +0:00.0 (segment 1).' },
    { name: 'a track stopping 2.5 s early', media: call(60, [withTrack(one, 'kiosk-video', stream('kiosk-video', 0, 57_500))]), reason: 'kiosk-video: no packets for 2.5 s from +0:57.5 (segment 1).' },
    {
      name: 'a pause of 1.5 s + 1 s across a segment boundary',
      media: call(60, [withTrack(seg(1, 0.5, 30), 'kiosk-video', stream('kiosk-video', 0, 28_000)), withTrack(seg(2, 30, 60), 'kiosk-video', stream('kiosk-video', 1000, 30_000))]),
      reason: 'kiosk-video: no packets for 2.5 s from +0:28.0 (segment 1).',
    },
    {
      name: 'a party missing from a whole 5 s segment (rejoining)',
      media: call(60, [seg(1, 0.5, 20), { ...seg(2, 20, 25), streams: [stream('teller-audio', 0, 5000), stream('teller-video', 0, 5000)] }, seg(3, 25, 60)]),
      reason: 'kiosk-audio: no packets for 5.0 s from +0:19.5 (segment 1). kiosk-video: no packets for 5.0 s from +0:19.5 (segment 1).',
    },
    {
      name: 'a segment that cannot be read',
      media: call(60, [seg(1, 0.5, 30), { ...seg(2, 30, 60), streams: null, problem: 'Invalid data found when processing input' }]),
      reason: 'Segment 2 could not be read: Invalid data found when processing input.',
    },
    { name: 'nothing recorded', media: call(60, [{ ...seg(1, 0.5, 60), state: 'failed' }]), reason: 'No recorded segment to look at.' },
    {
      name: 'video damaged for 3 s before the next keyframe',
      media: call(60, [{ ...one, damaged: [{ track: 'kiosk-video', fromMs: 20_000, untilMs: 23_000 }] }]),
      reason: 'kiosk-video: damaged (left out of playback) for 3.0 s from +0:20.0 (segment 1).',
    },
    {
      name: 'video damaged with no keyframe after it',
      media: call(60, [{ ...one, damaged: [{ track: 'teller-video', fromMs: 50_000, untilMs: null }] }]),
      reason: 'teller-video: damaged (left out of playback) for 10.0 s from +0:50.0 (segment 1).',
    },
  ])('fails: $name', ({ media, reason }) => {
    expect(checkMediaPresence(media)).toEqual({ id: 'media-presence', passed: false, reason });
  });
});
