/**
 * The order the rules impose on a session, checked against a real SQLite file. Only the
 * ports to the outside (notifications, evidence lookups, the customer's details) are stubs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RISK_QUESTIONNAIRE_V1, buildSignedDocument, documentHash, findProduct, type Question } from '@vtm/shared';
import type { CustomerDetails } from '../customers/customer-identity.service.ts';
import type { EvidenceFileRecord, Repositories } from '../storage/repositories.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { SessionWorkflow } from './session-workflow.ts';

const VERIFIED = { faceMatchesDocument: true, documentAppearsGenuine: true, documentValid: true, verified: true, note: '' };

const pick = (question: Question, highest: boolean) =>
  [...question.options].filter((o) => !o.exclusive || question.kind === 'single').sort((a, b) => (highest ? b.score - a.score : a.score - b.score))[0]!.id;

describe('SessionWorkflow', () => {
  let dir: string;
  let repos: Repositories;
  let sessionId: string;
  let events: Array<{ type: string; payload: unknown }>;
  let sent: Array<{ role: string; name: string; data: unknown }>;
  let customer: CustomerDetails;

  /** Stored evidence rows (signatures refer to them), looked up as the evidence service would. */
  async function storeEvidence(kind: string): Promise<number> {
    return repos.evidence.add({ sessionId, kind, path: `/x/${kind}`, mimeType: 'image/png', sizeBytes: 1, sha256: `sha-${kind}`, createdAt: '', createdBy: 'kiosk' });
  }
  async function evidence(id: number, kind: string): Promise<EvidenceFileRecord> {
    const file = await repos.evidence.get(id);
    if (!file || file.kind !== kind) throw new Error(`no ${kind} ${id}`);
    return file;
  }

  function workflow(maxRetakesPerDay = 1) {
    return new SessionWorkflow(sessionId, {
      repos,
      record: async (type, payload) => void events.push({ type, payload }),
      notify: (role, name, data) => void sent.push({ role, name, data }),
      evidence,
      customer: async () => customer,
      maxRetakesPerDay,
    });
  }

  async function answerAll(wf: SessionWorkflow, highest: boolean) {
    await wf.beginQuestionnaire();
    for (const question of RISK_QUESTIONNAIRE_V1.questions) {
      await wf.showQuestion(question.id);
      await wf.answer(question.id, [pick(question, highest)]);
    }
    return wf.finish();
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-workflow-'));
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'));
    sessionId = randomUUID();
    await repos.sessions.create({ id: sessionId, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date().toISOString() });
    events = [];
    sent = [];
    customer = { identity: null, age: 40, earlierAssessment: null, assessmentsToday: 0 };
  });

  afterEach(async () => {
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the questionnaire before identity is verified', async () => {
    await expect(workflow().beginQuestionnaire()).rejects.toThrow(/identity/);
  });

  it('takes answers only for the question on the kiosk screen, and keeps both values of a change', async () => {
    const wf = workflow();
    await wf.recordIdentity(VERIFIED, 'teller1');
    await wf.beginQuestionnaire();
    const [first, second] = RISK_QUESTIONNAIRE_V1.questions;
    await expect(wf.answer(first!.id, [first!.options[0]!.id])).rejects.toThrow(/not on the screen/);
    await wf.showQuestion(first!.id);
    await expect(wf.answer(second!.id, [second!.options[0]!.id])).rejects.toThrow(/not on the screen/);
    await expect(wf.answer(first!.id, ['no-such-option'])).rejects.toThrow(/unknown option/);
    await wf.answer(first!.id, [first!.options[0]!.id]);
    await wf.answer(first!.id, [first!.options[1]!.id]);
    const stored = await repos.assessments.answers(sessionId);
    expect(stored.map((a) => a.optionIds[0])).toEqual([first!.options[0]!.id, first!.options[1]!.id]);
    expect(stored[1]!.replacesAnswerId).toBe(stored[0]!.id);
    expect(events.map((e) => e.type)).toContain('answer.changed');
    expect(sent.filter((m) => m.name === 'answer.received').at(-1)!.data).toMatchObject({ previous: [first!.options[0]!.id] });
    await expect(wf.finish()).rejects.toThrow(/not yet answered/);
  });

  it('scores with the shared rule and blocks a product above the level, on both screens', async () => {
    const wf = workflow();
    await wf.recordIdentity(VERIFIED, 'teller1');
    const result = await answerAll(wf, false);
    expect(result.level).toBe('C1');
    const blocked = await wf.proposeProduct('WM-R3-365D');
    expect(blocked).toMatchObject({ allowed: false, reason: 'product-risk-too-high' });
    expect(sent.filter((m) => m.name === 'suitability.result').map((m) => m.role).sort()).toEqual(['kiosk', 'teller']);
    await expect(wf.showDisclosure()).rejects.toThrow(/propose a product/);
    const allowed = await wf.proposeProduct('WM-R1-90D');
    // C1 customers confirm once more.
    expect(allowed.allowed).toBe(true);
    expect(allowed.extraConfirmation.length).toBeGreaterThan(0);
    await wf.showDisclosure();
    const version = findProduct('WM-R1-90D')!.disclosure.version;
    await expect(wf.confirmDisclosure('WM-R1-90D', version)).rejects.toThrow(/extra notices/);
    await wf.confirmDisclosure('WM-R1-90D', version, true);
    expect(events.find((e) => e.type === 'disclosure.confirmed')!.payload).toMatchObject({ extraConfirmed: true });
  });

  it('takes disclosure, acknowledgement and signature in order, binding the signature to the stored document', async () => {
    const wf = workflow();
    await wf.recordIdentity(VERIFIED, 'teller1');
    await answerAll(wf, true);
    await wf.proposeProduct('WM-R1-90D');
    await expect(wf.requestAcknowledgement()).rejects.toThrow(/disclosure/);
    await wf.showDisclosure();
    await expect(wf.confirmDisclosure('WM-R1-90D', 99)).rejects.toThrow(/not the disclosure/);
    await wf.confirmDisclosure('WM-R1-90D', findProduct('WM-R1-90D')!.disclosure.version);
    await expect(wf.requestSignature()).rejects.toThrow(/acknowledgement/);
    await wf.requestAcknowledgement();
    const [image, strokes] = [await storeEvidence('acknowledgement-image'), await storeEvidence('acknowledgement-strokes')];
    await wf.submitAcknowledgement({ imageEvidenceId: image, strokesEvidenceId: strokes, recognisedText: '本人已阅读风险揭示，愿意承担投资风险', matchScore: 0.1 });
    // The score is the server's own, not the kiosk's.
    expect(events.find((e) => e.type === 'acknowledgement.submitted')!.payload).toMatchObject({ matchScore: 1, kioskMatchScore: 0.1 });
    await wf.reviewAcknowledgement(true);
    const hash = await wf.requestSignature();
    const answers = RISK_QUESTIONNAIRE_V1.questions.map((q) => ({ questionId: q.id, optionIds: [pick(q, true)] }));
    expect(hash).toBe(await documentHash(buildSignedDocument(RISK_QUESTIONNAIRE_V1, answers, findProduct('WM-R1-90D')!)));
    const signature = {
      imageEvidenceId: await storeEvidence('signature-image'),
      svgEvidenceId: await storeEvidence('signature-svg'),
      strokesEvidenceId: await storeEvidence('signature-strokes'),
    };
    await expect(wf.submitSignature({ ...signature, documentHash: 'a'.repeat(64) })).rejects.toThrow(/different document/);
    await expect(wf.submitSignature({ ...signature, imageEvidenceId: image, documentHash: hash })).rejects.toThrow(/no signature-image/);
    await wf.submitSignature({ ...signature, documentHash: hash });
    expect(wf.signed).toBe(true);
    expect((await repos.signing.signatureFor(sessionId))!.documentHash).toBe(hash);
  });

  it('limits same-day retakes and flags every one', async () => {
    customer.assessmentsToday = 1;
    const wf = workflow(1);
    await wf.recordIdentity(VERIFIED, 'teller1');
    await wf.beginQuestionnaire();
    expect(events.find((e) => e.type === 'assessment.retake')!.payload).toMatchObject({ flagged: true, retakeNumber: 1 });

    customer.assessmentsToday = 2;
    const refused = workflow(1);
    await refused.recordIdentity(VERIFIED, 'teller1');
    await expect(refused.beginQuestionnaire()).rejects.toThrow(/assessments/);
  });

  it('lets a returning customer reuse a valid assessment, and uses the age on the document', async () => {
    const wf = workflow();
    await wf.recordIdentity(VERIFIED, 'teller1');
    await expect(wf.reuseEarlierAssessment()).rejects.toThrow(/no valid earlier/);
    const answers = RISK_QUESTIONNAIRE_V1.questions.map((q) => ({ questionId: q.id, optionIds: [pick(q, true)] }));
    customer = {
      identity: null,
      age: 70,
      earlierAssessment: { sessionId: randomUUID(), level: 'C4', score: 70, assessedAt: new Date().toISOString(), answers, validUntil: '' },
      assessmentsToday: 0,
    };
    const reused = await wf.reuseEarlierAssessment();
    expect(reused.level).toBe('C4');
    const suitability = await wf.proposeProduct('WM-R1-90D');
    expect(suitability.extraConfirmation.length).toBeGreaterThan(0); // aged 65+
  });

  it('describes where the steps stand, for a teller who takes over and for a kiosk that reconnects', async () => {
    const wf = workflow();
    expect(wf.tellerView()).toMatchObject({ identity: 'pending', questions: [], answers: [], assessment: null, disclosure: 'not-shown' });
    await wf.recordIdentity(VERIFIED, 'teller1');
    await wf.beginQuestionnaire();
    const [first, second] = RISK_QUESTIONNAIRE_V1.questions;
    await wf.showQuestion(first!.id);
    await wf.answer(first!.id, [first!.options[0]!.id]);
    await wf.answer(first!.id, [first!.options[1]!.id]);
    await wf.showQuestion(second!.id);
    const midway = wf.tellerView();
    expect(midway).toMatchObject({ identity: 'verified', shownQuestionId: second!.id, assessment: null });
    expect(midway.questions).toHaveLength(RISK_QUESTIONNAIRE_V1.questions.length);
    expect(midway.answers).toEqual([expect.objectContaining({ questionId: first!.id, optionIds: [first!.options[1]!.id], previous: [first!.options[0]!.id] })]);
    expect(midway.changes).toHaveLength(1);
    expect(wf.kioskView()).toMatchObject({ identity: true, question: { index: 2, question: { id: second!.id }, selected: null }, answered: false });
    await wf.answer(second!.id, [second!.options[0]!.id]);
    expect(wf.kioskView()).toMatchObject({ answered: true, question: { selected: [second!.options[0]!.id] } });

    // The rest of the questionnaire, a product, the disclosure confirmed, the handwriting sent.
    for (const question of RISK_QUESTIONNAIRE_V1.questions.slice(2)) {
      await wf.showQuestion(question.id);
      await wf.answer(question.id, [pick(question, true)]);
    }
    const result = await wf.finish();
    await wf.proposeProduct('WM-R1-90D');
    await wf.showDisclosure();
    await wf.confirmDisclosure('WM-R1-90D', findProduct('WM-R1-90D')!.disclosure.version);
    await wf.requestAcknowledgement();
    const [image, strokes] = [await storeEvidence('acknowledgement-image'), await storeEvidence('acknowledgement-strokes')];
    await wf.submitAcknowledgement({ imageEvidenceId: image, strokesEvidenceId: strokes, recognisedText: '本人已阅读风险揭示，愿意承担投资风险', matchScore: 1 });
    const teller = wf.tellerView();
    expect(teller).toMatchObject({
      shownQuestionId: null,
      assessment: { level: result.level, score: result.score },
      suitability: { productCode: 'WM-R1-90D', allowed: true },
      disclosure: 'confirmed',
      acknowledgement: { imageEvidenceId: image, matchScore: 1 },
      signature: null,
    });
    expect(teller.assessment).not.toHaveProperty('assessedAt');
    expect(wf.kioskView()).toMatchObject({
      question: null,
      disclosure: { productCode: 'WM-R1-90D' },
      disclosureConfirmed: true,
      acknowledgement: { state: 'submitted', retry: false },
      signature: null,
    });
    await wf.reviewAcknowledgement(true);
    await wf.requestSignature();
    expect(wf.tellerView()).toMatchObject({ acknowledgement: 'accepted', signature: 'requested' });
    expect(wf.kioskView().signature).toMatchObject({ submitted: false, levelName: result.name });
  });
});
