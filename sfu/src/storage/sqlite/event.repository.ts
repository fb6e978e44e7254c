import type { SqliteDatabase } from '../database.ts';
import type { EventRecord, EventRepository } from '../repositories.ts';

interface EventRow {
  id: number;
  session_id: string;
  type: string;
  at: string;
  offset_ms: number | null;
  payload: string;
}

export class SqliteEventRepository implements EventRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async append(e: { sessionId: string; type: string; at: string; offsetMs: number | null; payload: unknown }): Promise<number> {
    const result = this.#db
      .prepare('INSERT INTO events (session_id, type, at, offset_ms, payload) VALUES (?, ?, ?, ?, ?)')
      .run(e.sessionId, e.type, e.at, e.offsetMs, JSON.stringify(e.payload ?? {}));
    return Number(result.lastInsertRowid);
  }

  async list(sessionId: string): Promise<EventRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM events WHERE session_id = ? ORDER BY id')
      .all(sessionId) as EventRow[];
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      type: r.type,
      at: r.at,
      offsetMs: r.offset_ms,
      payload: JSON.parse(r.payload) as unknown,
    }));
  }
}
