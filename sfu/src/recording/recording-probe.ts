/** What ffprobe says about a recording file: its streams and how long it plays. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { promisify } from 'node:util';
import type { RecordingStream } from '@vtm/shared';

const run = promisify(execFile);

interface FfprobeStream {
  index: number;
  codec_type: string;
  codec_name?: string;
  tags?: Record<string, string>;
}

export interface ProbeResult {
  durationMs: number | null;
  streams: RecordingStream[];
}

export async function probeRecording(ffprobe: string, file: string): Promise<ProbeResult> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', file], {
    maxBuffer: 4 * 1024 * 1024,
  });
  const info = JSON.parse(stdout) as { format?: { duration?: string }; streams?: FfprobeStream[] };
  const streams = (info.streams ?? [])
    .filter((s) => s.codec_type === 'audio' || s.codec_type === 'video')
    .map((s) => ({
      index: s.index,
      codecType: s.codec_type as 'audio' | 'video',
      codecName: s.codec_name ?? 'unknown',
      title: s.tags?.['title'] ?? s.tags?.['TITLE'] ?? null,
    }));
  const formatDuration = Number(info.format?.duration);
  const durationMs = Number.isFinite(formatDuration)
    ? Math.round(formatDuration * 1000)
    : await lastPacketEndMs(ffprobe, file);
  return { durationMs, streams };
}

/**
 * A file cut short by a crash has no duration in its header; the end of its last packet
 * says how much of it plays.
 */
async function lastPacketEndMs(ffprobe: string, file: string): Promise<number | null> {
  const { stdout } = await run(
    ffprobe,
    ['-v', 'error', '-of', 'csv=p=0', '-show_entries', 'packet=pts_time,duration_time', file],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  let end = 0;
  for (const line of stdout.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (pts !== undefined && Number.isFinite(pts)) end = Math.max(end, pts + (Number.isFinite(duration) ? duration! : 0));
  }
  return end > 0 ? Math.round(end * 1000) : null;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
