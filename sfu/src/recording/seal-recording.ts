import fs from 'node:fs/promises';
import type { RecordingStream } from '@vtm/shared';
import { probeRecording, sha256File } from './recording-probe.ts';

export interface SealedFile {
  sizeBytes: number;
  durationMs: number | null;
  streams: RecordingStream[];
  sha256: string;
}

/** Measures a finished recording file, fixes its content by hash and makes it read-only. */
export async function sealRecordingFile(ffprobePath: string, file: string): Promise<SealedFile> {
  await fs.chmod(file, 0o444);
  const [{ size }, probe, sha256] = await Promise.all([fs.stat(file), probeRecording(ffprobePath, file), sha256File(file)]);
  return { sizeBytes: size, durationMs: probe.durationMs, streams: probe.streams, sha256 };
}
