/**
 * Each regulated check against a session done by the book, then against that session with
 * one thing wrong: the check must notice, and say what and when.
 */
import { describe, expect, it } from 'vitest';
import { RISK_QUESTIONNAIRE_V1, findProduct, type QualityCheck } from '@vtm/shared';
import {
  checkAnswersAtKiosk,
  checkConsentFirst,
  checkDisclosureBeforeSignature,
  checkIdentityBeforeQuestionnaire,
  checkLevelRecomputed,
  checkSignatureDocumentHash,
  checkSuitabilityRespected,
  currentAnswers,
} from './regulated-checks.ts';
import { completedSale, plainCall } from './review-fixtures.ts';
import type { RegulatedFacts, ReviewEvent } from './review-facts.ts';

type Check = (facts: RegulatedFacts) => QualityCheck | Promise<QualityCheck>;

const CHECKS: Record<string, Check> = {
  'consent-first': (f) => checkConsentFirst(f.events),
  'identity-before-questionnaire': (f) => checkIdentityBeforeQuestionnaire(f.events),
  'answers-at-kiosk': checkAnswersAtKiosk,
  'level-recomputed': checkLevelRecomputed,
  'suitability-respected': checkSuitabilityRespected,
  'disclosure-before-signature': checkDisclosureBeforeSignature,
  'signature-document-hash': checkSignatureDocumentHash,
};

// ---- ways to spoil a good session ---------------------------------------------------

const indexOf = (f: RegulatedFacts, type: string) => f.events.findIndex((e) => e.type === type);
const without = (...types: string[]) => (f: RegulatedFacts) => void (f.events = f.events.filter((e) => !types.includes(e.type)));
/** Moves the first event of `type` to just before the first event of `before`. */
const moveBefore = (type: string, before: string) => (f: RegulatedFacts) => {
  const [event] = f.events.splice(indexOf(f, type), 1);
  f.events.splice(indexOf(f, before), 0, event!);
};
const payloadOf = (f: RegulatedFacts, type: string, index = 0) => f.events.filter((e) => e.type === type)[index]!.payload as Record<string, unknown>;
const insertAfter = (type: string, event: Omit<ReviewEvent, 'at' | 'offsetMs'>) => (f: RegulatedFacts) => {
  const anchor = f.events[indexOf(f, type)]!;
  f.events.splice(indexOf(f, type) + 1, 0, { ...event, at: anchor.at, offsetMs: anchor.offsetMs });
};

interface Case {
  name: string;
  check: keyof typeof CHECKS;
  spoil: (facts: RegulatedFacts) => void;
  reason: RegExp;
}

const FAILURES: Case[] = [
  { name: 'no consent at all', check: 'consent-first', spoil: without('consent.given'), reason: /No consent to recording/ },
  { name: 'ID captured before consent', check: 'consent-first', spoil: moveBefore('identity.captured', 'consent.given'), reason: /"identity.captured" was recorded .* before the customer's consent/ },
  {
    name: 'consent declined but the session went on',
    check: 'consent-first',
    spoil: (f) => void (f.events[indexOf(f, 'consent.given')]!.type = 'consent.declined'),
    reason: /Consent was declined, yet "identity.captured" followed/,
  },
  { name: 'identity never verified', check: 'identity-before-questionnaire', spoil: without('identity.verified'), reason: /never verified: no identity check was recorded/ },
  {
    name: 'identity check failed',
    check: 'identity-before-questionnaire',
    spoil: (f) => void (f.events[indexOf(f, 'identity.verified')]!.type = 'identity.failed'),
    reason: /never verified: the teller marked it failed at \+0:/,
  },
  {
    name: 'questionnaire before identity',
    check: 'identity-before-questionnaire',
    spoil: moveBefore('identity.verified', 'level.computed'),
    reason: /"questionnaire.started" at \+0:0\d\.\d came before the identity was verified at \+/,
  },
  {
    name: 'an answer with no kiosk event (written some other way)',
    check: 'answers-at-kiosk',
    spoil: (f) => f.answers.push({ id: 99, questionId: 'age', optionIds: ['age-18-30'], replacesAnswerId: null }),
    reason: /Stored answer #99 \(age: age-18-30\) has no matching answer from the kiosk/,
  },
  {
    name: 'a stored answer differs from what the kiosk sent',
    check: 'answers-at-kiosk',
    spoil: (f) => void (f.answers[2]!.optionIds = ['something-else']),
    reason: /Stored answer #3 .* has no matching answer from the kiosk/,
  },
  {
    name: 'a kiosk answer that was never stored',
    check: 'answers-at-kiosk',
    spoil: (f) => void f.answers.pop(),
    reason: /The kiosk's answer to \S+ at \+.* has no stored answer/,
  },
  {
    name: 'an answer to a question not on the screen',
    check: 'answers-at-kiosk',
    spoil: (f) => void f.events.splice(indexOf(f, 'question.shown'), 1),
    reason: /was not to the question on the kiosk's screen \(none\)/,
  },
  { name: 'questionnaire not taken', check: 'answers-at-kiosk', spoil: (f) => ((f.answers = []), without('answer.given')(f)), reason: /No answers were recorded/ },
  { name: 'no assessment stored', check: 'level-recomputed', spoil: (f) => void (f.assessments = []), reason: /No assessment was stored/ },
  {
    name: 'stored level higher than the answers give',
    check: 'level-recomputed',
    spoil: (f) => {
      // The most cautious answers score far lower than what was stored.
      f.answers = RISK_QUESTIONNAIRE_V1.questions.map((q, i) => ({ id: i + 1, questionId: q.id, optionIds: [q.options[0]!.id], replacesAnswerId: null }));
    },
    reason: /Recomputed C\d \(score \d+\) from the stored answers, but the stored assessment says C\d/,
  },
  {
    name: 'session row says another level',
    check: 'level-recomputed',
    spoil: (f) => void (f.stored.riskLevel = f.stored.riskLevel === 'C1' ? 'C2' : 'C1'),
    reason: /but the session says C\d/,
  },
  { name: 'timeline says another level', check: 'level-recomputed', spoil: (f) => void (payloadOf(f, 'level.computed')['level'] = 'C0'), reason: /but the timeline \(level.computed\) says C0/ },
  { name: 'answers missing a question', check: 'level-recomputed', spoil: (f) => void f.answers.shift(), reason: /The stored answers cannot be scored/ },
  {
    name: 'a product above the level was allowed',
    check: 'suitability-respected',
    spoil: (f) => {
      f.stored.riskLevel = 'C1';
      f.assessments[0]!.level = 'C1';
    },
    reason: /\(R\d\) was allowed at \+.* for a C1 customer, but the rule says: product-risk-too-high/,
  },
  {
    name: 'an under-age customer was sold to',
    check: 'suitability-respected',
    spoil: (f) => void (f.customerBirthDate = '2015-01-01'),
    reason: /the rule says: customer-under-18/,
  },
  {
    name: 'the session records a product never allowed',
    check: 'suitability-respected',
    spoil: (f) => void (f.stored.productCode = 'WM-R1-DAILY'),
    reason: /records the product WM-R1-DAILY, which was never allowed/,
  },
  { name: 'completed without any suitability check', check: 'suitability-respected', spoil: without('suitability.result'), reason: /No product was checked/ },
  {
    name: 'signature asked for before the disclosure was confirmed',
    check: 'disclosure-before-signature',
    spoil: moveBefore('disclosure.confirmed', 'signature.submitted'),
    reason: /"acknowledgement.requested" at \+.* came before the disclosure of \S+ was confirmed at the kiosk \(shown at \+/,
  },
  {
    name: 'no disclosure shown at all',
    check: 'disclosure-before-signature',
    spoil: without('disclosure.shown', 'disclosure.confirmed'),
    reason: /came before the disclosure of \S+ was shown/,
  },
  {
    name: 'acknowledgement after a blocked product',
    check: 'disclosure-before-signature',
    spoil: insertAfter('disclosure.confirmed', { type: 'suitability.result', payload: { productCode: 'WM-R5-X', allowed: false } }),
    reason: /"acknowledgement.requested" .* came without a product allowed for sale/,
  },
  {
    name: 'signed document names another disclosure version',
    check: 'disclosure-before-signature',
    spoil: (f) => void ((f.signature!.document as Record<string, unknown>)['disclosureVersion'] = 99),
    reason: /signed document is for \S+ disclosure v99, but the customer confirmed \S+ v\d/,
  },
  { name: 'no signature stored', check: 'signature-document-hash', spoil: (f) => void (f.signature = null), reason: /No signature is stored/ },
  {
    name: 'stored document altered after signing',
    check: 'signature-document-hash',
    spoil: (f) => void ((f.signature!.document as Record<string, unknown>)['level'] = 'C5' === f.stored.riskLevel ? 'C4' : 'C5'),
    reason: /The stored document hashes to [0-9a-f]{12}…, but the signature is bound to [0-9a-f]{12}…/,
  },
  {
    name: 'stored document no longer a valid document',
    check: 'signature-document-hash',
    spoil: (f) => void ((f.signature!.document as Record<string, unknown>)['extra'] = 1),
    reason: /The stored document cannot be hashed/,
  },
  {
    name: 'timeline announced another hash',
    check: 'signature-document-hash',
    spoil: (f) => void (payloadOf(f, 'signature.submitted')['documentHash'] = 'f'.repeat(64)),
    reason: /The timeline's signature at \+.* is bound to ffffffffffff…, not to the stored document/,
  },
  { name: 'signature not on the timeline', check: 'signature-document-hash', spoil: without('signature.submitted'), reason: /its submission is not on the timeline/ },
  {
    name: 'session holds another product than the signed one',
    check: 'signature-document-hash',
    spoil: (f) => void (f.stored.productCode = 'WM-R1-DAILY'),
    reason: /The signed document says C\d \/ \S+, the session holds C\d \/ WM-R1-DAILY/,
  },
];

describe('regulated quality checks', () => {
  it.each(Object.keys(CHECKS))('%s passes for a sale done by the book', async (id) => {
    const result = await CHECKS[id]!(await completedSale());
    expect(result, result.reason).toMatchObject({ id, passed: true });
  });

  it.each(FAILURES)('$check fails: $name', async ({ check, spoil, reason }) => {
    const facts = await completedSale();
    spoil(facts);
    const result = await CHECKS[check]!(facts);
    expect(result.passed, result.reason).toBe(false);
    expect(result.reason).toMatch(reason);
  });

  it('explains the good case in words a reviewer can check', async () => {
    const facts = await completedSale();
    const product = findProduct(facts.stored.productCode!)!;
    expect(checkConsentFirst(facts.events).reason).toMatch(/^Consent to recording \(version v1\) was given at 2026-.*, before any other step\.$/);
    expect(checkIdentityBeforeQuestionnaire(facts.events).reason).toMatch(/^Identity verified at \+0:01\.0, before the questionnaire started at \+0:02\.0\.$/);
    expect(checkAnswersAtKiosk(facts).reason).toBe(
      `All ${RISK_QUESTIONNAIRE_V1.questions.length} answers to ${RISK_QUESTIONNAIRE_V1.questions.length} questions came from the kiosk, each to the question on its screen.`,
    );
    expect(checkLevelRecomputed(facts).reason).toMatch(new RegExp(`^Recomputed ${facts.stored.riskLevel} \\(score \\d+\\) from the stored answers: equals the stored level\\.$`));
    expect(checkSuitabilityRespected(facts).reason).toBe(`Suitability respected (allowed within ${facts.stored.riskLevel}: ${product.code} (${product.riskLevel})).`);
    expect(checkDisclosureBeforeSignature(facts).reason).toMatch(/^Disclosure of \S+ v\d shown at \+\S+ and confirmed at the kiosk at \+\S+, before "acknowledgement.requested" at \+\S+\.$/);
    expect((await checkSignatureDocumentHash(facts)).reason).toMatch(/^The stored document hashes to [0-9a-f]{12}…, the hash signed at \+\S+\.$/);
  });

  it('accepts changed answers: every row, old and new, came from the kiosk, and the latest counts', async () => {
    const facts = await completedSale();
    const question = RISK_QUESTIONNAIRE_V1.questions[1]!;
    const first = facts.answers.find((a) => a.questionId === question.id)!;
    const other = question.options.find((o) => o.id !== first.optionIds[0] && !o.exclusive)!.id;
    // The customer taps another option, then goes back to the first one.
    const shownAt = facts.events.findIndex((e) => e.type === 'answer.given' && (e.payload as { questionId: string }).questionId === question.id);
    const base = facts.events[shownAt]!;
    facts.events.splice(
      shownAt + 1,
      0,
      { ...base, type: 'answer.changed', payload: { questionId: question.id, optionIds: [other], previousOptionIds: first.optionIds } },
      { ...base, type: 'answer.changed', payload: { questionId: question.id, optionIds: first.optionIds, previousOptionIds: [other] } },
    );
    facts.answers.splice(facts.answers.indexOf(first) + 1, 0, { id: 0, questionId: question.id, optionIds: [other], replacesAnswerId: first.id });
    facts.answers.splice(facts.answers.indexOf(first) + 2, 0, { id: 0, questionId: question.id, optionIds: first.optionIds, replacesAnswerId: null });
    facts.answers.forEach((a, i) => (a.id = i + 1));
    expect(checkAnswersAtKiosk(facts)).toMatchObject({ passed: true, reason: expect.stringContaining('(2 changed)') });
    expect(checkLevelRecomputed(facts).passed).toBe(true);
    expect(currentAnswers(facts.answers).find((a) => a.questionId === question.id)!.optionIds).toEqual(first.optionIds);
  });

  it('re-scores a reused assessment from the answers stored with it', async () => {
    const sale = await completedSale();
    const facts: RegulatedFacts = {
      ...sale,
      events: [
        ...sale.events.filter((e) => !['questionnaire.started', 'question.shown', 'answer.given', 'level.computed'].includes(e.type)),
      ],
      answers: [],
      assessments: [],
      reusedAssessment: { ...sale.assessments[0]!, sessionId: 'earlier' },
    };
    const reuseAt = facts.events.findIndex((e) => e.type === 'identity.verified') + 1;
    facts.events.splice(reuseAt, 0, { ...facts.events[reuseAt]!, type: 'assessment.reused', payload: { fromSession: 'earlier', level: sale.stored.riskLevel } });
    expect(checkIdentityBeforeQuestionnaire(facts.events).passed).toBe(true);
    expect(checkAnswersAtKiosk(facts)).toMatchObject({ passed: true, reason: expect.stringContaining('assessment of session earlier was reused') });
    expect(checkLevelRecomputed(facts)).toMatchObject({ passed: true, reason: expect.stringContaining('reused assessment of session earlier') });
    expect(checkSuitabilityRespected(facts).passed).toBe(true);
  });

  it('passes a sale blocked for suitability: nothing was sold', async () => {
    const facts = await completedSale();
    payloadOf(facts, 'suitability.result')['allowed'] = false;
    facts.stored.productCode = null;
    expect(checkSuitabilityRespected(facts)).toMatchObject({ passed: true, reason: expect.stringMatching(/blocked: \S+\)\.$/) });
  });

  it('judges a signature by the disclosure of the product proposed last before it', async () => {
    const facts = await completedSale();
    // A first product was proposed, disclosed and confirmed; then the teller switched to the signed one.
    const first = { productCode: 'WM-R1-DAILY', disclosureVersion: 1 };
    const at = indexOf(facts, 'product.chosen');
    const base = facts.events[at]!;
    facts.events.splice(
      at,
      0,
      { ...base, type: 'suitability.result', payload: { ...first, allowed: true } },
      { ...base, type: 'disclosure.shown', payload: first },
      { ...base, type: 'disclosure.confirmed', payload: first },
    );
    expect(checkDisclosureBeforeSignature(facts).passed).toBe(true);
    // Without the second product's own disclosure, the earlier one does not count.
    without('disclosure.confirmed')(facts);
    expect(checkDisclosureBeforeSignature(facts).passed).toBe(false);
  });

  it('fails a plain call on each regulated step, with the reason', async () => {
    const facts = plainCall();
    expect(checkConsentFirst(facts.events).passed).toBe(true);
    expect(checkIdentityBeforeQuestionnaire(facts.events)).toMatchObject({ passed: false, reason: expect.stringContaining('never verified') });
    expect(checkAnswersAtKiosk(facts)).toMatchObject({ passed: false, reason: 'No answers were recorded: the questionnaire was not taken.' });
    expect(checkLevelRecomputed(facts)).toMatchObject({ passed: false, reason: 'No assessment was stored: the level was never computed.' });
  });
});
