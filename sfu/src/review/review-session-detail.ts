/**
 * A session's review detail, put together from what storage holds. Pure functions of the
 * stored rows and the timeline, so each part can be tested with plain tables; the review
 * service gathers the rows and audits who looked.
 */
import {
  AutomaticCorrection,
  CustomerCorrection,
  CustomerIdentity,
  CustomerRiskLevel,
  QualityCheckId,
  SessionOutcome,
  maskDocumentNumber,
  maskName,
  type EvidenceRef,
  type ReviewDecision,
  type ReviewListItem,
  type ReviewStatus,
  type ReviewSessionDetail,
  type ReviewedAnswer,
  type SessionDetail,
} from '@vtm/shared';
import type {
  AssessmentRecord,
  CustomerIdentityRecord,
  EvidenceFileRecord,
  ReviewDecisionRecord,
  ReviewListRow,
  SignatureRecord,
  StoredAnswer,
} from '../storage/repositories.ts';
import { field, type ReviewEvent } from './review-facts.ts';

/** ID document images the kiosk uploads (see KioskUploadKind). */
export const ID_IMAGE_KINDS: readonly string[] = ['id-front', 'id-back', 'passport-page'];
/** Stills the teller takes during the call (EvidenceService.addStill). */
export const STILL_KIND = 'still';

/** Turns a wall-clock time into a position on the session's timeline (null: before the recording). */
export type TimelineClock = (at: string) => number | null;

/**
 * The session's timeline runs from the start of its first recording segment, as the
 * events' offsets do (SessionService.recordEvent): the `recording.started` event marks it,
 * the first recording row's start is the fallback. Epoch ms; null with no recording.
 */
export function timelineZeroMs(
  events: ReadonlyArray<{ type: string; at: string; offsetMs: number | null }>,
  recordings: ReadonlyArray<{ startedAt: string }>,
): number | null {
  const started = events.find((e) => e.type === 'recording.started');
  if (started) return Date.parse(started.at) - (started.offsetMs ?? 0);
  return recordings[0] ? Date.parse(recordings[0].startedAt) : null;
}

/** Times before the timeline's zero have no offset. */
export function timelineClock(session: Pick<SessionDetail, 'events' | 'recordings'>): TimelineClock {
  const zeroMs = timelineZeroMs(session.events, session.recordings);
  return (at) => {
    if (zeroMs === null) return null;
    const offset = Date.parse(at) - zeroMs;
    return offset >= 0 ? offset : null;
  };
}

export function evidenceRef(file: EvidenceFileRecord, clock: TimelineClock): EvidenceRef {
  return { evidenceId: file.id, kind: file.kind, mimeType: file.mimeType, createdAt: file.createdAt, offsetMs: clock(file.createdAt) };
}

/**
 * The answer that counts for each question (the latest), in the order the questions were
 * first answered, with how many earlier answers it replaced.
 */
export function reviewedAnswers(answers: StoredAnswer[], clock: TimelineClock): ReviewedAnswer[] {
  const byId = new Map(answers.map((a) => [a.id, a]));
  const latest = new Map<string, StoredAnswer>();
  for (const answer of [...answers].sort((a, b) => a.id - b.id)) latest.set(answer.questionId, answer);
  return [...latest.values()].map((answer) => ({
    questionId: answer.questionId,
    optionIds: answer.optionIds,
    answeredAt: answer.answeredAt,
    offsetMs: clock(answer.answeredAt),
    changes: replacedCount(answer, byId),
  }));
}

function replacedCount(answer: StoredAnswer, byId: Map<number, StoredAnswer>): number {
  let count = 0;
  const seen = new Set([answer.id]);
  for (let previous = answer.replacesAnswerId; previous !== null && !seen.has(previous); ) {
    count++;
    seen.add(previous);
    previous = byId.get(previous)?.replacesAnswerId ?? null;
  }
  return count;
}

const stringOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const numberOf = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The questionnaire the customer answered: as started in this session, else as its assessment records it. */
export function questionnaireOf(events: ReviewEvent[], assessment: AssessmentRecord | undefined): ReviewSessionDetail['questionnaire'] {
  const started = events.findLast((e) => e.type === 'questionnaire.started');
  const id = started && stringOf(field(started, 'questionnaireId'));
  const version = started && numberOf(field(started, 'version'));
  if (id && typeof version === 'number') return { id, version };
  return assessment ? { id: assessment.questionnaireId, version: assessment.questionnaireVersion } : null;
}

/**
 * The level the sale relied on: the one computed in this session, or the earlier
 * session's assessment this one reused, whichever came last on the timeline.
 */
export function assessmentOf(
  events: ReviewEvent[],
  own: AssessmentRecord | undefined,
  reused: AssessmentRecord | undefined,
): ReviewSessionDetail['assessment'] {
  const decisive = events.findLast((e) => e.type === 'level.computed' || e.type === 'assessment.reused');
  const source = decisive?.type === 'assessment.reused' ? reused : own;
  const level = CustomerRiskLevel.safeParse(source?.level);
  if (!source || !level.success) return null;
  return { score: source.score, level: level.data, assessedAt: source.assessedAt, reused: decisive?.type === 'assessment.reused' };
}

/** The last product proposed (a new proposal starts disclosure and signing over), and whether it was allowed. */
export function productOf(events: ReviewEvent[]): ReviewSessionDetail['product'] {
  const chosenAt = events.findLastIndex((e) => e.type === 'product.chosen');
  if (chosenAt < 0) return null;
  const chosen = events[chosenAt]!;
  const code = stringOf(field(chosen, 'productCode'));
  if (!code) return null;
  const result = events.slice(chosenAt + 1).find((e) => e.type === 'suitability.result' && field(e, 'productCode') === code);
  const allowed = result && field(result, 'allowed');
  return { code, riskLevel: stringOf(field(chosen, 'productRisk')) ?? '', suitable: typeof allowed === 'boolean' ? allowed : null };
}

export function disclosureVersionOf(events: ReviewEvent[]): string | null {
  const shown = events.findLast((e) => e.type === 'disclosure.shown');
  const version = shown && field(shown, 'disclosureVersion');
  return typeof version === 'number' || typeof version === 'string' ? String(version) : null;
}

/** The last handwritten acknowledgement, and the teller's verdict on it (null: none given). */
export function acknowledgementOf(events: ReviewEvent[], refs: Map<number, EvidenceRef>): ReviewSessionDetail['acknowledgement'] {
  const submittedAt = events.findLastIndex((e) => e.type === 'acknowledgement.submitted');
  if (submittedAt < 0) return null;
  const submitted = events[submittedAt]!;
  const image = refs.get(numberOf(field(submitted, 'imageEvidenceId')) ?? -1);
  const strokes = refs.get(numberOf(field(submitted, 'strokesEvidenceId')) ?? -1);
  if (!image || !strokes) return null;
  const verdict = events.slice(submittedAt + 1).find((e) => e.type === 'acknowledgement.accepted' || e.type === 'acknowledgement.rejected');
  return {
    image,
    strokes,
    recognisedText: stringOf(field(submitted, 'recognisedText')) ?? '',
    matchScore: numberOf(field(submitted, 'matchScore')) ?? 0,
    accepted: verdict ? verdict.type === 'acknowledgement.accepted' : null,
  };
}

export function signatureOf(signature: SignatureRecord | undefined, refs: Map<number, EvidenceRef>): ReviewSessionDetail['signature'] {
  if (!signature) return null;
  const [image, svg, strokes] = [signature.pngEvidenceId, signature.svgEvidenceId, signature.strokesEvidenceId].map((id) => refs.get(id));
  if (!image || !svg || !strokes) return null;
  return { image, svg, strokes, documentHash: signature.documentHash, signedAt: signature.signedAt };
}

/** The customer's identity in full: only the detail page shows it, and each view is audited. */
export function customerOf(identity: CustomerIdentityRecord | undefined): ReviewSessionDetail['customer'] {
  if (!identity) return null;
  return {
    documentKind: identity.documentKind,
    name: identity.name,
    documentNumber: identity.documentNumber,
    birthDate: identity.birthDate,
    sex: identity.sex,
    fields: confirmedFields(identity.document),
    ocrFields: CustomerIdentity.shape.ocr.safeParse(identity.ocr).data?.fields ?? {},
    customerCorrections: CustomerCorrection.array().safeParse(identity.customerCorrections).data ?? [],
    automaticCorrections: AutomaticCorrection.array().safeParse(identity.automaticCorrections).data ?? [],
    capturedAt: identity.capturedAt,
  };
}

/** Every text field of the document as the customer confirmed it: both sides of an ID card, or the passport page. */
function confirmedFields(stored: unknown): Record<string, string> {
  const document = CustomerIdentity.shape.document.safeParse(stored);
  if (!document.success) return {};
  const values = document.data.kind === 'cn-resident-id' ? { ...document.data.front, ...document.data.back } : document.data.fields;
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export function decisionView(record: ReviewDecisionRecord): ReviewDecision {
  return { id: record.id, decision: record.decision, comment: record.comment, reviewer: record.reviewer, decidedAt: record.decidedAt };
}

/** A session's review status: its latest decision, or pending. */
export function reviewStatusOf(decisions: ReviewDecisionRecord[]): ReviewStatus {
  return decisions.at(-1)?.decision ?? 'pending';
}

/** A list row as the reviewer's list shows it: the customer's name and number masked, never whole. */
export function listItemOf(row: ReviewListRow): ReviewListItem {
  const purged = row.purgedAt !== null;
  return {
    id: row.id,
    state: row.state,
    createdAt: row.createdAt,
    endedAt: row.endedAt,
    kioskName: row.kioskName,
    tellerName: row.tellerName,
    customerNameMasked: !purged && row.customerName !== null ? maskName(row.customerName) : null,
    documentNumberMasked: !purged && row.documentNumber !== null ? maskDocumentNumber(row.documentNumber) : null,
    outcome: SessionOutcome.safeParse(row.outcome).data ?? null,
    riskLevel: CustomerRiskLevel.safeParse(row.riskLevel).data ?? null,
    productCode: row.productCode,
    qualityPassed: row.qualityPassed,
    failedChecks: row.failedChecks.flatMap((id) => QualityCheckId.safeParse(id).data ?? []),
    reviewStatus: row.reviewStatus,
    purged,
  };
}
