/**
 * The tamper-evident audit trail: an append-only chain of entries, each hashed over the
 * previous entry's hash and its own canonical JSON (see audit-entry.ts). Files the trail
 * vouches for (recordings, evidence) have their SHA-256 in the chain, so verification
 * (verify-audit-trail.ts) can tell a changed byte years later.
 *
 * Every service that does something significant receives this log and records it here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditAction } from '@vtm/shared';
import { AuditAppendConflict, type AuditEntryRecord, type AuditRepository } from '../storage/repositories.ts';
import { GENESIS_HASH, asStoredDetails, asStoredText, hashAuditEntry, relativeToDataDir, type Actor } from './audit-entry.ts';

export interface AuditRecordInput {
  actor: Actor;
  action: AuditAction;
  sessionId?: string | null;
  /** What was acted on: `session:<id>`, `user:<name>`, `evidence:<id>`, `recording:<id>`... */
  subject: string;
  /** Plain JSON; never passwords, tokens or a customer's personal data (entries are kept for ever). */
  details?: Record<string, unknown>;
  /**
   * A file this entry vouches for: its hash is chained in and re-checked by verification.
   * With 'file.purged', the file removed on purpose: verification stops expecting it.
   * Stored as `details.file` (relative to the data folder) and `fileSha256`.
   */
  file?: { path: string; sha256: string };
}

/**
 * Another process (e.g. `npm run audit:verify`) may append at the same moment: the
 * database refuses the second entry with the same number, and it is built again on the
 * new head after a short random pause (so two writers do not collide in step again).
 */
const MAX_APPEND_ATTEMPTS = 20;
const RETRY_PAUSE_MS = 10;

type EntryContent = Pick<AuditEntryRecord, 'actor' | 'action' | 'sessionId' | 'subject' | 'details' | 'fileSha256'>;

export class AuditLog {
  readonly #repo: AuditRepository;
  readonly #dataDir: string;
  /** Appends run one at a time, each after the previous one is stored: the chain never forks. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(init: { repo: AuditRepository; dataDir: string }) {
    this.#repo = init.repo;
    this.#dataDir = init.dataDir;
  }

  /** The folder that the files named in entries are relative to. */
  get dataDir(): string {
    return this.#dataDir;
  }

  /** Appends an entry once every entry asked for before it is stored; resolves with it as stored. */
  record(input: AuditRecordInput): Promise<AuditEntryRecord> {
    // Checked now, so a bad entry fails its caller without holding up the queue.
    let content: EntryContent;
    try {
      content = this.#contentOf(input);
    } catch (error) {
      return Promise.reject(error);
    }
    const appended = this.#tail.then(() => this.#appendRetrying(content));
    this.#tail = appended.catch(() => undefined);
    return appended;
  }

  /** Resolves once every entry asked for so far is stored (before storage closes). */
  async drain(): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.#tail;
      await tail;
    } while (tail !== this.#tail);
  }

  #contentOf(input: AuditRecordInput): EntryContent {
    const file = input.file ? { file: relativeToDataDir(this.#dataDir, input.file.path) } : {};
    return {
      actor: asStoredText(input.actor) as Actor,
      action: input.action,
      sessionId: input.sessionId == null ? null : asStoredText(input.sessionId),
      subject: asStoredText(input.subject),
      details: asStoredDetails({ ...input.details, ...file }),
      fileSha256: input.file?.sha256 ?? null,
    };
  }

  async #appendRetrying(content: EntryContent): Promise<AuditEntryRecord> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#append(content);
      } catch (error) {
        if (!(error instanceof AuditAppendConflict) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        await sleep(Math.random() * RETRY_PAUSE_MS);
      }
    }
  }

  async #append(content: EntryContent): Promise<AuditEntryRecord> {
    const head = await this.#repo.head();
    // Numbered after the highest number ever given out: if the newest entries were
    // deleted, the gap stays visible instead of being filled by new entries.
    const seq = Math.max(head?.seq ?? 0, await this.#repo.lastSeqIssued()) + 1;
    const entry = { seq, at: new Date().toISOString(), ...content, prevHash: head?.hash ?? GENESIS_HASH };
    const stored = { ...entry, hash: await hashAuditEntry(entry) };
    await this.#repo.append(stored);
    return stored;
  }
}
