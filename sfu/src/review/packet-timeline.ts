/**
 * Where each stream of a recording file has packets, from ffprobe's packet list: enough
 * to tell a stream that is missing, starts late, stalls or stops early.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RecordingStream } from '@vtm/shared';
import type { StreamTimeline } from './review-facts.ts';

const run = promisify(execFile);

/** ffprobe's packets as `stream_index=0|pts_time=0.020000|dts_time=…|duration_time=0.020000|flags=K_` lines. */
export async function probePackets(ffprobe: string, file: string): Promise<string> {
  const { stdout } = await run(
    ffprobe,
    ['-v', 'error', '-of', 'compact=p=0', '-show_entries', 'packet=stream_index,pts_time,dts_time,duration_time,flags', file],
    // A 10-minute call has ~85,000 packets of ~70 bytes each.
    { maxBuffer: 512 * 1024 * 1024 },
  );
  return stdout;
}

export interface Packet {
  stream: number;
  ms: number;
  durationMs: number;
  /** A keyframe (ffprobe's K flag): decoding can start again here. */
  key: boolean;
}

/** One packet line; null for lines without a usable time (ffprobe prints N/A). */
export function parsePacketLine(line: string): Packet | null {
  const fields = new Map(line.split('|').map((kv) => kv.split('=', 2) as [string, string]));
  const stream = Number(fields.get('stream_index'));
  // Presentation time where known; VP8 and baseline H264 have no reordering, so it equals dts.
  const time = Number(fields.get('pts_time') ?? NaN);
  const fallback = Number(fields.get('dts_time') ?? NaN);
  const seconds = Number.isFinite(time) ? time : fallback;
  if (!Number.isInteger(stream) || !Number.isFinite(seconds)) return null;
  const duration = Number(fields.get('duration_time') ?? NaN);
  const key = fields.get('flags')?.startsWith('K') ?? false;
  return { stream, ms: seconds * 1000, durationMs: Number.isFinite(duration) ? duration * 1000 : 0, key };
}

/** ffprobe's packet list, per stream index, each in time order. */
export function parsePackets(packetLines: string): Map<number, Packet[]> {
  const packets = new Map<number, Packet[]>();
  for (const line of packetLines.split('\n')) {
    const packet = line.trim() ? parsePacketLine(line.trim()) : null;
    if (!packet) continue;
    if (!packets.has(packet.stream)) packets.set(packet.stream, []);
    packets.get(packet.stream)!.push(packet);
  }
  for (const list of packets.values()) list.sort((a, b) => a.ms - b.ms);
  return packets;
}

/** Each stream's timeline; a stream without packets has `packets: 0`. */
export function streamTimelines(streams: RecordingStream[], packets: Map<number, Packet[]>): StreamTimeline[] {
  return streams.map((stream) => timelineOf(stream, packets.get(stream.index) ?? []));
}

export function summarisePackets(streams: RecordingStream[], packetLines: string): StreamTimeline[] {
  return streamTimelines(streams, parsePackets(packetLines));
}

function timelineOf(stream: RecordingStream, sorted: Packet[]): StreamTimeline {
  const title = stream.title ?? `${stream.codecType}-${stream.index}`;
  if (sorted.length === 0) return { title, codecType: stream.codecType, packets: 0, firstMs: 0, endMs: 0, longestGap: { fromMs: 0, ms: 0 } };
  let longestGap = { fromMs: sorted[0]!.ms, ms: 0 };
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]!.ms - sorted[i - 1]!.ms;
    if (gap > longestGap.ms) longestGap = { fromMs: sorted[i - 1]!.ms, ms: gap };
  }
  const last = sorted.at(-1)!;
  return {
    title,
    codecType: stream.codecType,
    packets: sorted.length,
    firstMs: Math.round(sorted[0]!.ms),
    endMs: Math.round(last.ms + last.durationMs),
    longestGap: { fromMs: Math.round(longestGap.fromMs), ms: Math.round(longestGap.ms) },
  };
}
