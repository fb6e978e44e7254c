import type { RecordingStream } from '@vtm/shared';
import type { SqliteDatabase } from '../database.ts';
import type { RecordingRecord, RecordingRepository, RecordingState } from '../repositories.ts';

interface RecordingRow {
  id: number;
  session_id: string;
  segment: number;
  path: string;
  state: RecordingState;
  started_at: string;
  ended_at: string | null;
  size_bytes: number | null;
  duration_ms: number | null;
  streams: string;
  sha256: string | null;
}

function toRecord(r: RecordingRow): RecordingRecord {
  return {
    id: r.id,
    sessionId: r.session_id,
    segment: r.segment,
    path: r.path,
    state: r.state,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    sizeBytes: r.size_bytes,
    durationMs: r.duration_ms,
    streams: JSON.parse(r.streams) as RecordingStream[],
    sha256: r.sha256,
  };
}

export class SqliteRecordingRepository implements RecordingRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async start(r: { sessionId: string; segment: number; path: string; startedAt: string }): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO recordings (session_id, segment, path, state, started_at) VALUES (?, ?, ?, 'recording', ?)`,
      )
      .run(r.sessionId, r.segment, r.path, r.startedAt);
    return Number(result.lastInsertRowid);
  }

  async finish(
    id: number,
    f: {
      state: Exclude<RecordingState, 'recording'>;
      endedAt: string;
      sizeBytes: number | null;
      durationMs: number | null;
      streams: RecordingStream[];
      sha256: string | null;
    },
  ): Promise<void> {
    this.#db
      .prepare(
        `UPDATE recordings SET state = ?, ended_at = ?, size_bytes = ?, duration_ms = ?, streams = ?, sha256 = ?
         WHERE id = ? AND state = 'recording'`,
      )
      .run(f.state, f.endedAt, f.sizeBytes, f.durationMs, JSON.stringify(f.streams), f.sha256, id);
  }

  async listForSession(sessionId: string): Promise<RecordingRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM recordings WHERE session_id = ? ORDER BY segment')
      .all(sessionId) as RecordingRow[];
    return rows.map(toRecord);
  }

  async listUnfinished(): Promise<RecordingRecord[]> {
    const rows = this.#db.prepare(`SELECT * FROM recordings WHERE state = 'recording'`).all() as RecordingRow[];
    return rows.map(toRecord);
  }
}
