/**
 * data:encrypt's part for the database: seals customer identities stored in plaintext by a
 * version from before encryption (migration 12 could not: migrations have no keys), and
 * re-seals rows under an older key with the current one, blind index included, so that
 * an old key can leave DATA_KEYS once no row or file uses it.
 */
import type { DataKeyring } from '../encryption/data-keys.ts';
import type { SqliteDatabase } from '../database.ts';
import { CustomerIdentityCipher, PERSONAL_COLUMNS, type StoredPersonalColumns } from './customer-identity-cipher.ts';

export interface IdentitySealReport {
  keyId: string;
  /** Plaintext rows sealed by this run (or, in a dry run, that would be). */
  sealed: number;
  /** Rows under an older key re-sealed under the current one (or that would be). */
  resealed: number;
  /** Rows already sealed under the current key. */
  alreadyCurrent: number;
  /** Rows left as they were, and why. */
  refused: Array<{ sessionId: string; reason: string }>;
}

const BATCH = 200;

export function sealCustomerIdentities(db: SqliteDatabase, keys: DataKeyring, options: { dryRun?: boolean } = {}): IdentitySealReport {
  const cipher = new CustomerIdentityCipher(keys);
  const current = keys.currentId;
  const report: IdentitySealReport = {
    keyId: current,
    sealed: 0,
    resealed: 0,
    alreadyCurrent: db.prepare('SELECT COUNT(*) FROM customer_identities WHERE key_id = ?').pluck().get(current) as number,
    refused: [],
  };
  const pending = db.prepare(
    `SELECT ${PERSONAL_COLUMNS} FROM customer_identities
     WHERE (key_id IS NULL OR key_id <> @current) AND session_id > @after ORDER BY session_id LIMIT ${BATCH}`,
  );
  // Only a row still as it was read is replaced (the server may be running meanwhile).
  const replace = db.prepare(
    `UPDATE customer_identities
     SET key_id = @key_id, personal_data = @personal_data, document_number_index = @document_number_index,
         document_number = NULL, name = NULL, birth_date = NULL, sex = NULL, document = NULL, ocr = NULL,
         customer_corrections = NULL, automatic_corrections = NULL, checks = NULL
     WHERE session_id = @session_id AND key_id IS @old_key_id AND personal_data IS @old_personal_data`,
  );
  let after = '';
  for (;;) {
    const rows = pending.all({ current, after }) as StoredPersonalColumns[];
    if (rows.length === 0) break;
    after = rows.at(-1)!.session_id;
    db.transaction(() => {
      for (const row of rows) {
        let sealed;
        try {
          sealed = cipher.seal(row.session_id, cipher.open(row));
        } catch (error) {
          report.refused.push({ sessionId: row.session_id, reason: (error as Error).message });
          continue;
        }
        if (!options.dryRun) {
          const changed = replace.run({ ...sealed, session_id: row.session_id, old_key_id: row.key_id, old_personal_data: row.personal_data }).changes;
          if (changed === 0) {
            report.refused.push({ sessionId: row.session_id, reason: 'changed while being sealed: run again' });
            continue;
          }
        }
        if (row.key_id === null) report.sealed++;
        else report.resealed++;
      }
    })();
  }
  if (!options.dryRun && report.sealed + report.resealed > 0) {
    // What was replaced must not linger: secure_delete (database.ts) zeroes what these
    // updates freed, VACUUM rewrites the file without the free pages of earlier deletes
    // (the plaintext table migration 12 dropped), and the checkpoint empties the WAL.
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return report;
}
