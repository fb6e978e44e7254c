import { describe, expect, it } from 'vitest';
import { RISK_QUESTIONNAIRE_V1 } from '@vtm/shared';
import { answerRows, findQuestionnaire } from './answers.ts';

const q1 = RISK_QUESTIONNAIRE_V1.questions[0]!;
const q5 = RISK_QUESTIONNAIRE_V1.questions.find((q) => q.kind === 'multiple')!;
const answer = (questionId: string, optionIds: string[], offsetMs: number | null = 1_000, changes = 0) => ({
  questionId,
  optionIds,
  answeredAt: '2026-11-25T10:00:00.000Z',
  offsetMs,
  changes,
});

describe('findQuestionnaire', () => {
  it('finds a definition by id and version only', () => {
    expect(findQuestionnaire({ id: 'risk-2026-v1', version: 1 })).toBe(RISK_QUESTIONNAIRE_V1);
    expect(findQuestionnaire({ id: 'risk-2026-v1', version: 2 })).toBeNull();
    expect(findQuestionnaire(null)).toBeNull();
  });
});

describe('answerRows', () => {
  const questionnaire = { id: 'risk-2026-v1', version: 1 };

  it('gives each question its text, the chosen options\' text and when it was answered', () => {
    const rows = answerRows({ questionnaire, answers: [answer(q5.id, [q5.options[1]!.id, q5.options[2]!.id], 9_000, 2), answer(q1.id, [q1.options[0]!.id])] });
    expect(rows).toHaveLength(RISK_QUESTIONNAIRE_V1.questions.length);
    expect(rows[0]).toEqual({
      number: 1,
      questionId: q1.id,
      question: q1.text,
      chosen: [{ optionId: q1.options[0]!.id, text: q1.options[0]!.text }],
      answeredAt: '2026-11-25T10:00:00.000Z',
      offsetMs: 1_000,
      changes: 0,
      missing: false,
    });
    const multiple = rows.find((r) => r.questionId === q5.id)!;
    expect(multiple.chosen.map((c) => c.text)).toEqual([q5.options[1]!.text, q5.options[2]!.text]);
    expect(multiple.changes).toBe(2);
  });

  it('marks the questions never answered', () => {
    const rows = answerRows({ questionnaire, answers: [answer(q1.id, [q1.options[0]!.id])] });
    expect(rows.filter((r) => r.missing)).toHaveLength(RISK_QUESTIONNAIRE_V1.questions.length - 1);
    expect(rows[1]).toMatchObject({ missing: true, chosen: [], answeredAt: null });
  });

  it('shows ids where the questionnaire or an option is unknown', () => {
    const rows = answerRows({ questionnaire: { id: 'risk-2030', version: 3 }, answers: [answer('mystery', ['x'])] });
    expect(rows).toEqual([expect.objectContaining({ number: null, questionId: 'mystery', question: null, chosen: [{ optionId: 'x', text: null }] })]);
    const unknownOption = answerRows({ questionnaire, answers: [answer(q1.id, ['no-such-option'])] });
    expect(unknownOption[0]!.chosen).toEqual([{ optionId: 'no-such-option', text: null }]);
  });
});
