import type { Role } from '@vtm/shared';
import type { SqliteDatabase } from '../database.ts';
import type { ParticipantRepository } from '../repositories.ts';

export class SqliteParticipantRepository implements ParticipantRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async add(p: { sessionId: string; role: Role; displayName: string; joinedAt: string }): Promise<number> {
    const result = this.#db
      .prepare('INSERT INTO participants (session_id, role, display_name, joined_at) VALUES (?, ?, ?, ?)')
      .run(p.sessionId, p.role, p.displayName, p.joinedAt);
    return Number(result.lastInsertRowid);
  }

  async markLeft(sessionId: string, role: Role, at: string): Promise<void> {
    this.#db
      .prepare('UPDATE participants SET left_at = ? WHERE session_id = ? AND role = ? AND left_at IS NULL')
      .run(at, sessionId, role);
  }

  async list(sessionId: string) {
    const rows = this.#db
      .prepare('SELECT role, display_name, joined_at, left_at FROM participants WHERE session_id = ? ORDER BY id')
      .all(sessionId) as Array<{ role: Role; display_name: string; joined_at: string; left_at: string | null }>;
    return rows.map((r) => ({ role: r.role, displayName: r.display_name, joinedAt: r.joined_at, leftAt: r.left_at }));
  }
}
