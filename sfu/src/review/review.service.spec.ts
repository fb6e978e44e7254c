/**
 * The review service against a real SQLite file: the list masks personal data, the detail
 * is assembled from the stored rows and timeline (and audited per view, before it is
 * handed out), a purged session shows nothing personal, and decisions are appended to an
 * ended session's history only.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReviewListQuery, ReviewSessionDetail } from '@vtm/shared';
import { AuditLog } from '../audit/audit-log.ts';
import { jsonSha256 } from '../audit/audit-entry.ts';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import type { Repositories, UserRecord } from '../storage/repositories.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { seedSession } from './review-seed.ts';
import { ReviewService } from './review.service.ts';

const REVIEWER: UserRecord = {
  id: 7,
  username: 'compliance1',
  displayName: 'Compliance One',
  role: 'compliance',
  passwordHash: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  disabledAt: null,
};
const CUSTOMER = { name: '张三丰', documentNumber: '110105194912310025' };
const T0 = Date.parse('2026-03-02T02:00:00.000Z');
/** The recording starts 10 s after T0: time zero of the session's timeline. */
const RECORDING_STARTED = T0 + 10_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('ReviewService (real SQLite file)', () => {
  let dir: string;
  let file: string;
  let repos: Repositories;
  let audit: AuditLog;
  let review: ReviewService;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-review-'));
    file = path.join(dir, 'vtm.sqlite');
    repos = createSqliteRepositories(file, { dataKeys: new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1') });
    audit = new AuditLog({ repo: repos.audit, dataDir: dir });
    review = new ReviewService({ repos, audit });
  });

  afterEach(async () => {
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const event = (sessionId: string, type: string, ms: number, payload: unknown = {}) =>
    repos.events.append({ sessionId, type, at: at(ms), offsetMs: T0 + ms >= RECORDING_STARTED ? T0 + ms - RECORDING_STARTED : null, payload });
  const evidence = (sessionId: string, kind: string, ms: number, mimeType = 'image/png') =>
    repos.evidence.add({ sessionId, kind, path: `/data/evidence/${kind}.bin`, mimeType, sizeBytes: 10, sha256: 'ab'.repeat(32), createdAt: at(ms), createdBy: 'kiosk:VTM-1' });
  const markPurged = (sessionId: string) => {
    const db = new Database(file);
    db.prepare('UPDATE sessions SET purged_at = ? WHERE id = ?').run('2031-03-02T00:00:00.000Z', sessionId);
    db.close();
  };

  /** A completed sale as the workflow stores it, with one changed answer and one rejected handwriting. */
  async function completedSale() {
    const id = await seedSession(repos, {
      createdAt: at(0),
      riskLevel: 'C3',
      product: 'WM-R1-90D',
      outcome: 'completed',
      customer: CUSTOMER,
      quality: 'passed',
    });
    const idFront = await evidence(id, 'id-front', 1000, 'image/jpeg');
    const idBack = await evidence(id, 'id-back', 2000, 'image/jpeg');
    await event(id, 'session.created', 0);
    await event(id, 'consent.given', 500);
    await repos.recordings.start({ sessionId: id, segment: 1, path: '/data/recordings/1.mkv', startedAt: at(9_900) });
    await event(id, 'recording.started', 10_000, { segment: 1 });
    const still = await evidence(id, 'still', 15_000);
    await event(id, 'questionnaire.started', 16_000, { questionnaireId: 'risk-2026-v1', version: 1 });
    const q1 = await repos.assessments.addAnswer({ sessionId: id, questionnaireId: 'risk-2026-v1', questionnaireVersion: 1, questionId: 'q1', optionIds: ['a'], answeredAt: at(20_000), replacesAnswerId: null });
    await repos.assessments.addAnswer({ sessionId: id, questionnaireId: 'risk-2026-v1', questionnaireVersion: 1, questionId: 'q2', optionIds: ['b', 'c'], answeredAt: at(25_000), replacesAnswerId: null });
    await repos.assessments.addAnswer({ sessionId: id, questionnaireId: 'risk-2026-v1', questionnaireVersion: 1, questionId: 'q1', optionIds: ['d'], answeredAt: at(30_000), replacesAnswerId: q1 });
    await repos.assessments.addAssessment({ sessionId: id, questionnaireId: 'risk-2026-v1', questionnaireVersion: 1, answers: [], score: 42, level: 'C3', assessedAt: at(31_000) });
    await event(id, 'level.computed', 31_000, { score: 42, maxScore: 100, level: 'C3' });
    await event(id, 'product.chosen', 32_000, { productCode: 'WM-R3-365D', productRisk: 'R3' });
    await event(id, 'suitability.result', 32_000, { productCode: 'WM-R3-365D', allowed: true, reason: null });
    await event(id, 'product.chosen', 33_000, { productCode: 'WM-R1-90D', productRisk: 'R1' });
    await event(id, 'suitability.result', 33_000, { productCode: 'WM-R1-90D', allowed: true, reason: null });
    await event(id, 'disclosure.shown', 34_000, { productCode: 'WM-R1-90D', disclosureVersion: 3 });
    const firstImage = await evidence(id, 'acknowledgement-image', 35_000);
    const firstStrokes = await evidence(id, 'acknowledgement-strokes', 35_000, 'application/json');
    await event(id, 'acknowledgement.submitted', 35_500, { recognisedText: '本人已阅读', matchScore: 0.4, imageEvidenceId: firstImage, strokesEvidenceId: firstStrokes });
    await event(id, 'acknowledgement.rejected', 36_000);
    const ackImage = await evidence(id, 'acknowledgement-image', 40_000);
    const ackStrokes = await evidence(id, 'acknowledgement-strokes', 40_000, 'application/json');
    await event(id, 'acknowledgement.submitted', 40_500, { recognisedText: '本人已阅读风险揭示，愿意承担投资风险', matchScore: 1, imageEvidenceId: ackImage, strokesEvidenceId: ackStrokes });
    await event(id, 'acknowledgement.accepted', 41_000);
    const png = await evidence(id, 'signature-image', 45_000);
    const svg = await evidence(id, 'signature-svg', 45_000, 'image/svg+xml');
    const strokes = await evidence(id, 'signature-strokes', 45_000, 'application/json');
    await repos.signing.addSignature({ sessionId: id, document: { any: 'document' }, documentHash: 'cd'.repeat(32), pngEvidenceId: png, svgEvidenceId: svg, strokesEvidenceId: strokes, signedAt: at(45_500) });
    await event(id, 'signature.submitted', 45_500, { documentHash: 'cd'.repeat(32) });
    const receipt = await evidence(id, 'receipt', 50_000, 'application/pdf');
    await repos.signing.addReceipt({ verificationCode: 'ABCD-EFGH', sessionId: id, evidenceId: receipt, issuedAt: at(50_000) });
    await event(id, 'session.ended', 60_000, { reason: 'completed', by: 'teller' });
    return { id, idFront, idBack, still, ackImage, ackStrokes, png, svg, strokes, receipt };
  }

  it('lists customers masked, never whole, and nothing of a purged one', async () => {
    const kept = await seedSession(repos, { createdAt: at(0), customer: CUSTOMER });
    const purged = await seedSession(repos, { createdAt: at(1000), customer: { name: 'ERIKSSON ANNA', documentNumber: 'SWE:AB1234567' } });
    markPurged(purged);
    const list = await review.list(ReviewListQuery.parse({ sort: 'createdAt', order: 'asc' }));
    expect(list).toMatchObject({ total: 2, page: 1, pageSize: 25 });
    expect(list.items[0]).toMatchObject({ id: kept, customerNameMasked: '张*丰', documentNumberMasked: '110105********0025', purged: false });
    expect(list.items[1]).toMatchObject({ id: purged, customerNameMasked: null, documentNumberMasked: null, purged: true });
    const text = JSON.stringify(list);
    for (const whole of [CUSTOMER.name, CUSTOMER.documentNumber, 'ERIKSSON', 'AB1234567']) expect(text).not.toContain(whole);
  });

  it('turns calendar days into the whole UTC days and pages from the query', async () => {
    await seedSession(repos, { createdAt: '2026-03-01T23:59:59.999Z' });
    await seedSession(repos, { createdAt: '2026-03-02T00:00:00.000Z' });
    const oneDay = await review.list(ReviewListQuery.parse({ from: '2026-03-01', to: '2026-03-01' }));
    expect(oneDay.items.map((i) => i.createdAt)).toEqual(['2026-03-01T23:59:59.999Z']);
    const secondPage = await review.list(ReviewListQuery.parse({ pageSize: '1', page: '2', order: 'asc' }));
    expect(secondPage).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [{ createdAt: '2026-03-02T00:00:00.000Z' }] });
    await expect(review.list(ReviewListQuery.parse({ from: '2026-03-02', to: '2026-03-01' }))).rejects.toMatchObject({ code: 'invalid-data' });
  });

  it("reads calendar days in the reviewer's calendar: 23:59 UTC on 1 March is 2 March in Beijing", async () => {
    await seedSession(repos, { createdAt: '2026-03-01T15:59:59.999Z' });
    await seedSession(repos, { createdAt: '2026-03-01T23:59:59.999Z' });
    const beijing = await review.list(ReviewListQuery.parse({ from: '2026-03-02', to: '2026-03-02', utcOffsetMinutes: '480', order: 'asc' }));
    expect(beijing.items.map((i) => i.createdAt)).toEqual(['2026-03-01T23:59:59.999Z']);
    const utc = await review.list(ReviewListQuery.parse({ from: '2026-03-02', to: '2026-03-02' }));
    expect(utc.total).toBe(0);
  });

  it('assembles the detail from the stored rows, on the session timeline', async () => {
    const sale = await completedSale();
    const detail = ReviewSessionDetail.parse(await review.detailFor(sale.id));
    expect(detail.session).toMatchObject({ id: sale.id, state: 'ended', qualityPassed: true });
    expect(detail.customer).toMatchObject({
      documentKind: 'cn-resident-id',
      name: CUSTOMER.name,
      documentNumber: CUSTOMER.documentNumber,
      birthDate: '1980-05-01',
      fields: { name: CUSTOMER.name, idNumber: CUSTOMER.documentNumber, issuingAuthority: '北京市公安局朝阳分局', validTo: '2035-01-01' },
      ocrFields: { idNumber: '110105194912310026' },
      customerCorrections: [{ field: 'idNumber', confirmedValue: CUSTOMER.documentNumber }],
    });
    expect(detail.questionnaire).toEqual({ id: 'risk-2026-v1', version: 1 });
    // The answer that counts per question, how often it was changed, and when on the timeline.
    expect(detail.answers).toEqual([
      { questionId: 'q1', optionIds: ['d'], answeredAt: at(30_000), offsetMs: 20_000, changes: 1 },
      { questionId: 'q2', optionIds: ['b', 'c'], answeredAt: at(25_000), offsetMs: 15_000, changes: 0 },
    ]);
    expect(detail.assessment).toEqual({ score: 42, level: 'C3', assessedAt: at(31_000), reused: false });
    expect(detail.product).toEqual({ code: 'WM-R1-90D', riskLevel: 'R1', suitable: true });
    expect(detail.disclosureVersion).toBe('3');
    expect(detail.acknowledgement).toEqual({
      image: { evidenceId: sale.ackImage, kind: 'acknowledgement-image', mimeType: 'image/png', createdAt: at(40_000), offsetMs: 30_000 },
      strokes: { evidenceId: sale.ackStrokes, kind: 'acknowledgement-strokes', mimeType: 'application/json', createdAt: at(40_000), offsetMs: 30_000 },
      recognisedText: '本人已阅读风险揭示，愿意承担投资风险',
      matchScore: 1,
      accepted: true,
    });
    expect(detail.signature).toMatchObject({
      image: { evidenceId: sale.png },
      svg: { evidenceId: sale.svg, mimeType: 'image/svg+xml' },
      strokes: { evidenceId: sale.strokes },
      documentHash: 'cd'.repeat(32),
      signedAt: at(45_500),
    });
    // ID images were taken before the call: no place on the timeline.
    expect(detail.idImages.map((r) => [r.evidenceId, r.kind, r.offsetMs])).toEqual([
      [sale.idFront, 'id-front', null],
      [sale.idBack, 'id-back', null],
    ]);
    expect(detail.stills).toEqual([{ evidenceId: sale.still, kind: 'still', mimeType: 'image/png', createdAt: at(15_000), offsetMs: 5_000 }]);
    expect(detail.receipt).toMatchObject({ verificationCode: 'ABCD-EFGH', evidence: { evidenceId: sale.receipt, mimeType: 'application/pdf' } });
    expect(detail).toMatchObject({ outcome: 'completed', decisions: [], reviewStatus: 'pending', purged: false });
  });

  it('gives the reused earlier assessment when the session reused one', async () => {
    const earlier = await seedSession(repos, { createdAt: at(-86_400_000) });
    await repos.assessments.addAssessment({ sessionId: earlier, questionnaireId: 'risk-2026-v1', questionnaireVersion: 1, answers: [], score: 55, level: 'C4', assessedAt: at(-86_000_000) });
    const id = await seedSession(repos, { createdAt: at(0) });
    await event(id, 'assessment.reused', 20_000, { fromSession: earlier, level: 'C4', assessedAt: at(-86_000_000) });
    const detail = await review.detailFor(id);
    expect(detail.assessment).toEqual({ score: 55, level: 'C4', assessedAt: at(-86_000_000), reused: true });
    expect(detail.questionnaire).toEqual({ id: 'risk-2026-v1', version: 1 });
    expect(detail.answers).toEqual([]);
  });

  it('audits each view (and the identity shown) before handing the detail out; detailFor audits nothing', async () => {
    const { id } = await completedSale();
    await review.detailFor(id);
    expect(await repos.audit.listForSession(id)).toEqual([]);
    await review.view(id, REVIEWER);
    const entries = await repos.audit.listForSession(id);
    expect(entries.map((e) => [e.actor, e.action, e.subject])).toEqual([
      ['user:compliance1', 'session.viewed', `session:${id}`],
      ['user:compliance1', 'customer-identity.viewed', `session:${id}`],
    ]);

    const withoutIdentity = await seedSession(repos, { createdAt: at(0) });
    await review.view(withoutIdentity, REVIEWER);
    expect((await repos.audit.listForSession(withoutIdentity)).map((e) => e.action)).toEqual(['session.viewed']);

    const failingAudit = { record: async () => Promise.reject(new Error('audit storage is full')) } as unknown as AuditLog;
    await expect(new ReviewService({ repos, audit: failingAudit }).view(id, REVIEWER)).rejects.toThrow(/audit storage/);
  });

  it('shows a purged session without its customer or any evidence', async () => {
    const { id } = await completedSale();
    markPurged(id);
    const detail = ReviewSessionDetail.parse(await review.view(id, REVIEWER));
    expect(detail).toMatchObject({ purged: true, customer: null, acknowledgement: null, signature: null, receipt: null, idImages: [], stills: [] });
    expect(detail.session.evidence).toEqual([]);
    expect(detail.session.playback).toEqual([]);
    expect(JSON.stringify(detail)).not.toContain(CUSTOMER.documentNumber);
    // No identity was shown, so no identity view is on record.
    expect((await repos.audit.listForSession(id)).map((e) => e.action)).toEqual(['session.viewed']);
  });

  it('refuses the detail of a session that does not exist', async () => {
    await expect(review.detailFor('3f0c8a56-1111-4222-8333-444455556666')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('appends decisions to an ended session only, audited with the decision and the hash of its comment (the trail outlives personal data)', async () => {
    const { id } = await completedSale();
    const first = await review.decide(id, { decision: 'follow-up', comment: 'ask the teller about the pause at 2:10' }, REVIEWER);
    const second = await review.decide(id, { decision: 'approved', comment: 'explained: network hiccup' }, REVIEWER);
    expect(first).toMatchObject({ decision: 'follow-up', reviewer: 'compliance1' });
    expect(second.id).toBeGreaterThan(first.id);
    const detail = await review.detailFor(id);
    expect(detail.decisions).toEqual([first, second]);
    expect(detail.reviewStatus).toBe('approved');
    const decided = (await repos.audit.listForSession(id)).filter((e) => e.action === 'review.decided');
    expect(decided.map((e) => e.details)).toEqual([
      { decisionId: first.id, decision: 'follow-up', commentSha256: await jsonSha256('ask the teller about the pause at 2:10') },
      { decisionId: second.id, decision: 'approved', commentSha256: await jsonSha256('explained: network hiccup') },
    ]);
    const [listed] = (await review.list(ReviewListQuery.parse({}))).items;
    expect(listed!.reviewStatus).toBe('approved');
  });

  it('refuses a decision on a session that has not ended, or does not exist, and stores nothing', async () => {
    const active = await seedSession(repos, { createdAt: at(0), state: 'active' });
    const waiting = await seedSession(repos, { createdAt: at(0), state: 'waiting' });
    for (const id of [active, waiting]) {
      await expect(review.decide(id, { decision: 'approved', comment: 'too early' }, REVIEWER)).rejects.toMatchObject({ code: 'conflict' });
      expect(await repos.review.decisionsFor(id)).toEqual([]);
    }
    await expect(
      review.decide('3f0c8a56-1111-4222-8333-444455556666', { decision: 'approved', comment: 'who?' }, REVIEWER),
    ).rejects.toMatchObject({ code: 'not-found' });
    expect((await repos.audit.list({ afterSeq: 0, limit: 100 })).filter((e) => e.action === 'review.decided')).toEqual([]);
  });
});
