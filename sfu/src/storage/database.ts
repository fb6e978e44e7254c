import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations, type Migration } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/** Opens (creating if needed) the SQLite file and brings its schema up to date. */
export function openSqliteDatabase(file: string, list: readonly Migration[] = migrations): SqliteDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL keeps committed rows safe when the process is killed, and lets readers run
  // while the recorder writes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted and replaced rows are overwritten with zeros, not left in free space: a purged
  // identity, a redacted event or a plaintext row data:encrypt sealed is gone from the file.
  db.pragma('secure_delete = ON');
  migrate(db, list);
  return db;
}

export function migrate(db: SqliteDatabase, list: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  const newlyApplied: number[] = [];
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    // PRAGMA foreign_keys is ignored inside a transaction, so it is switched around it.
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`migration ${migration.version} broke ${broken.length} foreign key(s)`);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          new Date().toISOString(),
        );
      })();
    } finally {
      if (migration.foreignKeysOff) db.pragma('foreign_keys = ON');
    }
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
