import type { SqliteDatabase } from '../database.ts';
import type { KioskRecord, KioskRepository } from '../repositories.ts';

interface KioskRow {
  id: number;
  name: string;
  location: string;
  created_at: string;
  created_by: string;
  enrollment_code_hash: string | null;
  enrollment_expires_at: string | null;
  credential_hash: string | null;
  enrolled_at: string | null;
  revoked_at: string | null;
}

const toRecord = (r: KioskRow): KioskRecord => ({
  id: r.id,
  name: r.name,
  location: r.location,
  createdAt: r.created_at,
  createdBy: r.created_by,
  enrollmentCodeHash: r.enrollment_code_hash,
  enrollmentExpiresAt: r.enrollment_expires_at,
  credentialHash: r.credential_hash,
  enrolledAt: r.enrolled_at,
  revokedAt: r.revoked_at,
});

export class SqliteKioskRepository implements KioskRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async create(k: { name: string; location: string; createdAt: string; createdBy: string; enrollmentCodeHash: string; enrollmentExpiresAt: string }): Promise<number | undefined> {
    const result = this.#db
      .prepare(
        `INSERT INTO kiosks (name, location, created_at, created_by, enrollment_code_hash, enrollment_expires_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(k.name, k.location, k.createdAt, k.createdBy, k.enrollmentCodeHash, k.enrollmentExpiresAt);
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
  }

  async list(): Promise<KioskRecord[]> {
    return (this.#db.prepare('SELECT * FROM kiosks ORDER BY name').all() as KioskRow[]).map(toRecord);
  }

  async byId(id: number): Promise<KioskRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM kiosks WHERE id = ?').get(id) as KioskRow | undefined;
    return row && toRecord(row);
  }

  async byEnrollmentCodeHash(codeHash: string): Promise<KioskRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM kiosks WHERE enrollment_code_hash = ?').get(codeHash) as KioskRow | undefined;
    return row && toRecord(row);
  }

  async byCredentialHash(credentialHash: string): Promise<KioskRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM kiosks WHERE credential_hash = ?').get(credentialHash) as KioskRow | undefined;
    return row && toRecord(row);
  }

  async enroll(id: number, codeHash: string, credentialHash: string, at: string): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE kiosks SET credential_hash = ?, enrolled_at = ?, enrollment_code_hash = NULL, enrollment_expires_at = NULL
           WHERE id = ? AND enrollment_code_hash = ? AND enrollment_expires_at > ? AND revoked_at IS NULL`,
        )
        .run(credentialHash, at, id, codeHash, at).changes === 1
    );
  }

  async revoke(id: number, at: string): Promise<boolean> {
    return (
      this.#db
        .prepare('UPDATE kiosks SET revoked_at = ?, enrollment_code_hash = NULL, enrollment_expires_at = NULL WHERE id = ? AND revoked_at IS NULL')
        .run(at, id).changes === 1
    );
  }
}
