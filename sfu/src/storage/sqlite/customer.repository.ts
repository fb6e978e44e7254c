import type { SqliteDatabase } from '../database.ts';
import type { CustomerIdentityRecord, CustomerRepository, PreviousAssessment } from '../repositories.ts';

interface IdentityRow {
  session_id: string;
  document_kind: CustomerIdentityRecord['documentKind'];
  document_number: string;
  name: string;
  birth_date: string;
  sex: string;
  document: string;
  ocr: string;
  customer_corrections: string;
  automatic_corrections: string;
  checks: string;
  captured_at: string;
}

export class SqliteCustomerRepository implements CustomerRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async saveIdentity(i: CustomerIdentityRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO customer_identities (session_id, document_kind, document_number, name, birth_date, sex, document, ocr,
           customer_corrections, automatic_corrections, checks, captured_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        i.sessionId,
        i.documentKind,
        i.documentNumber,
        i.name,
        i.birthDate,
        i.sex,
        JSON.stringify(i.document),
        JSON.stringify(i.ocr),
        JSON.stringify(i.customerCorrections),
        JSON.stringify(i.automaticCorrections),
        JSON.stringify(i.checks),
        i.capturedAt,
      );
  }

  async identityFor(sessionId: string): Promise<CustomerIdentityRecord | undefined> {
    const r = this.#db.prepare('SELECT * FROM customer_identities WHERE session_id = ?').get(sessionId) as IdentityRow | undefined;
    return (
      r && {
        sessionId: r.session_id,
        documentKind: r.document_kind,
        documentNumber: r.document_number,
        name: r.name,
        birthDate: r.birth_date,
        sex: r.sex,
        document: JSON.parse(r.document) as unknown,
        ocr: JSON.parse(r.ocr) as unknown,
        customerCorrections: JSON.parse(r.customer_corrections) as unknown[],
        automaticCorrections: JSON.parse(r.automatic_corrections) as unknown[],
        checks: JSON.parse(r.checks) as unknown[],
        capturedAt: r.captured_at,
      }
    );
  }

  async assessmentsOf(documentNumber: string): Promise<PreviousAssessment[]> {
    const rows = this.#db
      .prepare(
        `SELECT a.session_id, a.level, a.score, a.assessed_at, a.answers FROM assessments a
         JOIN customer_identities c ON c.session_id = a.session_id
         WHERE c.document_number = ? ORDER BY a.assessed_at DESC`,
      )
      .all(documentNumber) as Array<{ session_id: string; level: string; score: number; assessed_at: string; answers: string }>;
    return rows.map((r) => ({
      sessionId: r.session_id,
      level: r.level,
      score: r.score,
      assessedAt: r.assessed_at,
      answers: JSON.parse(r.answers) as PreviousAssessment['answers'],
    }));
  }
}
