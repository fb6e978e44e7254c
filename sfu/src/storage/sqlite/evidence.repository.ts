import type { SqliteDatabase } from '../database.ts';
import type { EvidenceFileRecord, EvidenceRepository } from '../repositories.ts';

interface EvidenceRow {
  id: number;
  session_id: string;
  kind: string;
  path: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
  created_by: string;
}

export class SqliteEvidenceRepository implements EvidenceRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async add(f: Omit<EvidenceFileRecord, 'id'>): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO evidence_files (session_id, kind, path, mime_type, size_bytes, sha256, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(f.sessionId, f.kind, f.path, f.mimeType, f.sizeBytes, f.sha256, f.createdAt, f.createdBy);
    return Number(result.lastInsertRowid);
  }

  async get(id: number): Promise<EvidenceFileRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM evidence_files WHERE id = ?').get(id) as EvidenceRow | undefined;
    return row && toRecord(row);
  }

  async listForSession(sessionId: string): Promise<EvidenceFileRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM evidence_files WHERE session_id = ? ORDER BY id').all(sessionId) as EvidenceRow[];
    return rows.map(toRecord);
  }

  async countForSession(sessionId: string, kind: string): Promise<number> {
    return this.#db.prepare('SELECT count(*) FROM evidence_files WHERE session_id = ? AND kind = ?').pluck().get(sessionId, kind) as number;
  }
}

function toRecord(r: EvidenceRow): EvidenceFileRecord {
  return {
    id: r.id,
    sessionId: r.session_id,
    kind: r.kind,
    path: r.path,
    mimeType: r.mime_type,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}
