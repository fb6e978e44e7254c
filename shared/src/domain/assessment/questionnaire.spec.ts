import { describe, expect, it } from 'vitest';
import { RISK_QUESTIONNAIRE_V1 as V1 } from './questionnaire-v1.ts';
import {
  type Answer,
  type AnswerErrorCode,
  QuestionnaireDefinition,
  definitionMaxScore,
  suggestedAgeAnswer,
  validateAnswer,
  validateAnswers,
} from './questionnaire.ts';
import { scoreAssessment } from './scoring.ts';

/** A complete valid answer set: the first option of every question. */
function firstOptions(): Answer[] {
  return V1.questions.map((q) => ({
    questionId: q.id,
    optionIds: [q.options.find((o) => !o.exclusive)?.id ?? ''],
  }));
}

function replacing(answers: Answer[], questionId: string, optionIds: string[]): Answer[] {
  return answers.map((a) => (a.questionId === questionId ? { questionId, optionIds } : a));
}

/** A plain, mutable copy of v1 for building broken definitions. */
function v1Copy(): QuestionnaireDefinition {
  return structuredClone(V1) as QuestionnaireDefinition;
}

describe('questionnaire risk-2026-v1 as data', () => {
  it('is identified, versioned and valid against the definition schema', () => {
    expect(V1.id).toBe('risk-2026-v1');
    expect(V1.version).toBe(1);
    expect(QuestionnaireDefinition.safeParse(V1).success).toBe(true);
    expect(Object.isFrozen(V1.questions[0]?.options[0])).toBe(true);
  });

  it('asks at least the ten required questions', () => {
    expect(V1.questions.map((q) => q.id)).toEqual([
      'age',
      'annual-income',
      'investable-share',
      'experience-years',
      'experience-products',
      'knowledge',
      'horizon',
      'objective',
      'max-loss',
      'fall-reaction',
      'liquidity',
    ]);
    expect(V1.questions.find((q) => q.id === 'experience-products')).toMatchObject({ kind: 'multiple', scoring: { rule: 'highest' } });
    expect(V1.questions.find((q) => q.id === 'age')).toMatchObject({ kind: 'single', prefill: 'verified-id-age' });
  });

  it('has Chinese and English text for every question, explanation, option, band and cap', () => {
    const texts = [
      V1.title,
      V1.introduction,
      ...V1.questions.flatMap((q) => [q.text, q.explanation, ...q.options.map((o) => o.text)]),
      ...V1.levels.flatMap((b) => [b.name, b.explanation]),
      ...V1.caps.map((c) => c.reason),
    ];
    for (const t of texts) {
      expect(t['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(t.en).toMatch(/^[\x20-\x7e’“”–]+$/);
    }
  });

  it('scores 0–100, with bands that cover every total exactly once', () => {
    expect(definitionMaxScore(V1)).toBe(100);
    expect(V1.levels.map((b) => [b.level, b.minScore, b.maxScore])).toEqual([
      ['C1', 0, 20],
      ['C2', 21, 40],
      ['C3', 41, 60],
      ['C4', 61, 80],
      ['C5', 81, 100],
    ]);
    for (let score = 0; score <= 100; score++) {
      expect(V1.levels.filter((b) => score >= b.minScore && score <= b.maxScore), `score ${score}`).toHaveLength(1);
    }
  });

  it('explains per level which product risk levels the customer may buy', () => {
    expect(V1.levels.map((b) => b.explanation['zh-CN'].match(/R[1-5](?:至R[1-5])?/)?.[0])).toEqual([
      'R1',
      'R1至R2',
      'R1至R3',
      'R1至R4',
      'R1至R5',
    ]);
  });
});

describe('every option path', () => {
  const paths = V1.questions.flatMap((q) => q.options.map((o) => ({ question: q.id, option: o.id, score: o.score })));
  it.each(paths)('$question → $option is a valid answer scored $score', ({ question, option, score }) => {
    const answers = replacing(firstOptions(), question, [option]);
    expect(validateAnswers(V1, answers).ok).toBe(true);
    expect(validateAnswer(V1, { questionId: question, optionIds: [option] })).toEqual([]);
    expect(scoreAssessment(V1, answers).perQuestion.find((p) => p.questionId === question)?.score).toBe(score);
  });

  it('accepts every combinable option of the multiple-choice question together, scored by the highest', () => {
    const q = V1.questions.find((x) => x.id === 'experience-products')!;
    const all = q.options.filter((o) => !o.exclusive).map((o) => o.id);
    const answers = replacing(firstOptions(), q.id, all);
    expect(validateAnswers(V1, answers).ok).toBe(true);
    expect(scoreAssessment(V1, answers).perQuestion.find((p) => p.questionId === q.id)?.score).toBe(10);
    const lowTwo = replacing(firstOptions(), q.id, ['products-low-risk', 'products-fixed-income']);
    expect(scoreAssessment(V1, lowTwo).perQuestion.find((p) => p.questionId === q.id)?.score).toBe(4);
  });
});

describe('validateAnswers', () => {
  const base = firstOptions();
  const cases: { name: string; answers: unknown; errors: [AnswerErrorCode, string?, string?][] }[] = [
    { name: 'not an array', answers: { age: 'age-18-30' }, errors: [['malformed']] },
    { name: 'an answer without optionIds', answers: [{ questionId: 'age' }], errors: [['malformed']] },
    { name: 'an extra key in an answer', answers: [{ questionId: 'age', optionIds: ['age-18-30'], by: 'teller' }], errors: [['malformed']] },
    { name: 'nothing answered', answers: [], errors: V1.questions.map((q) => ['missing-answer', q.id] as [AnswerErrorCode, string]) },
    { name: 'one question missing', answers: base.filter((a) => a.questionId !== 'horizon'), errors: [['missing-answer', 'horizon']] },
    { name: 'unknown question', answers: [...base, { questionId: 'favourite-colour', optionIds: ['red'] }], errors: [['unknown-question', 'favourite-colour']] },
    { name: 'question answered twice', answers: [...base, { questionId: 'age', optionIds: ['age-31-45'] }], errors: [['duplicate-answer', 'age']] },
    { name: 'no option selected', answers: replacing(base, 'objective', []), errors: [['no-option-selected', 'objective']] },
    {
      name: 'two options on a single-choice question',
      answers: replacing(base, 'max-loss', ['loss-up-to-5', 'loss-up-to-10']),
      errors: [['too-many-options', 'max-loss']],
    },
    { name: 'unknown option', answers: replacing(base, 'age', ['age-12-17']), errors: [['unknown-option', 'age', 'age-12-17']] },
    {
      name: "another question's option",
      answers: replacing(base, 'horizon', ['loss-none']),
      errors: [['unknown-option', 'horizon', 'loss-none']],
    },
    {
      name: 'an option listed twice',
      answers: replacing(base, 'experience-products', ['products-equity', 'products-equity']),
      errors: [['duplicate-option', 'experience-products', 'products-equity']],
    },
    {
      name: '"none" combined with a product',
      answers: replacing(base, 'experience-products', ['products-none', 'products-equity']),
      errors: [['exclusive-option-combined', 'experience-products', 'products-none']],
    },
  ];

  it.each(cases)('rejects $name', ({ answers, errors }) => {
    const result = validateAnswers(V1, answers);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.questionId, e.optionId].filter((x) => x !== undefined))).toEqual(errors);
    for (const e of result.errors) {
      expect(e.message['zh-CN'].length).toBeGreaterThan(0);
      expect(e.message.en.length).toBeGreaterThan(0);
    }
  });

  it('reports every problem at once', () => {
    const answers = replacing(replacing(base, 'age', []), 'horizon', ['nope']).filter((a) => a.questionId !== 'liquidity');
    const result = validateAnswers(V1, answers);
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(['no-option-selected', 'unknown-option', 'missing-answer']);
  });

  it('normalises: questionnaire order, options in question order, whatever the tap order', () => {
    const shuffled = [...replacing(base, 'experience-products', ['products-equity', 'products-low-risk'])].reverse();
    const result = validateAnswers(V1, shuffled);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answers.map((a) => a.questionId)).toEqual(V1.questions.map((q) => q.id));
    expect(result.answers.find((a) => a.questionId === 'experience-products')?.optionIds).toEqual(['products-low-risk', 'products-equity']);
  });

  it('validates a single answer as it is given', () => {
    expect(validateAnswer(V1, { questionId: 'age', optionIds: ['age-31-45'] })).toEqual([]);
    expect(validateAnswer(V1, { questionId: 'nope', optionIds: ['x'] }).map((e) => e.code)).toEqual(['unknown-question']);
    expect(validateAnswer(V1, 'age').map((e) => e.code)).toEqual(['malformed']);
  });
});

describe('age band preselected from the verified ID', () => {
  it.each([
    [17, null],
    [18, 'age-18-30'],
    [30, 'age-18-30'],
    [31, 'age-31-45'],
    [45, 'age-31-45'],
    [46, 'age-46-55'],
    [55, 'age-46-55'],
    [56, 'age-56-64'],
    [64, 'age-56-64'],
    [65, 'age-65-plus'],
    [101, 'age-65-plus'],
    [40.5, null],
  ])('age %s → %s', (age, option) => {
    expect(suggestedAgeAnswer(V1, age)).toEqual(option === null ? null : { questionId: 'age', optionIds: [option] });
  });
});

describe('definition schema rejects inconsistent definitions', () => {
  const cases: [string, (d: QuestionnaireDefinition) => void, RegExp][] = [
    ['a gap between bands', (d) => void (d.levels[1]!.minScore = 22), /C2 must start at 21/],
    ['overlapping bands', (d) => void (d.levels[2]!.minScore = 40), /C3 must start at 41/],
    ['bands not reaching the maximum', (d) => void (d.levels[4]!.maxScore = 99), /end at the maximum score 100/],
    ['bands beyond the maximum', (d) => void (d.levels[4]!.maxScore = 101), /end at the maximum score 100/],
    ['bands out of order', (d) => void ([d.levels[0]!.level, d.levels[1]!.level] = ['C2', 'C1']), /band 0 must be C1/],
    ['a cap on an unknown option', (d) => void (d.caps[0]!.optionIds = ['loss-sometimes']), /unknown option loss-sometimes/],
    ['a cap on an unknown question', (d) => void (d.caps[0]!.questionId = 'mood'), /unknown question mood/],
    ['duplicate question ids', (d) => void (d.questions[1]!.id = 'age'), /duplicate question id age/],
    ['duplicate option ids', (d) => void (d.questions[1]!.options[1]!.id = d.questions[1]!.options[0]!.id), /duplicate option id/],
    ['an exclusive single-choice option', (d) => void (d.questions[1]!.options[0]!.exclusive = true), /only multiple-choice/],
    ['overlapping age bands', (d) => void (d.questions[0]!.options[1]!.ageRange = { min: 30, max: 45 }), /contiguous/],
    ['a closed oldest age band', (d) => void (d.questions[0]!.options[4]!.ageRange = { min: 65, max: 120 }), /open-ended/],
    ['a missing English text', (d) => void (d.questions[2]!.text.en = ' '), /too_small|>=1/],
    ['an unknown key', (d) => void Object.assign(d, { secret: 1 }), /Unrecognized key/],
  ];
  it.each(cases)('%s', (_name, breakIt, message) => {
    const d = v1Copy();
    breakIt(d);
    const result = QuestionnaireDefinition.safeParse(d);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.code} ${i.message}`).join('\n')).toMatch(message);
  });
});
