import type { SqliteDatabase } from '../database.ts';
import type { AuthSessionRepository, UserRecord, UserRepository, UserRole } from '../repositories.ts';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: UserRole;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

function toRecord(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
  };
}

export class SqliteUserRepository implements UserRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async count(): Promise<number> {
    return this.#db.prepare('SELECT count(*) FROM users').pluck().get() as number;
  }

  async create(u: { username: string; displayName: string; role: UserRole; passwordHash: string; createdAt: string }): Promise<number> {
    const result = this.#db
      .prepare('INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(u.username, u.displayName, u.role, u.passwordHash, u.createdAt);
    return Number(result.lastInsertRowid);
  }

  async byUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toRecord(row);
  }

  async byId(id: number): Promise<UserRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toRecord(row);
  }

  async list(): Promise<UserRecord[]> {
    return (this.#db.prepare('SELECT * FROM users ORDER BY role, username').all() as UserRow[]).map(toRecord);
  }

  async setDisabled(id: number, disabledAt: string | null): Promise<boolean> {
    return this.#db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(disabledAt, id).changes === 1;
  }
}

export class SqliteAuthSessionRepository implements AuthSessionRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async create(s: { tokenHash: string; userId: number; createdAt: string; expiresAt: string }): Promise<void> {
    this.#db
      .prepare('INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(s.tokenHash, s.userId, s.createdAt, s.expiresAt);
  }

  async userFor(tokenHash: string, now: string): Promise<UserRecord | undefined> {
    const row = this.#db
      .prepare(
        `SELECT users.* FROM auth_sessions JOIN users ON users.id = auth_sessions.user_id
         WHERE token_hash = ? AND expires_at > ? AND users.disabled_at IS NULL`,
      )
      .get(tokenHash, now) as UserRow | undefined;
    return row && toRecord(row);
  }

  async extend(tokenHash: string, expiresAt: string): Promise<void> {
    this.#db.prepare('UPDATE auth_sessions SET expires_at = ? WHERE token_hash = ?').run(expiresAt, tokenHash);
  }

  async delete(tokenHash: string): Promise<void> {
    this.#db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteForUser(userId: number): Promise<void> {
    this.#db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(userId);
  }
}
