/** The tests' own look at a recording file, independent of the server's probing. */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface ProbedFile {
  durationS: number;
  streams: Array<{ codec_type: string; codec_name: string; tags?: { title?: string } }>;
}

/**
 * Streams and duration. A recording is written by ffmpeg to a pipe, so its header has no
 * duration: then, as the server does, the end of its last packet is taken.
 */
export function probe(file: string): ProbedFile {
  const out = execFileSync('ffprobe', ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  const info = JSON.parse(out) as { format: { duration?: string }; streams: ProbedFile['streams'] };
  const durationS = Number(info.format.duration);
  return { durationS: Number.isFinite(durationS) ? durationS : lastPacketEndS(file), streams: info.streams };
}

function lastPacketEndS(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-of', 'csv=p=0', '-show_entries', 'packet=pts_time,duration_time', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  let end = 0;
  for (const line of out.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (pts !== undefined && Number.isFinite(pts)) end = Math.max(end, pts + (Number.isFinite(duration) ? duration! : 0));
  }
  return end;
}

/**
 * Decodes the whole file; returns the decoders' error lines (none when every packet
 * decodes, which also means each video stream starts on a keyframe). Complaints of the
 * null muxer about equal timestamps are about the test's own output, not the file.
 */
export function decodeErrors(file: string): string[] {
  const { stderr } = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0', '-f', 'null', '-'], { encoding: 'utf8' });
  return stderr
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('[null @') && !line.includes('Last message repeated'));
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
