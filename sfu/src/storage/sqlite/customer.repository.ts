import type { SqliteDatabase } from '../database.ts';
import type { CustomerIdentityRecord, CustomerRepository, PreviousAssessment } from '../repositories.ts';
import { PERSONAL_COLUMNS, type CustomerIdentityCipher, type PersonalIdentityFields, type StoredPersonalColumns } from './customer-identity-cipher.ts';

interface IdentityRow extends StoredPersonalColumns {
  document_kind: CustomerIdentityRecord['documentKind'];
  captured_at: string;
}

/** Personal data is sealed on the way in and opened on the way out: see customer-identity-cipher.ts. */
export class SqliteCustomerRepository implements CustomerRepository {
  readonly #db: SqliteDatabase;
  readonly #cipher: CustomerIdentityCipher;

  constructor(db: SqliteDatabase, cipher: CustomerIdentityCipher) {
    this.#db = db;
    this.#cipher = cipher;
  }

  async saveIdentity(i: CustomerIdentityRecord): Promise<void> {
    const personal: PersonalIdentityFields = {
      documentNumber: i.documentNumber,
      name: i.name,
      birthDate: i.birthDate,
      sex: i.sex,
      document: i.document,
      ocr: i.ocr,
      customerCorrections: i.customerCorrections,
      automaticCorrections: i.automaticCorrections,
      checks: i.checks,
    };
    const sealed = this.#cipher.seal(i.sessionId, personal);
    this.#db
      .prepare(
        `INSERT INTO customer_identities (session_id, document_kind, captured_at, key_id, personal_data, document_number_index)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(i.sessionId, i.documentKind, i.capturedAt, sealed.key_id, sealed.personal_data, sealed.document_number_index);
  }

  async identityFor(sessionId: string): Promise<CustomerIdentityRecord | undefined> {
    const r = this.#db
      .prepare(`SELECT document_kind, captured_at, ${PERSONAL_COLUMNS} FROM customer_identities WHERE session_id = ?`)
      .get(sessionId) as IdentityRow | undefined;
    if (!r) return undefined;
    const personal = this.#cipher.open(r);
    return {
      sessionId: r.session_id,
      documentKind: r.document_kind,
      documentNumber: personal.documentNumber,
      name: personal.name,
      birthDate: personal.birthDate,
      sex: personal.sex,
      document: personal.document,
      ocr: personal.ocr,
      customerCorrections: personal.customerCorrections,
      automaticCorrections: personal.automaticCorrections,
      checks: personal.checks,
      capturedAt: r.captured_at,
    };
  }

  async hasIdentity(sessionId: string): Promise<boolean> {
    return this.#db.prepare('SELECT 1 FROM customer_identities WHERE session_id = ?').get(sessionId) !== undefined;
  }

  async assessmentsOf(documentNumber: string): Promise<PreviousAssessment[]> {
    // The number's blind index under each key, or (a row not yet sealed) the number itself.
    const indexes = this.#cipher.documentNumberIndexes(documentNumber);
    const rows = this.#db
      .prepare(
        `SELECT a.session_id, a.level, a.score, a.assessed_at, a.answers FROM assessments a
         JOIN customer_identities c ON c.session_id = a.session_id
         WHERE c.document_number_index IN (${indexes.map(() => '?').join(', ')}) OR c.document_number = ?
         ORDER BY a.assessed_at DESC`,
      )
      .all(...indexes, documentNumber) as Array<{ session_id: string; level: string; score: number; assessed_at: string; answers: string }>;
    return rows.map((r) => ({
      sessionId: r.session_id,
      level: r.level,
      score: r.score,
      assessedAt: r.assessed_at,
      answers: JSON.parse(r.answers) as PreviousAssessment['answers'],
    }));
  }
}
