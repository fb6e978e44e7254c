/**
 * What a risk-tolerance questionnaire is, and what a valid set of answers to it is.
 *
 * Questionnaires are data: the teller console, the kiosk, the server and other channels
 * receive a definition (possibly over the HTTP API), validate it with
 * `QuestionnaireDefinition`, render it, and check the customer's answers with
 * `validateAnswers`. A definition that parses is internally consistent: unique ids, caps
 * that point at real options, and score bands that cover every reachable total exactly once.
 *
 * Definitions are identified by `id` + `version`; a published version is never edited, a
 * changed questionnaire gets a new version, because signed documents refer to it.
 */
import { z } from 'zod';
import { CUSTOMER_RISK_LEVELS, CustomerRiskLevel, LocalizedText } from './levels.ts';

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');

/** Ages (in whole years, from the verified ID) that an age-band option stands for. */
export const AgeRange = z
  .strictObject({
    min: z.number().int().min(0).max(150),
    /** Inclusive; null means "and older". */
    max: z.number().int().min(0).max(150).nullable(),
  })
  .refine((r) => r.max === null || r.max >= r.min, 'age range max is below min');
export type AgeRange = z.infer<typeof AgeRange>;

export const QuestionOption = z.strictObject({
  id: Id,
  text: LocalizedText,
  score: z.number().int().min(0).max(100),
  /** Multiple choice only: this option ("none of these") may not be combined with others. */
  exclusive: z.boolean().optional(),
  /** Age-band questions only: the ages this option covers. */
  ageRange: AgeRange.optional(),
});
export type QuestionOption = z.infer<typeof QuestionOption>;

/**
 * How a multiple-choice question turns its selected options into one score.
 *  - `highest`: the score of the highest-scoring selected option (experience is measured
 *    by the riskiest product the customer already knows, not by how many they list);
 *  - `capped-sum`: the sum of the selected options' scores, at most `cap`.
 */
export const MultipleChoiceScoring = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('highest') }),
  z.strictObject({ rule: z.literal('capped-sum'), cap: z.number().int().min(0).max(100) }),
]);
export type MultipleChoiceScoring = z.infer<typeof MultipleChoiceScoring>;

const QuestionBase = {
  id: Id,
  text: LocalizedText,
  /** Why the bank asks; shown under the question and available for the teller to read out. */
  explanation: LocalizedText,
  options: z.array(QuestionOption).min(2).max(12),
};

export const SingleChoiceQuestion = z.strictObject({
  ...QuestionBase,
  kind: z.literal('single'),
  /**
   * `verified-id-age`: the options carry `ageRange`s and the kiosk may preselect the band
   * matching the age on the verified ID (see `suggestedAgeAnswer`). It is a suggestion
   * only: the customer still taps to answer, as for every other question.
   */
  prefill: z.literal('verified-id-age').optional(),
});
export type SingleChoiceQuestion = z.infer<typeof SingleChoiceQuestion>;

export const MultipleChoiceQuestion = z.strictObject({
  ...QuestionBase,
  kind: z.literal('multiple'),
  scoring: MultipleChoiceScoring,
});
export type MultipleChoiceQuestion = z.infer<typeof MultipleChoiceQuestion>;

export const Question = z.discriminatedUnion('kind', [SingleChoiceQuestion, MultipleChoiceQuestion]);
export type Question = z.infer<typeof Question>;

/** One band of total scores mapped to a customer level; `minScore`/`maxScore` inclusive. */
export const LevelBand = z.strictObject({
  level: CustomerRiskLevel,
  minScore: z.number().int().min(0),
  maxScore: z.number().int().min(0),
  name: LocalizedText,
  /** Plain words for the customer: what this level means and which products they may buy. */
  explanation: LocalizedText,
});
export type LevelBand = z.infer<typeof LevelBand>;

/**
 * A rule that limits the level whatever the total score, e.g. "cannot accept any loss of
 * principal" → at most C1. The level is the lower of the band's level and every matching cap.
 */
export const LevelCap = z.strictObject({
  id: Id,
  questionId: Id,
  /** The cap applies when any of these options is selected. */
  optionIds: z.array(Id).min(1),
  maxLevel: CustomerRiskLevel,
  /** Shown to the customer and the teller when the cap lowers the level. */
  reason: LocalizedText,
});
export type LevelCap = z.infer<typeof LevelCap>;

/** The highest score a question can contribute. */
export function questionMaxScore(question: Question): number {
  const scores = question.options.map((o) => o.score);
  if (question.kind === 'single' || question.scoring.rule === 'highest') return Math.max(...scores);
  const combinable = question.options.filter((o) => !o.exclusive).reduce((sum, o) => sum + o.score, 0);
  const exclusive = Math.max(0, ...question.options.filter((o) => o.exclusive).map((o) => o.score));
  return Math.min(question.scoring.cap, Math.max(combinable, exclusive));
}

/** The highest total a definition's questions can reach. */
export function definitionMaxScore(definition: Pick<QuestionnaireDefinition, 'questions'>): number {
  return definition.questions.reduce((sum, q) => sum + questionMaxScore(q), 0);
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

export const QuestionnaireDefinition = z
  .strictObject({
    id: Id,
    version: z.number().int().positive(),
    title: LocalizedText,
    /** Read to the customer before the first question. */
    introduction: LocalizedText,
    questions: z.array(Question).min(1).max(50),
    /** One band per level, C1 first; together they cover 0…max score without gaps or overlaps. */
    levels: z.array(LevelBand).length(CUSTOMER_RISK_LEVELS.length),
    caps: z.array(LevelCap).max(20),
  })
  .superRefine((def, ctx) => {
    const issue = (message: string, path: (string | number)[]) => ctx.addIssue({ code: 'custom', message, path });

    for (const id of duplicates(def.questions.map((q) => q.id))) issue(`duplicate question id ${id}`, ['questions']);
    def.questions.forEach((q, qi) => {
      for (const id of duplicates(q.options.map((o) => o.id))) {
        issue(`duplicate option id ${id} in question ${q.id}`, ['questions', qi, 'options']);
      }
      q.options.forEach((o, oi) => {
        if (o.exclusive && q.kind !== 'multiple') {
          issue('only multiple-choice options can be exclusive', ['questions', qi, 'options', oi, 'exclusive']);
        }
        if (o.ageRange && !(q.kind === 'single' && q.prefill === 'verified-id-age')) {
          issue('ageRange belongs to an age-band question only', ['questions', qi, 'options', oi, 'ageRange']);
        }
      });
      if (q.kind === 'multiple' && q.options.every((o) => o.exclusive)) {
        issue('a multiple-choice question needs combinable options', ['questions', qi, 'options']);
      }
      if (q.kind === 'single' && q.prefill === 'verified-id-age') {
        const ranges = q.options.map((o) => o.ageRange);
        if (ranges.some((r) => r === undefined)) {
          issue('every option of an age-band question needs an ageRange', ['questions', qi, 'options']);
        } else {
          const sorted = [...(ranges as AgeRange[])].sort((a, b) => a.min - b.min);
          sorted.forEach((r, i) => {
            const next = sorted[i + 1];
            if (next && (r.max === null || r.max + 1 !== next.min)) {
              issue('age ranges must be contiguous and not overlap', ['questions', qi, 'options']);
            }
          });
          if (sorted.at(-1)?.max !== null) issue('the oldest age band must be open-ended', ['questions', qi, 'options']);
        }
      }
    });
    if (def.questions.filter((q) => q.kind === 'single' && q.prefill === 'verified-id-age').length > 1) {
      issue('at most one question can be prefilled from the verified age', ['questions']);
    }

    // Bands: C1…C5 in order, starting at 0, each starting right after the previous one,
    // the last ending at the highest reachable score. Scores are integers, so this makes
    // every reachable total fall in exactly one band.
    const max = definitionMaxScore(def);
    def.levels.forEach((band, i) => {
      if (band.level !== CUSTOMER_RISK_LEVELS[i]) issue(`band ${i} must be ${CUSTOMER_RISK_LEVELS[i]}`, ['levels', i, 'level']);
      if (band.maxScore < band.minScore) issue('band maxScore is below minScore', ['levels', i]);
      const expectedMin = i === 0 ? 0 : (def.levels[i - 1]?.maxScore ?? 0) + 1;
      if (band.minScore !== expectedMin) issue(`band ${band.level} must start at ${expectedMin}`, ['levels', i, 'minScore']);
    });
    if (def.levels.at(-1)?.maxScore !== max) issue(`the last band must end at the maximum score ${max}`, ['levels']);

    for (const id of duplicates(def.caps.map((c) => c.id))) issue(`duplicate cap id ${id}`, ['caps']);
    def.caps.forEach((cap, ci) => {
      const question = def.questions.find((q) => q.id === cap.questionId);
      if (!question) return issue(`cap refers to unknown question ${cap.questionId}`, ['caps', ci, 'questionId']);
      for (const optionId of cap.optionIds) {
        if (!question.options.some((o) => o.id === optionId)) {
          issue(`cap refers to unknown option ${optionId}`, ['caps', ci, 'optionIds']);
        }
      }
    });
  });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>;

/** The customer's answer to one question. Single choice: exactly one option id. */
export const Answer = z.strictObject({
  questionId: z.string().min(1).max(64),
  optionIds: z.array(z.string().min(1).max(64)).max(20),
});
export type Answer = z.infer<typeof Answer>;

export const Answers = z.array(Answer).max(100);

export const AnswerErrorCode = z.enum([
  /** Not an array of `{ questionId, optionIds }`. */
  'malformed',
  'unknown-question',
  /** The same question answered twice. */
  'duplicate-answer',
  'missing-answer',
  'no-option-selected',
  /** More than one option for a single-choice question. */
  'too-many-options',
  'unknown-option',
  /** The same option listed twice in one answer. */
  'duplicate-option',
  /** "None of these" combined with other options. */
  'exclusive-option-combined',
]);
export type AnswerErrorCode = z.infer<typeof AnswerErrorCode>;

export interface AnswerError {
  code: AnswerErrorCode;
  questionId?: string;
  optionId?: string;
  message: LocalizedText;
}

export type AnswersValidation =
  | { ok: true; /** In questionnaire order, each answer's options in the question's order. */ answers: Answer[] }
  | { ok: false; errors: AnswerError[] };

function error(code: AnswerErrorCode, message: LocalizedText, questionId?: string, optionId?: string): AnswerError {
  return { code, message, ...(questionId === undefined ? {} : { questionId }), ...(optionId === undefined ? {} : { optionId }) };
}

function questionNumber(definition: QuestionnaireDefinition, questionId: string): number {
  return definition.questions.findIndex((q) => q.id === questionId) + 1;
}

/** Errors in one answer to a known question; empty when the answer is acceptable. */
function answerErrors(definition: QuestionnaireDefinition, question: Question, optionIds: readonly string[]): AnswerError[] {
  const n = questionNumber(definition, question.id);
  const errors: AnswerError[] = [];
  if (optionIds.length === 0) {
    errors.push(error('no-option-selected', { 'zh-CN': `第${n}题尚未选择答案。`, en: `Question ${n} has no option selected.` }, question.id));
  }
  if (question.kind === 'single' && optionIds.length > 1) {
    errors.push(
      error('too-many-options', { 'zh-CN': `第${n}题为单选题，只能选择一项。`, en: `Question ${n} allows one option only.` }, question.id),
    );
  }
  for (const optionId of duplicates(optionIds)) {
    errors.push(
      error('duplicate-option', { 'zh-CN': `第${n}题的同一选项被重复提交。`, en: `Question ${n} lists an option twice.` }, question.id, optionId),
    );
  }
  for (const optionId of optionIds) {
    if (!question.options.some((o) => o.id === optionId)) {
      errors.push(
        error('unknown-option', { 'zh-CN': `第${n}题没有此选项。`, en: `Question ${n} has no such option.` }, question.id, optionId),
      );
    }
  }
  if (question.kind === 'multiple' && new Set(optionIds).size > 1) {
    for (const option of question.options) {
      if (option.exclusive && optionIds.includes(option.id)) {
        errors.push(
          error(
            'exclusive-option-combined',
            {
              'zh-CN': `第${n}题中「${option.text['zh-CN']}」不能与其他选项同时选择。`,
              en: `In question ${n}, "${option.text.en}" cannot be combined with other options.`,
            },
            question.id,
            option.id,
          ),
        );
      }
    }
  }
  return errors;
}

function malformed(): AnswerError {
  return error('malformed', { 'zh-CN': '提交的答案格式不正确。', en: 'The submitted answers are not in the expected format.' });
}

/** Checks one answer as the customer gives it (e.g. before moving to the next question). */
export function validateAnswer(definition: QuestionnaireDefinition, answer: unknown): AnswerError[] {
  const parsed = Answer.safeParse(answer);
  if (!parsed.success) return [malformed()];
  const question = definition.questions.find((q) => q.id === parsed.data.questionId);
  if (!question) {
    return [
      error('unknown-question', { 'zh-CN': '问卷中没有这道题。', en: 'The questionnaire has no such question.' }, parsed.data.questionId),
    ];
  }
  return answerErrors(definition, question, parsed.data.optionIds);
}

/**
 * Checks a complete set of answers: every question answered exactly once, every option id
 * known, exactly one option for single choice, at least one for multiple choice, and an
 * exclusive option ("none of these") alone. All problems are reported, not just the first.
 *
 * On success the answers come back normalised — in questionnaire order, options in the
 * question's order — so that the same choices always give the same signed document,
 * whatever order the customer tapped them in.
 */
export function validateAnswers(definition: QuestionnaireDefinition, answers: unknown): AnswersValidation {
  const parsed = Answers.safeParse(answers);
  if (!parsed.success) return { ok: false, errors: [malformed()] };

  const errors: AnswerError[] = [];
  const byQuestion = new Map<string, Answer>();
  for (const answer of parsed.data) {
    const question = definition.questions.find((q) => q.id === answer.questionId);
    if (!question) {
      errors.push(
        error('unknown-question', { 'zh-CN': '问卷中没有这道题。', en: 'The questionnaire has no such question.' }, answer.questionId),
      );
      continue;
    }
    if (byQuestion.has(question.id)) {
      const n = questionNumber(definition, question.id);
      errors.push(
        error('duplicate-answer', { 'zh-CN': `第${n}题的答案被重复提交。`, en: `Question ${n} was answered more than once.` }, question.id),
      );
      continue;
    }
    byQuestion.set(question.id, answer);
    errors.push(...answerErrors(definition, question, answer.optionIds));
  }
  definition.questions.forEach((question, i) => {
    if (!byQuestion.has(question.id)) {
      errors.push(
        error('missing-answer', { 'zh-CN': `第${i + 1}题尚未作答。`, en: `Question ${i + 1} has not been answered.` }, question.id),
      );
    }
  });
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    answers: definition.questions.map((question) => {
      const selected = new Set(byQuestion.get(question.id)?.optionIds);
      return { questionId: question.id, optionIds: question.options.filter((o) => selected.has(o.id)).map((o) => o.id) };
    }),
  };
}

/**
 * The age-band answer matching the age on the verified ID, for the kiosk to preselect.
 * The customer must still confirm it by answering; this never answers on their behalf.
 * Null when the definition has no age-band question or no band contains the age.
 */
export function suggestedAgeAnswer(definition: QuestionnaireDefinition, verifiedAge: number): Answer | null {
  const question = definition.questions.find((q) => q.kind === 'single' && q.prefill === 'verified-id-age');
  if (!question || !Number.isInteger(verifiedAge)) return null;
  const option = question.options.find(
    (o) => o.ageRange && verifiedAge >= o.ageRange.min && (o.ageRange.max === null || verifiedAge <= o.ageRange.max),
  );
  return option ? { questionId: question.id, optionIds: [option.id] } : null;
}
