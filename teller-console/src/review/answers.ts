/**
 * The customer's answers as a reviewer reads them: each question's text and the text of
 * the options chosen, from the questionnaire definition the session used (found by its id
 * and version: a published version is never edited), with when each was answered.
 */
import { RISK_QUESTIONNAIRE_V1, type LocalizedText, type QuestionnaireDefinition, type ReviewSessionDetail } from '@vtm/shared';

/** Every questionnaire version the console can show; a new version is added here. */
export const KNOWN_QUESTIONNAIRES: readonly QuestionnaireDefinition[] = [RISK_QUESTIONNAIRE_V1];

export function findQuestionnaire(
  ref: { id: string; version: number } | null,
  known: readonly QuestionnaireDefinition[] = KNOWN_QUESTIONNAIRES,
): QuestionnaireDefinition | null {
  return ref ? (known.find((q) => q.id === ref.id && q.version === ref.version) ?? null) : null;
}

export interface AnswerRow {
  /** 1-based number of the question in the questionnaire; null for a question it does not have. */
  number: number | null;
  questionId: string;
  /** null when the questionnaire (or this question) is unknown: the ids are shown instead. */
  question: LocalizedText | null;
  chosen: Array<{ optionId: string; text: LocalizedText | null }>;
  answeredAt: string | null;
  offsetMs: number | null;
  /** How many times the customer changed this answer before the final one. */
  changes: number;
  /** The question was never answered. */
  missing: boolean;
}

/** One row per question of the questionnaire, in its order, then any answer to a question it lacks. */
export function answerRows(
  detail: Pick<ReviewSessionDetail, 'questionnaire' | 'answers'>,
  known: readonly QuestionnaireDefinition[] = KNOWN_QUESTIONNAIRES,
): AnswerRow[] {
  const definition = findQuestionnaire(detail.questionnaire, known);
  const byQuestion = new Map(detail.answers.map((a) => [a.questionId, a]));
  const rows: AnswerRow[] = [];
  for (const [i, question] of (definition?.questions ?? []).entries()) {
    const answer = byQuestion.get(question.id);
    byQuestion.delete(question.id);
    rows.push({
      number: i + 1,
      questionId: question.id,
      question: question.text,
      chosen: (answer?.optionIds ?? []).map((optionId) => ({ optionId, text: question.options.find((o) => o.id === optionId)?.text ?? null })),
      answeredAt: answer?.answeredAt ?? null,
      offsetMs: answer?.offsetMs ?? null,
      changes: answer?.changes ?? 0,
      missing: answer === undefined,
    });
  }
  for (const answer of byQuestion.values()) {
    rows.push({
      number: null,
      questionId: answer.questionId,
      question: null,
      chosen: answer.optionIds.map((optionId) => ({ optionId, text: null })),
      answeredAt: answer.answeredAt,
      offsetMs: answer.offsetMs,
      changes: answer.changes,
      missing: false,
    });
  }
  return rows;
}
