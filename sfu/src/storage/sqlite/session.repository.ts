import type { SqliteDatabase } from '../database.ts';
import type { SessionRecord, SessionRepository } from '../repositories.ts';

interface SessionRow {
  id: string;
  state: SessionRecord['state'];
  kiosk_name: string;
  language: SessionRecord['language'];
  teller_name: string | null;
  video_codec: SessionRecord['videoCodec'];
  created_at: string;
  accepted_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    state: row.state,
    kioskName: row.kiosk_name,
    language: row.language,
    tellerName: row.teller_name,
    videoCodec: row.video_codec,
    createdAt: row.created_at,
    acceptedAt: row.accepted_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
  };
}

export class SqliteSessionRepository implements SessionRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async create(s: { id: string; kioskName: string; language: string; createdAt: string }): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO sessions (id, state, kiosk_name, language, created_at)
         VALUES (?, 'draft', ?, ?, ?)`,
      )
      .run(s.id, s.kioskName, s.language, s.createdAt);
  }

  async setKioskTokenHash(id: string, tokenHash: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET kiosk_token_hash = ? WHERE id = ?').run(tokenHash, id);
  }

  async kioskTokenHash(id: string): Promise<string | null> {
    return (this.#db.prepare('SELECT kiosk_token_hash FROM sessions WHERE id = ?').pluck().get(id) as string | null | undefined) ?? null;
  }

  async queue(id: string, at: string): Promise<boolean> {
    return this.#db.prepare(`UPDATE sessions SET state = 'waiting', queued_at = ? WHERE id = ? AND state = 'draft'`).run(at, id).changes === 1;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return row && toRecord(row);
  }

  async listByState(state: SessionRecord['state']): Promise<SessionRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM sessions WHERE state = ? ORDER BY created_at, id')
      .all(state) as SessionRow[];
    return rows.map(toRecord);
  }

  async accept(id: string, a: { tellerName: string; videoCodec: string; at: string }): Promise<boolean> {
    // The state condition makes accepting atomic: of two tellers, only one update matches.
    const result = this.#db
      .prepare(
        `UPDATE sessions SET state = 'active', teller_name = ?, video_codec = ?, accepted_at = ?
         WHERE id = ? AND state = 'waiting'`,
      )
      .run(a.tellerName, a.videoCodec, a.at, id);
    return result.changes === 1;
  }

  async requeue(id: string): Promise<boolean> {
    return this.#db.prepare(`UPDATE sessions SET state = 'waiting' WHERE id = ? AND state = 'active'`).run(id).changes === 1;
  }

  async end(id: string, e: { reason: string; at: string }): Promise<boolean> {
    const result = this.#db
      .prepare(`UPDATE sessions SET state = 'ended', end_reason = ?, ended_at = ? WHERE id = ? AND state != 'ended'`)
      .run(e.reason, e.at, id);
    return result.changes === 1;
  }
}
