/** The tests' own look at a recording file, independent of the server's probing. */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface ProbedFile {
  durationS: number;
  streams: Array<{ codec_type: string; codec_name: string; tags?: { title?: string } }>;
}

export function probe(file: string): ProbedFile {
  const out = execFileSync('ffprobe', ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  const info = JSON.parse(out) as { format: { duration: string }; streams: ProbedFile['streams'] };
  return { durationS: Number(info.format.duration), streams: info.streams };
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
