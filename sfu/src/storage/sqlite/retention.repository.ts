import type { SqliteDatabase } from '../database.ts';
import type { ExpiredSessionRecord, RetentionRepository } from '../repositories.ts';

export class SqliteRetentionRepository implements RetentionRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async listExpired(cutoff: string): Promise<ExpiredSessionRecord[]> {
    // Both sides are ISO-8601 UTC texts of the same shape, so they compare as strings.
    return this.#db
      .prepare(
        `SELECT s.id AS sessionId, s.ended_at AS endedAt,
                (SELECT d.decision FROM review_decisions d WHERE d.session_id = s.id ORDER BY d.id DESC LIMIT 1) AS latestDecision,
                f.state AS finalisation
         FROM sessions s LEFT JOIN finalisations f ON f.session_id = s.id
         WHERE s.state = 'ended' AND s.purged_at IS NULL AND s.ended_at < ?
         ORDER BY s.ended_at, s.id`,
      )
      .all(cutoff) as ExpiredSessionRecord[];
  }

  async purgePersonalData(
    sessionId: string,
    purge: { at: string; redactedNote: string; redactedEvents: Array<{ id: number; payload: unknown }> },
  ): Promise<void> {
    const redactEvent = this.#db.prepare('UPDATE events SET payload = ? WHERE id = ? AND session_id = ?');
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM customer_identities WHERE session_id = ?').run(sessionId);
      for (const event of purge.redactedEvents) redactEvent.run(JSON.stringify(event.payload), event.id, sessionId);
      this.#db
        .prepare(
          `UPDATE sessions SET outcome_note = CASE WHEN coalesce(outcome_note, '') = '' THEN outcome_note ELSE ? END, purged_at = ?
           WHERE id = ?`,
        )
        .run(purge.redactedNote, purge.at, sessionId);
    })();
  }
}
