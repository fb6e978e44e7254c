import { describe, expect, it } from 'vitest';
import type { CustomerRiskLevel } from './levels.ts';
import { RISK_QUESTIONNAIRE_V1 as V1 } from './questionnaire-v1.ts';
import { type Answer, QuestionnaireDefinition } from './questionnaire.ts';
import { InvalidAnswersError, levelForScore, scoreAssessment } from './scoring.ts';

const CAPPING_OPTION = 'loss-none';

/**
 * Answers (one option per question, never the capping option) whose total is exactly
 * `target`, found by dynamic programming over the questions; null if none exists.
 */
function answersScoring(target: number): Answer[] | null {
  // reachable[i] maps a partial total after i questions to the answers giving it.
  let reachable = new Map<number, Answer[]>([[0, []]]);
  for (const q of V1.questions) {
    const next = new Map<number, Answer[]>();
    for (const [total, answers] of reachable) {
      for (const o of q.options) {
        if (o.id === CAPPING_OPTION) continue;
        const t = total + o.score;
        if (t <= target && !next.has(t)) next.set(t, [...answers, { questionId: q.id, optionIds: [o.id] }]);
      }
    }
    reachable = next;
  }
  return reachable.get(target) ?? null;
}

function extreme(pick: 'min' | 'max', except: { questionId: string; optionIds: string[] }[] = []): Answer[] {
  return V1.questions.map((q) => {
    const fixed = except.find((e) => e.questionId === q.id);
    if (fixed) return fixed;
    const sorted = [...q.options].sort((a, b) => (pick === 'min' ? a.score - b.score : b.score - a.score));
    return { questionId: q.id, optionIds: [sorted[0]!.id] };
  });
}

describe('score bands: each edge score gives the documented level', () => {
  const edges: [number, CustomerRiskLevel][] = [
    [0, 'C1'],
    [20, 'C1'],
    [21, 'C2'],
    [40, 'C2'],
    [41, 'C3'],
    [60, 'C3'],
    [61, 'C4'],
    [80, 'C4'],
    [81, 'C5'],
    [100, 'C5'],
  ];

  it.each(edges)('levelForScore(%i) = %s', (score, level) => {
    expect(levelForScore(V1, score)).toBe(level);
  });

  // The lowest reachable total without the cap option is above 0, so edges below it are skipped.
  it.each(edges.filter(([s]) => answersScoring(s) !== null))('real answers totalling %i are scored %s', (score, level) => {
    const result = scoreAssessment(V1, answersScoring(score));
    expect(result.score).toBe(score);
    expect(result.maxScore).toBe(100);
    expect(result.level).toBe(level);
    expect(result.uncappedLevel).toBe(level);
    expect(result.appliedCaps).toEqual([]);
  });

  it.each([-1, 101, 20.5, Number.NaN])('refuses a total outside the bands: %s', (score) => {
    expect(() => levelForScore(V1, score)).toThrow(RangeError);
  });

  it('reaches every edge with real answers except 0 (the lowest total without the cap option is 11)', () => {
    expect(edges.filter(([s]) => answersScoring(s) === null)).toEqual([[0, 'C1']]);
    expect(answersScoring(11)).not.toBeNull();
    expect(answersScoring(10)).toBeNull();
  });

  it('reaches both ends of the scale with real answers', () => {
    const low = scoreAssessment(V1, extreme('min'));
    expect([low.score, low.level]).toEqual([8, 'C1']);
    const high = scoreAssessment(V1, extreme('max'));
    expect([high.score, high.level]).toEqual([100, 'C5']);
    expect(high.perQuestion.every((q) => q.score === q.maxScore)).toBe(true);
  });
});

describe('caps: "cannot accept any loss of principal" limits the level to C1', () => {
  const noLoss = { questionId: 'max-loss', optionIds: ['loss-none'] };

  it('caps an otherwise aggressive customer at C1 and says why', () => {
    const result = scoreAssessment(V1, extreme('max', [noLoss]));
    expect(result.score).toBe(88);
    expect(result.uncappedLevel).toBe('C5');
    expect(result.level).toBe('C1');
    expect(result.appliedCaps).toEqual([{ capId: 'no-loss-accepted', maxLevel: 'C1', reason: V1.caps[0]!.reason }]);
  });

  it.each(['loss-up-to-5', 'loss-up-to-10', 'loss-up-to-20', 'loss-over-20'])('does not cap %s', (option) => {
    const result = scoreAssessment(V1, extreme('max', [{ questionId: 'max-loss', optionIds: [option] }]));
    expect(result.appliedCaps).toEqual([]);
    expect(result.level).toBe(result.uncappedLevel);
  });

  it('never raises a level', () => {
    const result = scoreAssessment(V1, extreme('min', [noLoss]));
    expect([result.uncappedLevel, result.level]).toEqual(['C1', 'C1']);
  });

  it('keeps the lowest of several caps', () => {
    const d = structuredClone(V1) as QuestionnaireDefinition;
    d.caps.push({ id: 'short-horizon', questionId: 'horizon', optionIds: ['horizon-under-6m'], maxLevel: 'C2', reason: d.caps[0]!.reason });
    const def = QuestionnaireDefinition.parse(d);
    const both = scoreAssessment(def, extreme('max', [noLoss, { questionId: 'horizon', optionIds: ['horizon-under-6m'] }]));
    expect([both.level, both.appliedCaps.map((c) => c.capId)]).toEqual(['C1', ['no-loss-accepted', 'short-horizon']]);
    const one = scoreAssessment(def, extreme('max', [{ questionId: 'horizon', optionIds: ['horizon-under-6m'] }]));
    expect([one.uncappedLevel, one.level]).toEqual(['C5', 'C2']);
  });
});

describe('multiple-choice scoring rules', () => {
  it.each([
    [['products-none'], 0],
    [['products-low-risk'], 2],
    [['products-low-risk', 'products-fixed-income', 'products-mixed'], 6],
    [['products-derivatives', 'products-low-risk'], 10],
  ])('highest: %j → %i', (optionIds, expected) => {
    const answers = extreme('min', [{ questionId: 'experience-products', optionIds }]);
    expect(scoreAssessment(V1, answers).perQuestion.find((q) => q.questionId === 'experience-products')?.score).toBe(expected);
  });

  it('capped-sum adds the selected scores up to the cap (and the maximum score follows the cap)', () => {
    const d = structuredClone(V1) as QuestionnaireDefinition;
    const q = d.questions.find((x) => x.id === 'experience-products')!;
    if (q.kind !== 'multiple') throw new Error('expected multiple choice');
    q.scoring = { rule: 'capped-sum', cap: 10 };
    d.levels[4]!.maxScore = 100; // cap 10 = the old highest score, so the bands still fit
    const def = QuestionnaireDefinition.parse(d);
    const score = (optionIds: string[]) =>
      scoreAssessment(def, extreme('min', [{ questionId: q.id, optionIds }])).perQuestion.find((p) => p.questionId === q.id)?.score;
    expect(score(['products-low-risk', 'products-fixed-income'])).toBe(6);
    expect(score(['products-equity', 'products-derivatives'])).toBe(10);
    expect(score(['products-none'])).toBe(0);
  });
});

describe('scoreAssessment input', () => {
  it('refuses invalid answers with the validation errors instead of scoring them', () => {
    const partial = extreme('max').slice(1);
    expect(() => scoreAssessment(V1, partial)).toThrow(InvalidAnswersError);
    try {
      scoreAssessment(V1, partial);
    } catch (e) {
      expect((e as InvalidAnswersError).errors.map((x) => [x.code, x.questionId])).toEqual([['missing-answer', 'age']]);
    }
  });

  it('reports the questionnaire, per-question scores in order and the normalised answers', () => {
    const answers = [...extreme('max')].reverse();
    const result = scoreAssessment(V1, answers);
    expect([result.questionnaireId, result.questionnaireVersion]).toEqual(['risk-2026-v1', 1]);
    expect(result.perQuestion.map((q) => q.questionId)).toEqual(V1.questions.map((q) => q.id));
    expect(result.answers).toEqual(extreme('max'));
    expect(result.perQuestion.reduce((s, q) => s + q.score, 0)).toBe(result.score);
  });
});
