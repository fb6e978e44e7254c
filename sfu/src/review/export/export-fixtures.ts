/**
 * A completed sale as the reviewer sees it (`ReviewSessionDetail`), with tiny real images,
 * for the report's and the export's tests. Built from the quality checks' completed sale,
 * so the answers, level, product and signed document agree with the shared rules.
 */
import { ReviewSessionDetail, findProduct, type EvidenceRef } from '@vtm/shared';
import { completedSale } from '../review-fixtures.ts';
import type { ReportImage } from './review-report-pdf.ts';

/** A 16×10 baseline JPEG (a blue card). */
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgoKC8oLzc3Nzc3N0E8QUNDQ0FBQUFDQ0NISEhVVVVISEhDQ0hIUFBVVVxfXFdXVVdfX2RkZHh4c3OMjJGsrM//xABMAAEBAAAAAAAAAAAAAAAAAAAABgEBAQAAAAAAAAAAAAAAAAAABQYQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAKABADASIAAhEAAxEA/9oADAMBAAIRAxEAPwCdAVQB/9k=',
  'base64',
);

/** A 40×16 PNG (a stroke on white). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAACgAAAAQCAIAAADrtar6AAAACXBIWXMAAAABAAAAAQBPJcTWAAAAI0lEQVR4nGP4P0CAYdTiUYvpYjEDjcGoxQMCRi0etXj4WQwAhOBZ+0bpKAYAAAAASUVORK5CYII=',
  'base64',
);

export const FIXTURE_SESSION_ID = '4f1c2d3e-9a8b-4c7d-8e6f-0123456789ab';

/** The evidence of the fixture: id, kind, type and content of each file. */
export const FIXTURE_EVIDENCE: ReadonlyArray<{ id: number; kind: string; mimeType: string; bytes: Buffer }> = [
  { id: 1, kind: 'id-front', mimeType: 'image/jpeg', bytes: TINY_JPEG },
  { id: 2, kind: 'id-back', mimeType: 'image/jpeg', bytes: TINY_JPEG },
  { id: 3, kind: 'still', mimeType: 'image/png', bytes: TINY_PNG },
  { id: 4, kind: 'acknowledgement-image', mimeType: 'image/png', bytes: TINY_PNG },
  { id: 5, kind: 'acknowledgement-strokes', mimeType: 'application/json', bytes: Buffer.from('[[{"x":1,"y":2,"t":0}]]') },
  { id: 6, kind: 'signature-image', mimeType: 'image/png', bytes: TINY_PNG },
  { id: 7, kind: 'signature-svg', mimeType: 'image/svg+xml', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') },
  { id: 8, kind: 'signature-strokes', mimeType: 'application/json', bytes: Buffer.from('[[{"x":3,"y":4,"t":0}]]') },
  { id: 9, kind: 'receipt', mimeType: 'application/pdf', bytes: Buffer.from('%PDF-1.7 receipt') },
];

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);

/** The fixture's images by evidence id, as the report receives them. */
export function fixtureImages(): Map<number, ReportImage> {
  return new Map(FIXTURE_EVIDENCE.filter((e) => IMAGE_TYPES.has(e.mimeType)).map((e) => [e.id, { bytes: e.bytes, mimeType: e.mimeType }]));
}

export const FIXTURE_CUSTOMER = {
  name: '欧阳明华',
  documentNumber: '11010519491231002X',
  recognisedText: '本人已阅读风险揭示，愿意承担投资风险',
};

const HASH = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

/** A completed sale, finalised and approved after a follow-up. */
export async function reviewDetailFixture(sessionId = FIXTURE_SESSION_ID): Promise<ReviewSessionDetail> {
  const sale = await completedSale();
  const at = (type: string) => sale.events.find((e) => e.type === type)!;
  const ref = (id: number): EvidenceRef => {
    const file = FIXTURE_EVIDENCE.find((e) => e.id === id)!;
    return { evidenceId: id, kind: file.kind, mimeType: file.mimeType, createdAt: at('session.accepted').at, offsetMs: 1000 * id };
  };
  const productCode = sale.stored.productCode!;
  const product = findProduct(productCode)!;
  const assessment = sale.assessments[0]!;
  const started = sale.events[0]!.at;
  const ended = sale.events.at(-1)!.at;
  return ReviewSessionDetail.parse({
    session: {
      id: sessionId,
      state: 'ended',
      kioskName: '陆家嘴支行 VTM-03',
      tellerName: 'teller1',
      createdAt: started,
      acceptedAt: at('session.accepted').at,
      endedAt: ended,
      endReason: 'completed',
      events: sale.events,
      recordings: [
        {
          id: 1,
          state: 'sealed',
          startedAt: at('recording.started').at,
          endedAt: ended,
          sizeBytes: 1_234_567,
          durationMs: 61_500,
          sha256: HASH(0xab),
          streams: [{ index: 0, codecType: 'audio', codecName: 'opus', title: 'kiosk-audio' }],
        },
      ],
      evidence: FIXTURE_EVIDENCE.map((e) => ({ id: e.id, kind: e.kind, sha256: HASH(e.id), sizeBytes: e.bytes.length, createdAt: started })),
      finalisation: { state: 'done', startedAt: ended, finishedAt: ended, error: null },
      playback: (['kiosk', 'teller'] as const).map((party, i) => ({
        id: i + 1,
        party,
        segment: 1,
        mimeType: 'video/webm; codecs="vp8, opus"',
        startOffsetMs: 0,
        durationMs: 61_400,
        sizeBytes: 600_000 + i,
        sha256: HASH(0xc0 + i),
      })),
      qualityChecks: [
        { id: 'consent-first', passed: true, reason: 'Consent to recording (version v1) was given first.' },
        { id: 'media-presence', passed: false, reason: 'The teller\'s video stalled for 3.2 s at +0:41.0.' },
      ],
      qualityPassed: false,
    },
    customer: {
      documentKind: 'cn-resident-id',
      name: FIXTURE_CUSTOMER.name,
      documentNumber: FIXTURE_CUSTOMER.documentNumber,
      birthDate: '1949-12-31',
      sex: '男',
      fields: { name: FIXTURE_CUSTOMER.name, idNumber: FIXTURE_CUSTOMER.documentNumber, address: '北京市东城区景山前街4号' },
      ocrFields: { name: FIXTURE_CUSTOMER.name, idNumber: FIXTURE_CUSTOMER.documentNumber, address: '北京市东城区景山前街4号' },
      customerCorrections: [{ field: 'address', ocrValue: '北京市东城区景山前街1号', confirmedValue: '北京市东城区景山前街4号' }],
      automaticCorrections: [],
      capturedAt: at('identity.captured').at,
    },
    questionnaire: { id: assessment.questionnaireId, version: assessment.questionnaireVersion },
    answers: sale.answers.map((a, i) => {
      const given = sale.events.filter((e) => e.type === 'answer.given')[i]!;
      return { questionId: a.questionId, optionIds: a.optionIds, answeredAt: given.at, offsetMs: given.offsetMs, changes: i === 0 ? 1 : 0 };
    }),
    assessment: { score: assessment.score, level: assessment.level, assessedAt: assessment.assessedAt, reused: false },
    product: { code: productCode, riskLevel: product.riskLevel, suitable: true },
    disclosureVersion: String(product.disclosure.version),
    acknowledgement: { image: ref(4), strokes: ref(5), recognisedText: FIXTURE_CUSTOMER.recognisedText, matchScore: 0.94, accepted: true },
    signature: { image: ref(6), svg: ref(7), strokes: ref(8), documentHash: sale.signature!.documentHash, signedAt: at('signature.submitted').at },
    idImages: [ref(1), ref(2)],
    stills: [ref(3)],
    receipt: { verificationCode: '7KQ2-M9XD-4T', evidence: ref(9) },
    outcome: 'completed',
    decisions: [
      { id: 1, decision: 'follow-up', comment: 'The teller\'s video stalls at +0:41; check the still.', reviewer: 'compliance1', decidedAt: ended },
      { id: 2, decision: 'approved', comment: '已核对客户截图，身份一致。 Checked the still: same person.', reviewer: 'compliance2', decidedAt: ended },
    ],
    reviewStatus: 'approved',
    purged: false,
  });
}
