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

/** Decodes the whole file; returns ffmpeg's error output (empty when every packet decodes). */
export function decodeErrors(file: string): string {
  return spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
