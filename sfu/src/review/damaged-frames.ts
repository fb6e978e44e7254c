/**
 * Damaged video in a recording, and how to keep it from breaking playback.
 *
 * RTP reaches ffmpeg without retransmission: a packet lost on the way (a loaded machine,
 * a lossy kiosk network) leaves a frame that does not decode. The browsers in the call
 * asked for a keyframe and recovered; the recording copies the damaged frame as it came.
 * Chromium's file player does not conceal such damage: it stops with a decode error at
 * the next keyframe, and the rest of the file cannot be watched.
 *
 * So finalisation decodes each party's video once, notes where the decoder complains,
 * and leaves out of the playable copy the packets from the damaged frame up to the next
 * keyframe (the picture holds still meanwhile, the sound goes on). Nothing is re-encoded
 * and the sealed original keeps every packet; the quality check reports the skipped span.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export interface DamagedSpan {
  /** The first damaged packet's time, ms from the file's time zero. */
  fromMs: number;
  /** The next keyframe's time (the span ends before it), or null when none follows. */
  untilMs: number | null;
  /**
   * The same as packet numbers of the stream, counted from its first keyframe (where a
   * stream copy starts): the first left out, and the first kept again (null: none).
   */
  fromPacket: number;
  untilPacket: number | null;
}

/** A video packet as the packet list gives it: its time (whole ms) and whether it is a keyframe. */
export interface VideoPacket {
  ms: number;
  key: boolean;
}

/**
 * Decodes one video stream of `file` and returns, for each place the decoder reported
 * damage, the time of the last frame that came out whole before it (null: before the
 * first frame). One thread, so that messages and frames come out in decoding order; the
 * file's own timestamps (-copyts), as the packet list has them.
 */
export async function scanDecodeDamage(ffmpeg: string, file: string, streamIndex: number): Promise<Array<number | null>> {
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-threads', '1', '-copyts', '-i', file, '-map', `0:${streamIndex}`, '-vf', 'showinfo=checksum=0', '-f', 'null', '-'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const marks: Array<number | null> = [];
  const scan = new DecodeLogScan();
  const lines = readline.createInterface({ input: child.stderr! });
  lines.on('line', (line) => scan.read(line, marks));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg could not decode stream ${streamIndex} of ${file} (exit ${code})`);
  return marks;
}

/**
 * Reads ffmpeg's log line by line: frames shown (showinfo) and damage reported between
 * them. Frame times are read as integer timestamps in the filter's time base (pts_time
 * is printed to six significant digits only).
 */
export class DecodeLogScan {
  #timeBase = 0.001;
  #lastFrameMs: number | null = null;
  #damagedSinceLastFrame = false;

  read(line: string, marks: Array<number | null>): void {
    const config = /Parsed_showinfo.*config in time_base: (\d+)\/(\d+)/.exec(line);
    if (config && Number(config[2]) > 0) {
      this.#timeBase = Number(config[1]) / Number(config[2]);
      return;
    }
    const frame = /Parsed_showinfo.*\bn:\s*\d+\s+pts:\s*(-?\d+)/.exec(line);
    if (frame) {
      this.#lastFrameMs = Math.round(Number(frame[1]) * this.#timeBase * 1000);
      this.#damagedSinceLastFrame = false;
      return;
    }
    if (this.#damagedSinceLastFrame || !isDamageReport(line)) return;
    this.#damagedSinceLastFrame = true;
    marks.push(this.#lastFrameMs);
  }
}

/**
 * A decoder error, or ffmpeg saying a frame came out damaged. The null output's own
 * complaints (about timestamps it is handed) are not about the recording.
 */
export function isDamageReport(line: string): boolean {
  if (line.includes('corrupt decoded frame')) return true;
  return /\[(error|fatal)\]/.test(line) && !line.startsWith('[null @');
}

/**
 * The spans to leave out: from the first packet after each last whole frame to the next
 * keyframe after it. Spans that overlap are merged. `packets` in decoding order (without
 * B-frames, as WebRTC's VP8 and H264 baseline are, that is time order).
 */
export function damagedSpans(marks: Array<number | null>, packets: VideoPacket[]): DamagedSpan[] {
  // A stream copy starts at the first keyframe: packet numbers count from there.
  const first = packets.findIndex((p) => p.key);
  if (first < 0) return [];
  const spans: DamagedSpan[] = [];
  for (const lastWhole of marks) {
    const from = packets.findIndex((p, i) => i >= first && (lastWhole === null || p.ms > lastWhole));
    if (from < 0) continue;
    const until = packets.findIndex((p, i) => i > from && p.key);
    const previous = spans.at(-1);
    if (previous && (previous.untilPacket === null || from - first < previous.untilPacket)) continue; // already left out
    spans.push({
      fromMs: packets[from]!.ms,
      untilMs: until < 0 ? null : packets[until]!.ms,
      fromPacket: from - first,
      untilPacket: until < 0 ? null : until - first,
    });
  }
  return spans;
}

/**
 * An ffmpeg `noise` bitstream-filter expression that drops the packets of these spans,
 * by packet number (`n`): ffmpeg 5.1 hands the filter timestamps in the output's time
 * base but `tb` in the input's for MP4, so times cannot be relied on there.
 */
export function dropExpression(spans: DamagedSpan[]): string | null {
  if (spans.length === 0) return null;
  return spans
    .map((s) => (s.untilPacket === null ? `gte(n\\,${s.fromPacket})` : `between(n\\,${s.fromPacket}\\,${s.untilPacket - 1})`))
    .join('+');
}
