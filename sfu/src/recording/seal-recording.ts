import fs from 'node:fs/promises';
import type { RecordingStream } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR } from '../audit/audit-entry.ts';
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

/** Chains a sealed recording's hash into the audit trail; verification re-reads the file. */
export async function auditSealedRecording(
  audit: AuditLog,
  recording: { id: number; sessionId: string; segment: number; path: string },
  state: 'sealed' | 'interrupted',
  sealed: SealedFile,
): Promise<void> {
  await audit.record({
    actor: SYSTEM_ACTOR,
    action: state === 'sealed' ? 'recording.sealed' : 'recording.interrupted',
    sessionId: recording.sessionId,
    subject: `recording:${recording.id}`,
    details: { segment: recording.segment, sizeBytes: sealed.sizeBytes, durationMs: sealed.durationMs },
    file: { path: recording.path, sha256: sealed.sha256 },
  });
}
