/**
 * The checks of the recording itself: that it covers the call from the moment media
 * connected to the end, and that each party's audio and video are in it all along. They
 * read segment times and ffprobe's packet timestamps of the sealed originals, never the
 * playable copies, which are derived from them.
 */
import type { QualityCheck } from '@vtm/shared';
import {
  EXPECTED_TRACKS,
  MAX_GAP_MS,
  fail,
  formatOffset,
  pass,
  seconds,
  type MediaFacts,
  type SegmentMedia,
  type StreamTimeline,
} from './review-facts.ts';
import { incidentsAround } from './incidents.ts';

/** A segment whose file exists and was measured: a stretch of the call on record. */
interface RecordedSpan {
  segment: number;
  startMs: number;
  endMs: number;
}

function recordedSpans(media: MediaFacts): RecordedSpan[] {
  return media.segments
    .filter((s) => (s.state === 'sealed' || s.state === 'interrupted') && s.startAtMs !== null && s.durationMs !== null)
    .map((s) => ({ segment: s.segment, startMs: s.startAtMs!, endMs: s.startAtMs! + s.durationMs! }))
    .sort((a, b) => a.startMs - b.startMs);
}

const CONNECTION_WORDS = { 'call.connected': 'the call connected', 'session.accepted': 'the teller accepted' } as const;
const segmentCount = (n: number) => (n === 1 ? 'the one segment' : `all ${n} segments`);

interface Hole {
  /** Before the first segment, between two, or after the last. */
  kind: 'start' | 'between' | 'end';
  fromMs: number;
  ms: number;
  where: string;
}

/**
 * The recording covers the call from connection to end: the first segment starts within
 * 2 s of both parties' media connecting, each segment follows the one before within 2 s,
 * and the last one runs until within 2 s of the end. A segment that failed (no file)
 * leaves a hole like any other.
 */
export function checkRecordingCoverage(media: MediaFacts): QualityCheck {
  const id = 'recording-coverage';
  if (media.connectedAtMs === null || media.endedAtMs === null) {
    return fail(id, 'The timeline does not say when the call connected and ended.');
  }
  const spans = recordedSpans(media);
  const lost = media.segments.filter((s) => !spans.some((span) => span.segment === s.segment)).map((s) => s.segment);
  const lostNote = lost.length ? ` (segment${lost.length > 1 ? 's' : ''} ${lost.join(', ')} left no usable file)` : '';
  if (spans.length === 0) return fail(id, `Nothing of the call was recorded${lostNote}.`);

  const connected = media.connectedBy ? CONNECTION_WORDS[media.connectedBy] : 'the call connected';
  const holes: Hole[] = [{ kind: 'start', fromMs: media.connectedAtMs, ms: spans[0]!.startMs - media.connectedAtMs, where: `after ${connected}, before segment ${spans[0]!.segment}` }];
  let coveredUntil = spans[0]!;
  for (const span of spans.slice(1)) {
    holes.push({ kind: 'between', fromMs: coveredUntil.endMs, ms: span.startMs - coveredUntil.endMs, where: `between segments ${coveredUntil.segment} and ${span.segment}` });
    if (span.endMs > coveredUntil.endMs) coveredUntil = span;
  }
  holes.push({ kind: 'end', fromMs: coveredUntil.endMs, ms: media.endedAtMs - coveredUntil.endMs, where: `after segment ${coveredUntil.segment}, before the end` });

  const at = (ms: number) => (media.timeZeroMs === null ? new Date(ms).toISOString() : formatOffset(ms - media.timeZeroMs));
  const worst = holes.reduce((a, b) => (b.ms > a.ms ? b : a));
  const why = incidentsAround(media.incidents, worst.fromMs, worst.fromMs + Math.max(0, worst.ms), at);
  if (worst.ms > MAX_GAP_MS) {
    return fail(id, `No recording for ${seconds(worst.ms)} from ${at(worst.fromMs)}, ${worst.where}${lostNote}.${why}`);
  }
  const start = holes[0]!.ms;
  return pass(
    id,
    `Recorded from ${seconds(Math.max(0, start))} after ${connected} to the end, in ${spans.length} segment${spans.length > 1 ? 's' : ''}; largest gap ${seconds(Math.max(0, worst.ms))}.${worst.kind === 'between' ? why : ''}`,
  );
}

interface Stall {
  track: string;
  /** A pause between packets, or video that arrived damaged (see damaged-frames.ts). */
  kind: 'pause' | 'damage';
  ms: number;
  /** Wall-clock time the stall began, epoch ms. */
  fromMs: number;
  segment: number;
}

/**
 * Both parties' audio and video are present throughout: in every recorded segment each of
 * the four tracks is there, and no track goes more than 2 s without a packet, counting
 * across segment boundaries (the end of one file and the start of the next) but not the
 * time between segments, which the coverage check judges. Damaged video counts as missing
 * until the next keyframe: nobody can see it.
 */
export function checkMediaPresence(media: MediaFacts): QualityCheck {
  const id = 'media-presence';
  const segments = media.segments.filter((s) => s.state === 'sealed' || s.state === 'interrupted');
  const unreadable = segments.filter((s) => s.streams === null || s.startAtMs === null || s.durationMs === null);
  if (unreadable.length) {
    return fail(id, unreadable.map((s) => `Segment ${s.segment} could not be read${s.problem ? `: ${s.problem}` : ''}.`).join(' '));
  }
  if (segments.length === 0) return fail(id, 'No recorded segment to look at.');

  const at = (ms: number) => (media.timeZeroMs === null ? new Date(ms).toISOString() : formatOffset(ms - media.timeZeroMs));
  const problems: string[] = [];
  let longest: Stall | null = null;
  for (const track of EXPECTED_TRACKS) {
    const stalls = stallsOf(track, segments);
    if (stalls === null) {
      problems.push(`${track}: not recorded at all.`);
      continue;
    }
    const worst = stalls.reduce<Stall | null>((a, b) => (!a || b.ms > a.ms ? b : a), null);
    if (worst && worst.ms > MAX_GAP_MS) {
      const what = worst.kind === 'damage' ? 'damaged (left out of playback)' : 'no packets';
      problems.push(`${track}: ${what} for ${seconds(worst.ms)} from ${at(worst.fromMs)} (segment ${worst.segment}).${incidentsAround(media.incidents, worst.fromMs, worst.fromMs + worst.ms, at)}`);
    }
    if (worst && (!longest || worst.ms > longest.ms)) longest = worst;
  }
  if (problems.length) return fail(id, problems.join(' '));
  return pass(
    id,
    `Audio and video of both parties present throughout ${segmentCount(segments.length)}; longest pause ${seconds(longest?.ms ?? 0)}${longest ? ` (${longest.track})` : ''}${damageNote(segments)}.`,
  );
}

/** "; 2 damaged moments of video (0.9 s) left out of playback", when there were any. */
function damageNote(segments: SegmentMedia[]): string {
  const spans = segments.flatMap((s) => (s.damaged ?? []).map((d) => (d.untilMs ?? s.durationMs!) - d.fromMs));
  if (spans.length === 0) return '';
  const total = spans.reduce((a, b) => a + b, 0);
  return `; ${spans.length} damaged moment${spans.length > 1 ? 's' : ''} of video (${seconds(total)}) left out of playback`;
}

/**
 * Every pause of one track: before its first packet, inside each segment, and from its
 * last packet to the end (carried into the next segment). Null when the track is in no
 * segment at all.
 */
function stallsOf(track: string, segments: SegmentMedia[]): Stall[] | null {
  const stalls: Stall[] = [];
  let seen = false;
  // The pause running at the current point, in recorded time.
  let running: Stall = { track, kind: 'pause', ms: 0, fromMs: segments[0]!.startAtMs!, segment: segments[0]!.segment };
  for (const segment of segments) {
    const start = segment.startAtMs!;
    const stream: StreamTimeline | undefined = segment.streams!.find((s) => s.title === track);
    if (!stream || stream.packets === 0) {
      running.ms += segment.durationMs!;
      continue;
    }
    seen = true;
    stalls.push({ ...running, ms: running.ms + stream.firstMs });
    stalls.push({ track, kind: 'pause', ms: stream.longestGap.ms, fromMs: start + stream.longestGap.fromMs, segment: segment.segment });
    for (const damage of (segment.damaged ?? []).filter((d) => d.track === track)) {
      const until = damage.untilMs ?? segment.durationMs!;
      stalls.push({ track, kind: 'damage', ms: until - damage.fromMs, fromMs: start + damage.fromMs, segment: segment.segment });
    }
    running = { track, kind: 'pause', ms: Math.max(0, segment.durationMs! - stream.endMs), fromMs: start + stream.endMs, segment: segment.segment };
  }
  stalls.push(running);
  return seen ? stalls : null;
}
