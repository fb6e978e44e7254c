import type { Role } from '@vtm/shared';
import type { SqliteDatabase } from '../database.ts';
import type {
  AssessmentRecord,
  FinalisationRecord,
  FinalisationState,
  PlayableMediaRecord,
  QualityCheckRecord,
  ReviewDecisionRecord,
  ReviewListCriteria,
  ReviewListRow,
  ReviewRepository,
} from '../repositories.ts';
import type { CustomerIdentityCipher } from './customer-identity-cipher.ts';
import { queryReviewFilterOptions, queryReviewList } from './review-list.query.ts';

interface FinalisationRow {
  session_id: string;
  state: FinalisationState;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  quality_passed: 0 | 1 | null;
}

interface PlayableMediaRow {
  id: number;
  session_id: string;
  recording_id: number;
  segment: number;
  party: Role;
  path: string;
  mime_type: string;
  start_offset_ms: number;
  duration_ms: number | null;
  size_bytes: number;
  sha256: string;
  created_at: string;
}

interface DecisionRow {
  id: number;
  session_id: string;
  decision: ReviewDecisionRecord['decision'];
  comment: string;
  reviewer: string;
  decided_at: string;
}

const toDecision = (r: DecisionRow): ReviewDecisionRecord => ({
  id: r.id,
  sessionId: r.session_id,
  decision: r.decision,
  comment: r.comment,
  reviewer: r.reviewer,
  decidedAt: r.decided_at,
});

interface AssessmentRow {
  id: number;
  session_id: string;
  questionnaire_id: string;
  questionnaire_version: number;
  answers: string;
  score: number;
  level: string;
  assessed_at: string;
}

export class SqliteReviewRepository implements ReviewRepository {
  readonly #db: SqliteDatabase;

  readonly #identities: CustomerIdentityCipher;

  constructor(db: SqliteDatabase, identities: CustomerIdentityCipher) {
    this.#db = db;
    this.#identities = identities;
  }

  async listUnfinalised(): Promise<string[]> {
    return this.#db
      .prepare(
        `SELECT s.id FROM sessions s LEFT JOIN finalisations f ON f.session_id = s.id
         WHERE s.state = 'ended' AND (f.state IS NULL OR f.state != 'done')
         ORDER BY s.ended_at, s.id`,
      )
      .pluck()
      .all() as string[];
  }

  async beginFinalisation(sessionId: string, at: string): Promise<boolean> {
    return this.#db.transaction(() => {
      const started = this.#db
        .prepare(
          `INSERT INTO finalisations (session_id, state, started_at) VALUES (?, 'running', ?)
           ON CONFLICT (session_id) DO UPDATE
             SET state = 'running', started_at = excluded.started_at, finished_at = NULL, error = NULL, quality_passed = NULL
             WHERE finalisations.state != 'done'`,
        )
        .run(sessionId, at);
      if (started.changes === 0) return false;
      this.#db.prepare('DELETE FROM playable_media WHERE session_id = ?').run(sessionId);
      this.#db.prepare('DELETE FROM quality_checks WHERE session_id = ?').run(sessionId);
      return true;
    })();
  }

  async addPlayableMedia(m: Omit<PlayableMediaRecord, 'id'>): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO playable_media (session_id, recording_id, segment, party, path, mime_type, start_offset_ms, duration_ms, size_bytes, sha256, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(m.sessionId, m.recordingId, m.segment, m.party, m.path, m.mimeType, m.startOffsetMs, m.durationMs, m.sizeBytes, m.sha256, m.createdAt);
    return Number(result.lastInsertRowid);
  }

  async completeFinalisation(
    sessionId: string,
    result: { checks: Array<Omit<QualityCheckRecord, 'checkedAt'>>; qualityPassed: boolean; at: string },
  ): Promise<void> {
    this.#db.transaction(() => {
      const insert = this.#db.prepare(
        'INSERT INTO quality_checks (session_id, check_id, passed, reason, checked_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (const check of result.checks) insert.run(sessionId, check.checkId, check.passed ? 1 : 0, check.reason, result.at);
      this.#db
        .prepare(`UPDATE finalisations SET state = 'done', finished_at = ?, error = NULL, quality_passed = ? WHERE session_id = ?`)
        .run(result.at, result.qualityPassed ? 1 : 0, sessionId);
    })();
  }

  async failFinalisation(sessionId: string, failure: { error: string; at: string }): Promise<void> {
    this.#db
      .prepare(`UPDATE finalisations SET state = 'failed', finished_at = ?, error = ? WHERE session_id = ? AND state != 'done'`)
      .run(failure.at, failure.error, sessionId);
  }

  async finalisationOf(sessionId: string): Promise<FinalisationRecord | undefined> {
    const r = this.#db.prepare('SELECT * FROM finalisations WHERE session_id = ?').get(sessionId) as FinalisationRow | undefined;
    return (
      r && {
        sessionId: r.session_id,
        state: r.state,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        error: r.error,
        qualityPassed: r.quality_passed === null ? null : r.quality_passed === 1,
      }
    );
  }

  async playableMediaFor(sessionId: string): Promise<PlayableMediaRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM playable_media WHERE session_id = ? ORDER BY segment, party')
      .all(sessionId) as PlayableMediaRow[];
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      recordingId: r.recording_id,
      segment: r.segment,
      party: r.party,
      path: r.path,
      mimeType: r.mime_type,
      startOffsetMs: r.start_offset_ms,
      durationMs: r.duration_ms,
      sizeBytes: r.size_bytes,
      sha256: r.sha256,
      createdAt: r.created_at,
    }));
  }

  async qualityChecksFor(sessionId: string): Promise<QualityCheckRecord[]> {
    const rows = this.#db
      .prepare('SELECT check_id, passed, reason, checked_at FROM quality_checks WHERE session_id = ? ORDER BY id')
      .all(sessionId) as Array<{ check_id: string; passed: 0 | 1; reason: string; checked_at: string }>;
    return rows.map((r) => ({ checkId: r.check_id, passed: r.passed === 1, reason: r.reason, checkedAt: r.checked_at }));
  }

  async storedOutcome(sessionId: string) {
    const r = this.#db
      .prepare('SELECT risk_level, product_code, outcome FROM sessions WHERE id = ?')
      .get(sessionId) as { risk_level: string | null; product_code: string | null; outcome: string | null } | undefined;
    return r && { riskLevel: r.risk_level, productCode: r.product_code, outcome: r.outcome };
  }

  async assessmentsOf(sessionId: string): Promise<AssessmentRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM assessments WHERE session_id = ? ORDER BY id').all(sessionId) as AssessmentRow[];
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      questionnaireId: r.questionnaire_id,
      questionnaireVersion: r.questionnaire_version,
      answers: JSON.parse(r.answers) as unknown,
      score: r.score,
      level: r.level,
      assessedAt: r.assessed_at,
    }));
  }

  async listForReview(criteria: ReviewListCriteria): Promise<{ rows: ReviewListRow[]; total: number }> {
    return queryReviewList(this.#db, criteria, this.#identities);
  }

  async reviewFilterOptions() {
    return queryReviewFilterOptions(this.#db);
  }

  async addDecision(d: Omit<ReviewDecisionRecord, 'id'>): Promise<ReviewDecisionRecord> {
    const result = this.#db
      .prepare('INSERT INTO review_decisions (session_id, decision, comment, reviewer, decided_at) VALUES (?, ?, ?, ?, ?)')
      .run(d.sessionId, d.decision, d.comment, d.reviewer, d.decidedAt);
    return { id: Number(result.lastInsertRowid), ...d };
  }

  async decisionsFor(sessionId: string): Promise<ReviewDecisionRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM review_decisions WHERE session_id = ? ORDER BY id').all(sessionId) as DecisionRow[];
    return rows.map(toDecision);
  }

  async receiptFor(sessionId: string) {
    const r = this.#db
      .prepare('SELECT verification_code, evidence_id, issued_at FROM receipts WHERE session_id = ?')
      .get(sessionId) as { verification_code: string; evidence_id: number; issued_at: string } | undefined;
    return r && { verificationCode: r.verification_code, evidenceId: r.evidence_id, issuedAt: r.issued_at };
  }

  async purgedAt(sessionId: string): Promise<string | null> {
    return (this.#db.prepare('SELECT purged_at FROM sessions WHERE id = ?').pluck().get(sessionId) as string | null | undefined) ?? null;
  }
}
