import Database from 'better-sqlite3';
import { canonicalJson } from '@vtm/shared';
import type { SqliteDatabase } from '../database.ts';
import { AUDIT_APPEND_ONLY_TRIGGERS } from '../migrations.ts';
import { AuditAppendConflict, type AuditEntryRecord, type AuditRepository } from '../repositories.ts';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  session_id: string | null;
  subject: string;
  details: string;
  file_sha256: string | null;
  prev_hash: string;
  hash: string;
}

const TRIGGER_NAMES = ['audit_entries_no_update', 'audit_entries_no_delete'];

export class SqliteAuditRepository implements AuditRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async head(): Promise<{ seq: number; hash: string } | undefined> {
    return this.#db.prepare('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
  }

  async lastSeqIssued(): Promise<number> {
    const issued = this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_entries'").pluck().get() as number | undefined;
    return issued ?? 0;
  }

  async append(e: AuditEntryRecord): Promise<void> {
    // Details are stored as the canonical JSON text that was hashed, so someone checking
    // the chain with other tools hashes the stored text as it is.
    try {
      this.#db
        .prepare(
          `INSERT INTO audit_entries (seq, at, actor, action, session_id, subject, details, file_sha256, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.seq, e.at, e.actor, e.action, e.sessionId, e.subject, canonicalJson(e.details), e.fileSha256, e.prevHash, e.hash);
    } catch (error) {
      if (error instanceof Database.SqliteError && /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(error.code)) {
        throw new AuditAppendConflict(e.seq);
      }
      throw error;
    }
  }

  async list({ afterSeq, limit }: { afterSeq: number; limit: number }): Promise<AuditEntryRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as AuditRow[];
    return rows.map(toRecord);
  }

  async listForSession(sessionId: string): Promise<AuditEntryRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM audit_entries WHERE session_id = ? ORDER BY seq').all(sessionId) as AuditRow[];
    return rows.map(toRecord);
  }

  async restoreAppendOnly(): Promise<boolean> {
    const present = this.#db
      .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (${TRIGGER_NAMES.map(() => '?').join(', ')})`)
      .pluck()
      .get(...TRIGGER_NAMES) as number;
    if (present === TRIGGER_NAMES.length) return false;
    this.#db.exec(AUDIT_APPEND_ONLY_TRIGGERS);
    return true;
  }
}

/**
 * A details text that is not a JSON object (someone edited the row) is kept as a string,
 * so verification reports the entry as broken instead of failing to read the trail.
 */
function parseDetails(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { unreadable: text };
}

function toRecord(r: AuditRow): AuditEntryRecord {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    sessionId: r.session_id,
    subject: r.subject,
    details: parseDetails(r.details),
    fileSha256: r.file_sha256,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
