import type { SqliteDatabase } from '../database.ts';
import type { StoredFileKind, StoredFileRecord, StoredFileRepository } from '../repositories.ts';

const TABLES: Record<StoredFileKind, string> = { recording: 'recordings', playback: 'playable_media', evidence: 'evidence_files' };

export class SqliteStoredFileRepository implements StoredFileRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async listAll(): Promise<StoredFileRecord[]> {
    return (Object.keys(TABLES) as StoredFileKind[]).flatMap(
      (kind) =>
        this.#db
          .prepare(`SELECT ? AS kind, id, session_id AS sessionId, path, size_bytes AS sizeBytes, sha256 FROM ${TABLES[kind]} WHERE sha256 IS NOT NULL ORDER BY id`)
          .all(kind) as StoredFileRecord[],
    );
  }

  async updateStored(kind: StoredFileKind, id: number, stored: { sizeBytes: number; sha256: string }): Promise<void> {
    this.#db.prepare(`UPDATE ${TABLES[kind]} SET size_bytes = ?, sha256 = ? WHERE id = ?`).run(stored.sizeBytes, stored.sha256, id);
  }
}
