import type { SqliteDatabase } from '../database.ts';
import type { AssessmentRepository, StoredAnswer } from '../repositories.ts';

export class SqliteAssessmentRepository implements AssessmentRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async addAnswer(a: {
    sessionId: string;
    questionnaireId: string;
    questionnaireVersion: number;
    questionId: string;
    optionIds: string[];
    answeredAt: string;
    replacesAnswerId: number | null;
  }): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO answers (session_id, questionnaire_id, questionnaire_version, question_id, option_ids, answered_at, replaces_answer_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.sessionId, a.questionnaireId, a.questionnaireVersion, a.questionId, JSON.stringify(a.optionIds), a.answeredAt, a.replacesAnswerId);
    return Number(result.lastInsertRowid);
  }

  async answers(sessionId: string): Promise<StoredAnswer[]> {
    const rows = this.#db
      .prepare('SELECT id, question_id, option_ids, answered_at, replaces_answer_id FROM answers WHERE session_id = ? ORDER BY id')
      .all(sessionId) as Array<{ id: number; question_id: string; option_ids: string; answered_at: string; replaces_answer_id: number | null }>;
    return rows.map((r) => ({
      id: r.id,
      questionId: r.question_id,
      optionIds: JSON.parse(r.option_ids) as string[],
      answeredAt: r.answered_at,
      replacesAnswerId: r.replaces_answer_id,
    }));
  }

  async addAssessment(a: {
    sessionId: string;
    questionnaireId: string;
    questionnaireVersion: number;
    answers: unknown;
    score: number;
    level: string;
    assessedAt: string;
  }): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO assessments (session_id, questionnaire_id, questionnaire_version, answers, score, level, assessed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.sessionId, a.questionnaireId, a.questionnaireVersion, JSON.stringify(a.answers), a.score, a.level, a.assessedAt);
    return Number(result.lastInsertRowid);
  }

  async recordIdentityVerified(sessionId: string, at: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET identity_verified_at = ? WHERE id = ?').run(at, sessionId);
  }

  async recordLevel(sessionId: string, level: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET risk_level = ? WHERE id = ?').run(level, sessionId);
  }

  async recordProduct(sessionId: string, productCode: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET product_code = ? WHERE id = ?').run(productCode, sessionId);
  }

  async recordOutcome(sessionId: string, outcome: string, note: string): Promise<void> {
    this.#db.prepare('UPDATE sessions SET outcome = ?, outcome_note = ? WHERE id = ?').run(outcome, note, sessionId);
  }
}
