import fs from 'node:fs/promises';
import type { RecordingStream } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR } from '../audit/audit-entry.ts';
import {
  dataFolderOf,
  encryptIntoStore,
  hashStoredFile,
  sealRecordingJournal,
  storedFileExists,
  storedFileKeyId,
  storedFileName,
  withPlaintextCopy,
  type StoredBytes,
} from '../storage/stored-file.ts';
import { probeRecording, type ProbeResult } from './recording-probe.ts';

export interface SealedFile {
  /** Size and SHA-256 of the file as stored (encrypted): what the audit trail vouches for. */
  sizeBytes: number;
  durationMs: number | null;
  streams: RecordingStream[];
  sha256: string;
  /** Set when the recording came from its journal and a torn last record (a crash) was left out. */
  droppedTornRecord?: boolean;
}

/** ffmpeg never wrote a byte of media (it died or was stopped before its output opened). */
export class EmptyRecordingError extends Error {
  override name = 'EmptyRecordingError';
}

/**
 * Seals a finished recording (its ffmpeg has ended and its journal is closed): converts
 * its encrypted journal (recording-journal.ts) into the stored encrypted file `file`
 * (read-only) and removes the journal, measures it with ffprobe from a private decrypted
 * copy, and fixes the stored bytes by hash. Also takes a file already encrypted (a crash
 * came between the conversion and the seal being stored), and a plaintext file from an
 * earlier version, which is measured, then replaced by its encrypted form (should
 * ffprobe fail, the file is still encrypted before the error is passed on).
 */
export async function sealRecordingFile(ffprobePath: string, file: string): Promise<SealedFile> {
  const dataDir = dataFolderOf(file);
  const name = storedFileName(dataDir, file);
  const journal = await sealRecordingJournal(dataDir, name);
  if (journal?.kind === 'empty' && !(await storedFileExists(dataDir, name))) {
    throw new EmptyRecordingError(`${name}: nothing was recorded (ffmpeg wrote no media)`);
  }
  const droppedTornRecord = journal?.kind === 'converted' && journal.outcome.truncated ? { droppedTornRecord: true } : {};
  let probe: ProbeResult;
  let stored: StoredBytes;
  if (await storedFileKeyId(dataDir, name)) {
    probe = await withPlaintextCopy(dataDir, name, (plain) => probeRecording(ffprobePath, plain));
    // Just converted: its size and hash were taken as it was written.
    stored = journal?.kind === 'converted' ? journal.stored : await hashStoredFile(dataDir, name);
  } else {
    await fs.chmod(file, 0o444);
    const probed = await probeRecording(ffprobePath, file).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    stored = await encryptIntoStore(dataDir, file, name);
    if ('error' in probed) throw probed.error;
    probe = probed.result;
  }
  return { sizeBytes: stored.sizeBytes, durationMs: probe.durationMs, streams: probe.streams, sha256: stored.sha256, ...droppedTornRecord };
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
