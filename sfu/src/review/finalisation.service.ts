/**
 * Finalisation: once a session has ended and its recording segments are sealed, make
 * each party's side of each segment playable in a browser and run the automatic quality
 * checks, storing both for the compliance review.
 *
 * It runs in the background, one session at a time (ffmpeg copies packets, and decodes
 * each video once, on one thread, to find damage: the machine also carries live calls),
 * and never holds up the parties of a call. A session
 * whose finalisation did not complete — the server stopped or crashed, or it failed — is
 * finalised again at the next start, from scratch; a completed one is never redone.
 *
 * Segments are kept apart: one playable file per party per segment, each placed on the
 * session's timeline by its start offset. Joining them would need either re-encoding or
 * timestamp gaps that browsers play inconsistently (audio runs on through a gap while the
 * picture waits, so the two drift apart); separate files keep every gap visible, and the
 * player moves from one to the next at its offset.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR } from '../audit/audit-entry.ts';
import type { Logger } from '../logger.ts';
import { probeRecording } from '../recording/recording-probe.ts';
import type { EventRecord, PlayableMediaRecord, RecordingRecord, Repositories } from '../storage/repositories.ts';
import { encryptIntoStore, makePrivateTempDir, plaintextCopyOf, storedFileName } from '../storage/stored-file.ts';
import { damagedSpans, dropExpression, scanDecodeDamage, type DamagedSpan } from './damaged-frames.ts';
import { parsePackets, probePackets, streamTimelines, type Packet } from './packet-timeline.ts';
import { containerFor, partyStreams, remuxParty } from './playable-media.ts';
import { runQualityChecks, type QualityReport } from './quality-checks.ts';
import { timelineZeroMs } from './review-session-detail.ts';
import type { MediaFacts, RegulatedFacts, ReviewAssessment, SegmentMedia, StreamTimeline } from './review-facts.ts';
import { incidentsOf } from './incidents.ts';

export interface FinalisationDeps {
  repos: Repositories;
  /** The playable files' hashes and the verdict are chained into the audit trail. */
  audit: AuditLog;
  ffmpegPath: string;
  ffprobePath: string;
  /** Where the playable files go, one folder per session (DATA_DIR/playback). */
  playbackDir: string;
  logger: Logger;
}

const PARTIES: readonly Role[] = ['kiosk', 'teller'];

export class FinalisationService {
  readonly #deps: FinalisationDeps;
  readonly #logger: Logger;
  readonly #queue: string[] = [];
  #current: Promise<void> | null = null;
  #closed = false;

  constructor(deps: FinalisationDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'finalisation' });
  }

  /** Queues a session that has just ended; returns at once. */
  schedule(sessionId: string): void {
    if (this.#closed || this.#queue.includes(sessionId)) return;
    this.#queue.push(sessionId);
    this.#current ??= this.#work();
  }

  /** Queues every ended session whose finalisation never completed (at server start). */
  async resumeUnfinalised(): Promise<number> {
    const pending = await this.#deps.repos.review.listUnfinalised();
    for (const sessionId of pending) this.schedule(sessionId);
    return pending.length;
  }

  /**
   * Stops taking sessions, for shutdown: resolves once the session in hand is finished;
   * those still queued, and any that end from now on, are finalised at the next start.
   */
  async drain(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    await this.#current;
  }

  /** Resolves when the queue is empty (for tests and measurements). */
  async idle(): Promise<void> {
    while (this.#current) await this.#current;
  }

  async #work(): Promise<void> {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      try {
        await this.finalise(next);
      } catch (error) {
        this.#logger.error({ err: error, sessionId: next }, 'finalisation failed');
        await this.#deps.repos.review
          .failFinalisation(next, { error: error instanceof Error ? error.message : String(error), at: new Date().toISOString() })
          .catch(() => {});
      }
    }
    this.#current = null;
  }

  /** Finalises one ended session now; does nothing if it is already finalised. */
  async finalise(sessionId: string): Promise<QualityReport | null> {
    const { repos } = this.#deps;
    const started = Date.now();
    const session = await repos.sessions.get(sessionId);
    if (!session || session.state !== 'ended') throw new Error(`session ${sessionId} has not ended`);
    if (!(await repos.review.beginFinalisation(sessionId, new Date(started).toISOString()))) return null;

    const [events, recordings] = await Promise.all([repos.events.list(sessionId), repos.recordings.listForSession(sessionId)]);
    if (recordings.some((r) => r.state === 'recording')) throw new Error('a recording segment is still being written');
    const timeZeroMs = timelineZeroMs(events, recordings);
    const dir = path.join(this.#deps.playbackDir, sessionId);
    // Files of an earlier, unfinished attempt are not on record: start over.
    await removeTree(dir);
    const segments: SegmentMedia[] = [];
    for (const recording of recordings) segments.push(await this.#finaliseSegment(recording, events, timeZeroMs, dir));

    const report = await runQualityChecks(await this.#regulatedFacts(sessionId, events), mediaFacts(events, timeZeroMs, segments));
    await repos.review.completeFinalisation(sessionId, {
      checks: report.checks.map((c) => ({ checkId: c.id, passed: c.passed, reason: c.reason })),
      qualityPassed: report.passed,
      at: new Date().toISOString(),
    });
    // Only once done: a finalisation that is redone writes its files again, and the
    // trail must never vouch for bytes that are then replaced.
    await this.#audit(sessionId, report);
    this.#logger.info(
      { sessionId, segments: recordings.length, passed: report.passed, failed: report.checks.filter((c) => !c.passed).map((c) => c.id), ms: Date.now() - started },
      'session finalised',
    );
    return report;
  }

  async #audit(sessionId: string, report: QualityReport): Promise<void> {
    const { audit, repos } = this.#deps;
    for (const media of await repos.review.playableMediaFor(sessionId)) await auditPlayableCopy(audit, media);
    await audit.record({
      actor: SYSTEM_ACTOR,
      action: 'session.finalised',
      sessionId,
      subject: `session:${sessionId}`,
      details: { qualityPassed: report.passed, failedChecks: report.checks.filter((c) => !c.passed).map((c) => c.id) },
    });
  }

  /**
   * Reads one sealed segment's packet timeline and writes each party's playable file.
   * The segment is stored encrypted: ffprobe and ffmpeg read a decrypted copy in a private
   * temporary folder (DATA_DIR/tmp, 0700), where ffmpeg also writes the playable files
   * before they are encrypted into place; the folder is removed once the segment is done.
   */
  async #finaliseSegment(recording: RecordingRecord, events: EventRecord[], timeZeroMs: number | null, dir: string): Promise<SegmentMedia> {
    const startAtMs = segmentStart(recording, events);
    const media: SegmentMedia = { segment: recording.segment, state: recording.state, startAtMs, durationMs: recording.durationMs, streams: null };
    if (recording.state !== 'sealed' && recording.state !== 'interrupted') return media;
    const dataDir = this.#deps.audit.dataDir;
    const work = await makePrivateTempDir(dataDir, 'finalise-');
    try {
      return await this.#finaliseSegmentIn(work, recording, media, timeZeroMs, dir);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  async #finaliseSegmentIn(work: string, recording: RecordingRecord, media: SegmentMedia, timeZeroMs: number | null, dir: string): Promise<SegmentMedia> {
    const dataDir = this.#deps.audit.dataDir;
    const startAtMs = media.startAtMs;
    let source: string;
    let packets: Map<number, Packet[]>;
    let streams: StreamTimeline[];
    try {
      // A segment that does not decrypt (changed, or its key gone) is reported like an unreadable one.
      source = await plaintextCopyOf(dataDir, storedFileName(dataDir, recording.path), work);
      packets = parsePackets(await probePackets(this.#deps.ffprobePath, source));
      streams = streamTimelines(recording.streams, packets);
    } catch (error) {
      return { ...media, problem: firstLine(error) };
    }
    media.streams = streams;
    media.durationMs ??= Math.max(0, ...streams.map((s) => s.endMs));
    const segmentOffsetMs = startAtMs !== null && timeZeroMs !== null ? startAtMs - timeZeroMs : 0;
    await fs.mkdir(dir, { recursive: true });
    // Both parties at once (one decoder thread each), and a failure of one still leaves
    // the other's file.
    const results = await Promise.all(
      PARTIES.map((party) =>
        this.#writePlayable(recording, source, work, party, { streams, packets }, segmentOffsetMs, dir).then(
          (damaged) => ({ damaged, problem: null }),
          (error: unknown) => ({ damaged: [], problem: `${party} could not be made playable: ${firstLine(error)}` }),
        ),
      ),
    );
    media.damaged = results.flatMap((r) => r.damaged);
    const problem = results.map((r) => r.problem).filter(Boolean).join('; ');
    // The media check reports it: the reviewer could not watch this part.
    return problem ? { ...media, streams: null, problem } : media;
  }

  /**
   * Writes the party's playable file of this segment from `source` (the segment's
   * plaintext, in the private folder `work`); returns the damaged video it left out.
   */
  async #writePlayable(
    recording: RecordingRecord,
    source: string,
    work: string,
    party: Role,
    probed: { streams: StreamTimeline[]; packets: Map<number, Packet[]> },
    segmentOffsetMs: number,
    dir: string,
  ): Promise<NonNullable<SegmentMedia['damaged']>> {
    const streams = partyStreams(recording.streams, party);
    if (!streams.audio && !streams.video) return []; // the party was not in this segment
    const container = containerFor(streams.audio?.codecName ?? null, streams.video?.codecName ?? null);
    if (!container) throw new Error(`no browser container for ${streams.audio?.codecName ?? '-'} + ${streams.video?.codecName ?? '-'}`);
    const damaged = streams.video ? await this.#damagedVideo(source, streams.video.index, probed.packets.get(streams.video.index) ?? []) : [];
    const fileName = `segment-${String(recording.segment).padStart(3, '0')}-${party}.${container.extension}`;
    const target = path.join(dir, fileName);
    const plain = path.join(work, fileName);
    await remuxParty(this.#deps.ffmpegPath, source, streams, container, plain, dropExpression(damaged));
    const probe = await probeRecording(this.#deps.ffprobePath, plain);
    // Encrypted into place (read-only); size and hash are the stored bytes', as the trail's.
    const dataDir = this.#deps.audit.dataDir;
    const stored = await encryptIntoStore(dataDir, plain, storedFileName(dataDir, target));
    await fs.rm(plain, { force: true });
    // The remux moved the party's first packet to 0; the file starts that much into the segment.
    const shiftMs = Math.min(...probed.streams.filter((t) => t.title.startsWith(`${party}-`) && t.packets > 0).map((t) => t.firstMs), Infinity);
    await this.#deps.repos.review.addPlayableMedia({
      sessionId: recording.sessionId,
      recordingId: recording.id,
      segment: recording.segment,
      party,
      path: target,
      mimeType: container.mimeType,
      startOffsetMs: segmentOffsetMs + (Number.isFinite(shiftMs) ? shiftMs : 0),
      durationMs: probe.durationMs,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      createdAt: new Date().toISOString(),
    });
    return damaged.map((d) => ({ track: `${party}-video`, fromMs: d.fromMs, untilMs: d.untilMs }));
  }

  /** Where the video stream's decoding breaks, as spans to leave out of playback. */
  async #damagedVideo(file: string, streamIndex: number, packets: Packet[]): Promise<DamagedSpan[]> {
    const marks = await scanDecodeDamage(this.#deps.ffmpegPath, file, streamIndex);
    // Whole milliseconds, as the decoder's frame times are read.
    return damagedSpans(marks, packets.map((p) => ({ ms: Math.round(p.ms), key: p.key })));
  }

  async #regulatedFacts(sessionId: string, events: EventRecord[]): Promise<RegulatedFacts> {
    const { repos } = this.#deps;
    const [answers, assessments, stored, signature, identity] = await Promise.all([
      repos.assessments.answers(sessionId),
      repos.review.assessmentsOf(sessionId),
      repos.review.storedOutcome(sessionId),
      repos.signing.signatureFor(sessionId),
      repos.customers.identityFor(sessionId),
    ]);
    return {
      events,
      answers,
      assessments,
      reusedAssessment: await this.#reusedAssessment(events),
      stored: stored ?? { riskLevel: null, productCode: null, outcome: null },
      signature: signature ? { document: signature.document, documentHash: signature.documentHash } : null,
      customerBirthDate: identity?.birthDate ?? null,
    };
  }

  /** The earlier session's assessment that this session reused, if it reused one. */
  async #reusedAssessment(events: EventRecord[]): Promise<ReviewAssessment | null> {
    const reuse = events.findLast((e) => e.type === 'assessment.reused');
    const from = (reuse?.payload as { fromSession?: unknown } | undefined)?.fromSession;
    if (typeof from !== 'string') return null;
    return (await this.#deps.repos.review.assessmentsOf(from)).at(-1) ?? null;
  }
}

/**
 * When a segment's file time zero was, epoch ms: its recording.started event marks the
 * moment its tracks were let through to ffmpeg; the row's start (taken before ffmpeg was
 * spawned) is the fallback.
 */
function segmentStart(recording: RecordingRecord, events: EventRecord[]): number | null {
  const started = events.find((e) => e.type === 'recording.started' && (e.payload as { segment?: unknown }).segment === recording.segment);
  return Date.parse(started?.at ?? recording.startedAt);
}

function mediaFacts(events: EventRecord[], timeZeroMs: number | null, segments: SegmentMedia[]): MediaFacts {
  const connected = events.find((e) => e.type === 'call.connected') ?? events.find((e) => e.type === 'session.accepted');
  // A session cut off by a crash is closed at the next start with session.interrupted.
  const ended = events.findLast((e) => e.type === 'session.ended' || e.type === 'session.interrupted');
  return {
    connectedAtMs: connected ? Date.parse(connected.at) : null,
    connectedBy: (connected?.type as MediaFacts['connectedBy']) ?? null,
    endedAtMs: ended ? Date.parse(ended.at) : null,
    timeZeroMs,
    segments,
    incidents: incidentsOf(events),
  };
}

async function removeTree(dir: string): Promise<void> {
  // Finished files are read-only; their folder is not, so they can be removed.
  await fs.rm(dir, { recursive: true, force: true });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? ((error as { stderr?: string }).stderr?.trim() || error.message) : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/** Chains a playable copy's hash into the audit trail; verification re-reads the file. */
export async function auditPlayableCopy(audit: AuditLog, media: PlayableMediaRecord): Promise<void> {
  await audit.record({
    actor: SYSTEM_ACTOR,
    action: 'playback.created',
    sessionId: media.sessionId,
    subject: `playback:${media.id}`,
    details: { recordingId: media.recordingId, segment: media.segment, party: media.party, sizeBytes: media.sizeBytes },
    file: { path: media.path, sha256: media.sha256 },
  });
}
