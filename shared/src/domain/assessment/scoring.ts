/**
 * Turning a customer's answers into a risk-tolerance level.
 *
 * Total score = sum of per-question scores; the total falls in exactly one of the
 * definition's bands (the definition schema guarantees it); then every cap whose option
 * the customer chose can only lower the level, never raise it. The result keeps the
 * per-question breakdown, the level before caps and the caps applied, so that the teller,
 * the customer and a later reviewer can see why the level is what it is.
 */
import { type CustomerRiskLevel, type LocalizedText, lowerCustomerLevel } from './levels.ts';
import {
  type Answer,
  type AnswerError,
  type LevelBand,
  type Question,
  type QuestionnaireDefinition,
  questionMaxScore,
  validateAnswers,
} from './questionnaire.ts';

export interface QuestionScore {
  questionId: string;
  optionIds: string[];
  score: number;
  maxScore: number;
}

export interface AppliedCap {
  capId: string;
  maxLevel: CustomerRiskLevel;
  reason: LocalizedText;
}

export interface AssessmentScore {
  questionnaireId: string;
  questionnaireVersion: number;
  score: number;
  maxScore: number;
  /** The level to use: the band's level lowered by any applied caps. */
  level: CustomerRiskLevel;
  /** The band the score falls in, before caps. */
  uncappedLevel: CustomerRiskLevel;
  /** Caps whose condition the answers meet (each limits the level to its maxLevel), in definition order. */
  appliedCaps: AppliedCap[];
  /** In questionnaire order. */
  perQuestion: QuestionScore[];
  /** The answers as scored (normalised: questionnaire order, options in question order). */
  answers: Answer[];
}

/** Thrown by `scoreAssessment` for answers that `validateAnswers` rejects: they are never scored. */
export class InvalidAnswersError extends Error {
  override readonly name = 'InvalidAnswersError';
  constructor(readonly errors: AnswerError[]) {
    super(`invalid answers: ${errors.map((e) => `${e.code}${e.questionId ? ` (${e.questionId})` : ''}`).join(', ')}`);
  }
}

/** The score one question contributes for already-validated option ids. */
export function scoreQuestion(question: Question, optionIds: readonly string[]): number {
  const scores = question.options.filter((o) => optionIds.includes(o.id)).map((o) => o.score);
  if (question.kind === 'single' || question.scoring.rule === 'highest') return Math.max(0, ...scores);
  return Math.min(question.scoring.cap, scores.reduce((a, b) => a + b, 0));
}

/** The band containing a total score; throws for a score outside 0…max (not reachable by valid answers). */
export function bandForScore(definition: QuestionnaireDefinition, score: number): LevelBand {
  const band = definition.levels.find((b) => score >= b.minScore && score <= b.maxScore);
  if (!band || !Number.isInteger(score)) throw new RangeError(`score ${score} is outside every band of ${definition.id}`);
  return band;
}

export function levelForScore(definition: QuestionnaireDefinition, score: number): CustomerRiskLevel {
  return bandForScore(definition, score).level;
}

/**
 * Scores a complete, valid set of answers. Throws `InvalidAnswersError` otherwise: a
 * partial or inconsistent questionnaire must be corrected, not scored.
 */
export function scoreAssessment(definition: QuestionnaireDefinition, answers: unknown): AssessmentScore {
  const validation = validateAnswers(definition, answers);
  if (!validation.ok) throw new InvalidAnswersError(validation.errors);

  const perQuestion = definition.questions.map((question, i): QuestionScore => {
    const optionIds = validation.answers[i]?.optionIds ?? [];
    return { questionId: question.id, optionIds, score: scoreQuestion(question, optionIds), maxScore: questionMaxScore(question) };
  });
  const score = perQuestion.reduce((sum, q) => sum + q.score, 0);
  const maxScore = perQuestion.reduce((sum, q) => sum + q.maxScore, 0);
  const uncappedLevel = levelForScore(definition, score);

  const appliedCaps: AppliedCap[] = definition.caps
    .filter((cap) => {
      const chosen = perQuestion.find((q) => q.questionId === cap.questionId)?.optionIds ?? [];
      return cap.optionIds.some((id) => chosen.includes(id));
    })
    .map((cap) => ({ capId: cap.id, maxLevel: cap.maxLevel, reason: cap.reason }));
  const level = appliedCaps.reduce((lvl, cap) => lowerCustomerLevel(lvl, cap.maxLevel), uncappedLevel);

  return {
    questionnaireId: definition.id,
    questionnaireVersion: definition.version,
    score,
    maxScore,
    level,
    uncappedLevel,
    appliedCaps,
    perQuestion,
    answers: validation.answers,
  };
}
