/**
 * Retention: RETENTION_YEARS (default 5) after a session ends, its media, images and the
 * customer's personal data are removed (`npm run retention:purge`). What stays is the
 * record that the sale happened and how: the session row and its outcome, level and
 * product, the timeline (with the free text that could name a person redacted), the
 * answers and assessment (no longer linked to a person), the signed document's hash,
 * the quality checks, the review decisions, the rows describing each file (size, SHA-256)
 * and the whole audit trail.
 *
 * A session still in retention is never touched, nor one under review: no decision yet,
 * or the latest decision asks for follow-up; nor one whose finalisation has not completed
 * (it would run again on files the purge removed). Those are reported as held.
 *
 * Crash safety (the purge can be stopped at any point and run again):
 *  - per file, the 'file.purged' entry is appended BEFORE the file is deleted. Stopped
 *    in between, the trail no longer expects a file that is still there, which
 *    verification does not mind, and the next run deletes it without a second entry.
 *    The other order would leave a file missing that the trail still vouches for: a
 *    verification run in between would report tampering.
 *  - then 'session.purged', then the database changes, in one transaction that also sets
 *    `purged_at`. Stopped before that transaction, the session is still unpurged in the
 *    database, so the next run takes it again, finds the entries already made, and only
 *    completes what is missing.
 */
import { RetentionReport } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR, jsonSha256 } from '../audit/audit-entry.ts';
import type { ExpiredSessionRecord, Repositories } from '../storage/repositories.ts';
import { hashStoredFile, removeStoredFile, removeStoredFolder, storedFileExists, storedFileName } from '../storage/stored-file.ts';
import { REDACTED, redactEvents } from './event-redaction.ts';

export interface RetentionDeps {
  repos: Repositories;
  audit: AuditLog;
  retentionYears: number;
}

export interface RetentionRun {
  /** The clock the retention period is measured against. */
  now: Date;
  /** True when `now` is not the real time (a run judged as of another day); recorded with each purge. */
  clockOverridden?: boolean;
  /** Reports what would be purged and held, and how many files would go, changing nothing. */
  dryRun?: boolean;
}

/** A file kept for a session, as its row names it. */
interface StoredFile {
  /** As the database holds it (absolute), which is how the trail's entries were made. */
  path: string;
  relative: string;
  /** What the database says it holds; null for a recording that failed before it was sealed. */
  sha256: string | null;
  subject: string;
}

/** The folders a session's files live in, one per kind, named after the session. */
const SESSION_FOLDERS = ['recordings', 'playback', 'evidence'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The end of a session's retention period is `years` calendar years after it ended. */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/** Why an expired session must be kept for now; null when it may be purged. */
export function holdReason(session: Pick<ExpiredSessionRecord, 'latestDecision' | 'finalisation'>): string | null {
  // Finalisation still to come would work on files the purge removed.
  if (session.finalisation !== 'done') return `not finalised (${session.finalisation ?? 'never started'}): its playable media and checks are not complete`;
  if (session.latestDecision === null) return 'under review: no decision yet';
  if (session.latestDecision === 'follow-up') return 'under review: the latest decision asks for follow-up';
  return null;
}

export class RetentionService {
  readonly #repos: Repositories;
  readonly #audit: AuditLog;
  readonly #years: number;

  constructor(deps: RetentionDeps) {
    this.#repos = deps.repos;
    this.#audit = deps.audit;
    this.#years = deps.retentionYears;
  }

  async run(options: RetentionRun): Promise<RetentionReport> {
    const cutoff = retentionCutoff(options.now, this.#years).toISOString();
    const report: RetentionReport = { cutoff, purged: [], held: [], filesRemoved: 0 };
    for (const session of await this.#repos.retention.listExpired(cutoff)) {
      const reason = holdReason(session);
      if (reason) {
        report.held.push({ sessionId: session.sessionId, reason });
        continue;
      }
      report.filesRemoved += options.dryRun ? await this.#countFiles(session.sessionId) : await this.#purge(session, cutoff, options);
      report.purged.push(session.sessionId);
    }
    return RetentionReport.parse(report);
  }

  /** Removes one session's files and personal data; returns how many files this run removed. */
  async #purge(session: ExpiredSessionRecord, cutoff: string, run: RetentionRun): Promise<number> {
    const { sessionId } = session;
    const trail = await this.#repos.audit.listForSession(sessionId);
    const alreadyPurged = new Set(trail.filter((e) => e.action === 'file.purged').map((e) => e.details['file']));
    const files = await this.#storedFiles(sessionId);
    let removed = 0;
    for (const file of files) {
      if (!alreadyPurged.has(file.relative) && !(await this.#recordFilePurged(sessionId, file))) continue;
      if (await removeStoredFile(this.#audit.dataDir, file.relative)) removed++;
    }
    await this.#removeFolders(sessionId);
    const redacted = redactEvents(await this.#repos.events.list(sessionId));
    if (!trail.some((e) => e.action === 'session.purged')) {
      await this.#audit.record({
        actor: SYSTEM_ACTOR,
        action: 'session.purged',
        sessionId,
        subject: `session:${sessionId}`,
        details: {
          endedAt: session.endedAt,
          retentionYears: this.#years,
          cutoff,
          now: run.now.toISOString(),
          clockOverridden: run.clockOverridden ?? false,
          files: files.length,
          identityRemoved: await this.#repos.customers.hasIdentity(sessionId),
          // Each redacted event's new payload hash: the timeline stays checkable after the purge.
          redactedEvents: await Promise.all(redacted.map(async (e) => ({ eventId: e.id, fields: e.fields, payloadSha256: await jsonSha256(e.payload) }))),
        },
      });
    }
    await this.#repos.retention.purgePersonalData(sessionId, {
      at: new Date().toISOString(),
      redactedNote: REDACTED,
      redactedEvents: redacted.map(({ id, payload }) => ({ id, payload })),
    });
    return removed;
  }

  /**
   * The trail's note that a file goes, with what was found: intact (its recorded hash),
   * changed or already missing. False for a file never vouched for and not there: nothing to note.
   */
  async #recordFilePurged(sessionId: string, file: StoredFile): Promise<boolean> {
    // As stored (encrypted): the hash the database and the trail hold; no key needed.
    const found = await hashStoredFile(this.#audit.dataDir, file.relative).catch(() => null);
    const sha256 = file.sha256 ?? found?.sha256;
    if (!sha256) return false;
    const state = !found ? 'missing' : found.sha256 === sha256 ? 'intact' : 'changed';
    await this.#audit.record({
      actor: SYSTEM_ACTOR,
      action: 'file.purged',
      sessionId,
      subject: file.subject,
      details: { reason: 'retention', found: state, ...(state === 'changed' ? { foundSha256: found!.sha256 } : {}) },
      file: { path: file.path, sha256 },
    });
    return true;
  }

  /** What is left in the session's folders (a recorder's SDP, a file a crash left unlisted). */
  async #removeFolders(sessionId: string): Promise<void> {
    if (!UUID.test(sessionId)) return; // never build a path from anything but a session id
    for (const folder of SESSION_FOLDERS) await removeStoredFolder(this.#audit.dataDir, `${folder}/${sessionId}`);
  }

  async #countFiles(sessionId: string): Promise<number> {
    let count = 0;
    for (const file of await this.#storedFiles(sessionId)) if (await storedFileExists(this.#audit.dataDir, file.relative)) count++;
    return count;
  }

  /** Every file kept for the session: recording segments, playable media, evidence. */
  async #storedFiles(sessionId: string): Promise<StoredFile[]> {
    const [recordings, playable, evidence] = await Promise.all([
      this.#repos.recordings.listForSession(sessionId),
      this.#repos.review.playableMediaFor(sessionId),
      this.#repos.evidence.listForSession(sessionId),
    ]);
    const file = (path: string, sha256: string | null, subject: string): StoredFile => ({
      path,
      relative: storedFileName(this.#audit.dataDir, path),
      sha256,
      subject,
    });
    return [
      ...recordings.map((r) => file(r.path, r.sha256, `recording:${r.id}`)),
      ...playable.map((m) => file(m.path, m.sha256, `playback:${m.id}`)),
      ...evidence.map((e) => file(e.path, e.sha256, `evidence:${e.id}`)),
    ];
  }
}
