import type { SqliteDatabase } from '../database.ts';
import type { SignatureRecord, SigningRepository } from '../repositories.ts';

interface SignatureRow {
  id: number;
  session_id: string;
  document: string;
  document_hash: string;
  png_evidence_id: number;
  svg_evidence_id: number;
  strokes_evidence_id: number;
  signed_at: string;
}

interface ReceiptRow {
  verification_code: string;
  session_id: string;
  evidence_id: number;
  issued_at: string;
}

export class SqliteSigningRepository implements SigningRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async addSignature(s: Omit<SignatureRecord, 'id'>): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO signatures (session_id, document, document_hash, png_evidence_id, svg_evidence_id, strokes_evidence_id, signed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.sessionId, JSON.stringify(s.document), s.documentHash, s.pngEvidenceId, s.svgEvidenceId, s.strokesEvidenceId, s.signedAt);
    return Number(result.lastInsertRowid);
  }

  async signatureFor(sessionId: string): Promise<SignatureRecord | undefined> {
    const r = this.#db.prepare('SELECT * FROM signatures WHERE session_id = ? ORDER BY id DESC LIMIT 1').get(sessionId) as SignatureRow | undefined;
    return (
      r && {
        id: r.id,
        sessionId: r.session_id,
        document: JSON.parse(r.document) as unknown,
        documentHash: r.document_hash,
        pngEvidenceId: r.png_evidence_id,
        svgEvidenceId: r.svg_evidence_id,
        strokesEvidenceId: r.strokes_evidence_id,
        signedAt: r.signed_at,
      }
    );
  }

  async addReceipt(r: { verificationCode: string; sessionId: string; evidenceId: number; issuedAt: string }): Promise<void> {
    this.#db
      .prepare('INSERT INTO receipts (verification_code, session_id, evidence_id, issued_at) VALUES (?, ?, ?, ?)')
      .run(r.verificationCode, r.sessionId, r.evidenceId, r.issuedAt);
  }

  async receiptByCode(code: string) {
    const r = this.#db.prepare('SELECT * FROM receipts WHERE verification_code = ?').get(code) as ReceiptRow | undefined;
    return r && { verificationCode: r.verification_code, sessionId: r.session_id, evidenceId: r.evidence_id, issuedAt: r.issued_at };
  }
}
