/**
 * The recorder as a whole: starts a SessionRecorder per call, recovers recordings left
 * unfinished by a crash, and reports whether ffmpeg is usable.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Logger } from '../logger.ts';
import type { Room } from '../call/room.ts';
import type { RecordingRepository } from '../storage/repositories.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR } from '../audit/audit-entry.ts';
import { recordingJournalName } from '../storage/stored-file.ts';
import { ffmpegPidFileOf, sdpFileOf } from './recording-segment.ts';
import { EmptyRecordingError, auditSealedRecording, sealRecordingFile, type SealedFile } from './seal-recording.ts';
import { SessionRecorder } from './session-recorder.ts';
import { UdpPortAllocator } from './udp-ports.ts';

const run = promisify(execFile);

export interface RecordingConfig {
  ffmpegPath: string;
  ffprobePath: string;
  minPort: number;
  maxPort: number;
}

export class RecordingService {
  readonly #config: RecordingConfig;
  readonly #recordingsDir: string;
  readonly #recordings: RecordingRepository;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #ports: UdpPortAllocator;
  #ffmpegVersion: string | null = null;

  constructor(init: { config: RecordingConfig; recordingsDir: string; recordings: RecordingRepository; audit: AuditLog; logger: Logger }) {
    this.#config = init.config;
    this.#recordingsDir = init.recordingsDir;
    this.#recordings = init.recordings;
    this.#audit = init.audit;
    this.#logger = init.logger.child({ component: 'recording' });
    this.#ports = new UdpPortAllocator(init.config.minPort, init.config.maxPort);
  }

  /** ffmpeg's version line, or null when ffmpeg or ffprobe cannot run. */
  get ffmpegVersion(): string | null {
    return this.#ffmpegVersion;
  }

  async checkTools(): Promise<boolean> {
    try {
      const [ffmpeg] = await Promise.all([
        run(this.#config.ffmpegPath, ['-hide_banner', '-version']),
        run(this.#config.ffprobePath, ['-hide_banner', '-version']),
      ]);
      this.#ffmpegVersion = ffmpeg.stdout.split('\n')[0] ?? 'ffmpeg';
    } catch {
      this.#ffmpegVersion = null;
    }
    return this.#ffmpegVersion !== null;
  }

  recorderFor(room: Room): SessionRecorder {
    return new SessionRecorder(room, {
      recordings: this.#recordings,
      ports: this.#ports,
      ffmpegPath: this.#config.ffmpegPath,
      ffprobePath: this.#config.ffprobePath,
      recordingsDir: this.#recordingsDir,
      audit: this.#audit,
      logger: this.#logger,
    });
  }

  /**
   * After a crash, recordings still marked as running hold what ffmpeg sent before it
   * died, in their encrypted journals (or, from an earlier version, a plaintext file).
   * Seal them as interrupted so they are hashed and playable like any other.
   */
  async recoverUnfinished(): Promise<number> {
    await stopEveryOrphanedFfmpeg(this.#recordingsDir);
    const unfinished = await this.#recordings.listUnfinished();
    for (const recording of unfinished) {
      await stopOrphanedFfmpeg(recording.path);
      const endedAt = new Date().toISOString();
      const hasBytes = (file: string) => fs.stat(file).then((s) => s.size > 0, () => false);
      const exists = (await hasBytes(recording.path)) || (await hasBytes(recordingJournalName(recording.path)));
      if (!exists) {
        await this.#failRecovery(recording, endedAt, 'no file left after a crash');
        continue;
      }
      let sealed: SealedFile;
      try {
        sealed = await sealRecordingFile(this.#config.ffprobePath, recording.path);
      } catch (error) {
        // One unreadable recording must not keep the server from starting.
        if (!(error instanceof EmptyRecordingError)) this.#logger.error({ err: error, sessionId: recording.sessionId, segment: recording.segment }, 'could not seal a recording left by a crash');
        await this.#failRecovery(recording, endedAt, error instanceof EmptyRecordingError ? 'nothing recorded before a crash' : `could not be sealed after a crash: ${(error as Error).message}`);
        continue;
      }
      if (sealed.droppedTornRecord) this.#logger.warn({ sessionId: recording.sessionId, segment: recording.segment }, 'the recording journal ended in a torn record, left out');
      await this.#recordings.finish(recording.id, { state: 'interrupted', endedAt, ...sealed });
      await auditSealedRecording(this.#audit, recording, 'interrupted', sealed);
      this.#logger.warn({ sessionId: recording.sessionId, segment: recording.segment }, 'recovered an interrupted recording');
    }
    return unfinished.length;
  }

  async #failRecovery(recording: { id: number; sessionId: string; segment: number }, endedAt: string, reason: string): Promise<void> {
    await this.#recordings.finish(recording.id, {
      state: 'failed', endedAt, sizeBytes: null, durationMs: null, streams: [], sha256: null,
    });
    await this.#audit.record({
      actor: SYSTEM_ACTOR,
      action: 'recording.failed',
      sessionId: recording.sessionId,
      subject: `recording:${recording.id}`,
      details: { segment: recording.segment, reason },
    });
  }
}

/**
 * Every recorder ffmpeg a killed server left behind, whatever the database says of its
 * segment (a crash can fall between spawning ffmpeg and recording its outcome).
 */
async function stopEveryOrphanedFfmpeg(recordingsDir: string): Promise<void> {
  const sessions = await fs.readdir(recordingsDir).catch(() => [] as string[]);
  for (const session of sessions) {
    const files = await fs.readdir(path.join(recordingsDir, session)).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.ffmpeg.pid'))) {
      await stopOrphanedFfmpeg(path.join(recordingsDir, session, file.replace(/\.ffmpeg\.pid$/, '.mkv')));
    }
  }
}

/**
 * An ffmpeg left running by a server that was killed gets no more packets and would
 * block forever (its stdout, the journal's source, is gone with the server): stop it.
 * It is known by its segment's SDP on its command line (it writes to a pipe).
 */
async function stopOrphanedFfmpeg(recordingPath: string): Promise<void> {
  const pidFile = ffmpegPidFileOf(recordingPath);
  const pid = Number(await fs.readFile(pidFile, 'utf8').catch(() => ''));
  if (!pid) return;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (cmdline.includes(sdpFileOf(recordingPath))) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && (await fs.stat(`/proc/${pid}`).then(() => true, () => false)); i++) await sleep(20);
  }
  await fs.rm(pidFile, { force: true });
}
