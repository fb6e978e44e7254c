/**
 * Records one call for as long as it lasts, as one or more segments. A new segment
 * starts when the set of tracks changes (a party joins, leaves or rejoins) or when ffmpeg
 * dies; each finished segment is sealed (its encrypted journal converted into the stored
 * encrypted file, probed, hashed, made read-only).
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { Room } from '../call/room.ts';
import type { RecordingRepository } from '../storage/repositories.ts';
import { RecordingSegment } from './recording-segment.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditSealedRecording, sealRecordingFile, type SealedFile } from './seal-recording.ts';
import type { UdpPortAllocator } from './udp-ports.ts';

/** Waiting this long for the remaining tracks avoids a new segment per track at call start. */
const TRACK_SETTLE_MS = 1500;
const FULL_CALL_TRACKS = 4;

export interface SessionRecorderEvents {
  'segment-started': [info: { segment: number; startedAt: Date; tracks: string[] }];
  /** ffmpeg has opened the segment's file: from here on, packets are written to disk. */
  'segment-writing': [info: { segment: number }];
  'segment-sealed': [info: { segment: number; endedAt: Date; durationMs: number | null; sha256: string; interrupted: boolean }];
  'segment-failed': [info: { segment: number; error: string }];
  /**
   * ffmpeg died mid-segment and a new segment replaced it. The hole in the recording runs
   * from the end of what the dead segment's file holds (`from`; its process's exit when
   * the file could not be measured) to when the new one's packets were let through;
   * `restartMs` is from the exit to that start.
   */
  'segment-gap': [info: { afterSegment: number; segment: number; from: Date; until: Date; gapMs: number; restartMs: number }];
}

export interface SessionRecorderDeps {
  recordings: RecordingRepository;
  ports: UdpPortAllocator;
  ffmpegPath: string;
  ffprobePath: string;
  recordingsDir: string;
  audit: AuditLog;
  logger: Logger;
}

interface ActiveSegment {
  segment: RecordingSegment;
  recordingId: number;
  trackKey: string;
}

export class SessionRecorder extends EventEmitter<SessionRecorderEvents> {
  readonly #room: Room;
  readonly #deps: SessionRecorderDeps;
  readonly #logger: Logger;
  #active: ActiveSegment | null = null;
  #nextSegment = 1;
  #settleTimer: NodeJS.Timeout | null = null;
  /** Segment changes run one after another. */
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(room: Room, deps: SessionRecorderDeps) {
    super();
    this.#room = room;
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'recorder', sessionId: room.sessionId });
  }

  get dir(): string {
    return path.join(this.#deps.recordingsDir, this.#room.sessionId);
  }

  async start(): Promise<void> {
    const earlier = await this.#deps.recordings.listForSession(this.#room.sessionId);
    this.#nextSegment = Math.max(0, ...earlier.map((r) => r.segment)) + 1;
    this.#room.on('producers-changed', this.#onProducersChanged);
    this.#onProducersChanged();
  }

  /** Asks the parties' browsers for a keyframe now (after their media came back). */
  requestKeyFrames(): void {
    this.#active?.segment.requestKeyFrames();
  }

  /** Ends the current segment and seals it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#room.off('producers-changed', this.#onProducersChanged);
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    await this.#enqueue(() => this.#finishActive(false));
  }

  readonly #onProducersChanged = (): void => {
    if (this.#stopped) return;
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    // A complete set of tracks, or a segment whose media is gone, needs no settling time.
    const now = this.#room.producers.length >= FULL_CALL_TRACKS || this.#active?.segment.mediaLost;
    this.#settleTimer = setTimeout(() => void this.#enqueue(() => this.#rollSegment()), now ? 0 : TRACK_SETTLE_MS);
  };

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(step).catch((error: unknown) => {
      this.#logger.error({ err: error }, 'recording step failed');
    });
    return this.#queue;
  }

  /** Starts a new segment for the current tracks, unless they are what is being recorded. */
  async #rollSegment(): Promise<void> {
    if (this.#stopped || this.#room.closed) return;
    const producers = this.#room.producers;
    const trackKey = producers.map((p) => p.producer.id).join(',');
    if (this.#active?.trackKey === trackKey && this.#active.segment.ffmpeg?.running) return;
    await this.#finishActive(this.#active?.segment.mediaLost ?? false);
    await this.#startSegment(producers);
  }

  /**
   * ffmpeg died on its own: the new segment starts first (its keyframes are asked for as
   * for any segment), then the dead one is sealed as interrupted, so that the hole in the
   * recording is as short as starting a process.
   */
  async #replaceDeadSegment(dead: ActiveSegment, exitedAt: Date): Promise<void> {
    if (this.#active !== dead) return;
    this.#active = null;
    dead.segment.release();
    const sealing = this.#seal(dead, true, exitedAt);
    let started: RecordingSegment | null = null;
    try {
      started = this.#stopped || this.#room.closed ? null : await this.#startSegment(this.#room.producers);
    } finally {
      const sealed = await sealing;
      const until = started?.startedAt;
      if (started && until) {
        const deadStart = dead.segment.startedAt?.getTime();
        const fileEnd = deadStart !== undefined && sealed?.durationMs != null ? new Date(deadStart + sealed.durationMs) : null;
        const from = fileEnd && fileEnd < until ? fileEnd : exitedAt;
        this.emit('segment-gap', {
          afterSegment: dead.segment.number,
          segment: started.number,
          from,
          until,
          gapMs: until.getTime() - from.getTime(),
          restartMs: until.getTime() - exitedAt.getTime(),
        });
      }
    }
  }

  async #startSegment(producers: Room['producers']): Promise<RecordingSegment | null> {
    if (producers.length === 0 || this.#stopped || this.#room.closed) return null;
    const trackKey = producers.map((p) => p.producer.id).join(',');
    const number = this.#nextSegment++;
    const segment = new RecordingSegment({ number, dir: this.dir, ports: this.#deps.ports, logger: this.#logger });
    const recordingId = await this.#deps.recordings.start({
      sessionId: this.#room.sessionId,
      segment: number,
      path: segment.files.mkv,
      startedAt: new Date().toISOString(),
    });
    this.#active = { segment, recordingId, trackKey };
    try {
      await segment.start(this.#room.router, producers, this.#deps.ffmpegPath);
    } catch (error) {
      segment.release();
      await segment.ffmpeg?.stop();
      await segment.discardOutput().catch((err: unknown) => this.#logger.warn({ err, segment: number }, 'could not remove the journal of a segment that did not start'));
      this.#active = null;
      await this.#deps.recordings.finish(recordingId, {
        state: 'failed', endedAt: new Date().toISOString(), sizeBytes: null, durationMs: null, streams: [], sha256: null,
      });
      this.emit('segment-failed', { segment: number, error: String(error) });
      throw error;
    }
    const active = this.#active!;
    segment.ffmpeg?.once('exit', ({ expected }) => {
      if (expected || this.#stopped) return;
      const exitedAt = new Date();
      this.#logger.warn({ segment: number }, 'ffmpeg exited unexpectedly; starting a new segment');
      void this.#enqueue(() => this.#replaceDeadSegment(active, exitedAt));
    });
    this.emit('segment-started', {
      segment: number,
      startedAt: segment.startedAt!,
      tracks: producers.map((p) => `${p.role}-${p.kind}`),
    });
    const ffmpeg = segment.ffmpeg;
    if (ffmpeg?.outputOpened) this.emit('segment-writing', { segment: number });
    else ffmpeg?.once('output-opened', () => this.emit('segment-writing', { segment: number }));
    return segment;
  }

  async #finishActive(interrupted: boolean): Promise<void> {
    const active = this.#active;
    if (!active) return;
    this.#active = null;
    // Even an interrupted segment's ffmpeg is asked to stop: it writes what it can.
    await active.segment.stop();
    await this.#seal(active, interrupted, new Date());
  }

  /** Probes, hashes and stores a finished segment's file, and audits it. */
  async #seal(active: ActiveSegment, interrupted: boolean, endedAt: Date): Promise<SealedFile | null> {
    const state = interrupted ? 'interrupted' : 'sealed';
    let sealed: SealedFile;
    try {
      // A dead ffmpeg's last bytes may still be on their way into the journal.
      await active.segment.outputWritten();
      sealed = await sealRecordingFile(this.#deps.ffprobePath, active.segment.files.mkv);
      if (sealed.droppedTornRecord) this.#logger.warn({ segment: active.segment.number }, 'the recording journal ended in a torn record, left out');
      await this.#deps.recordings.finish(active.recordingId, { state, endedAt: endedAt.toISOString(), ...sealed });
    } catch (error) {
      await this.#deps.recordings.finish(active.recordingId, {
        state: 'failed', endedAt: endedAt.toISOString(), sizeBytes: null, durationMs: null, streams: [], sha256: null,
      });
      this.emit('segment-failed', { segment: active.segment.number, error: String(error) });
      return null;
    }
    // Outside the try: the file is sealed whether or not the audit trail takes it, and
    // an audit failure must not mark a good recording failed (it is logged by #enqueue).
    await auditSealedRecording(
      this.#deps.audit,
      { id: active.recordingId, sessionId: this.#room.sessionId, segment: active.segment.number, path: active.segment.files.mkv },
      state,
      sealed,
    );
    this.emit('segment-sealed', {
      segment: active.segment.number,
      endedAt,
      durationMs: sealed.durationMs,
      sha256: sealed.sha256,
      interrupted,
    });
    return sealed;
  }
}
