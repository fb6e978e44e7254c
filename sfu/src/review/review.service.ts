/**
 * The compliance reviewer's side: the session list (masked), a session's full review
 * detail (audited per view), and decisions (append-only). Reviewers read; the only thing
 * they write is a decision.
 */
import {
  SessionOutcome,
  type ReviewDecision,
  type ReviewDecisionRequest,
  type ReviewFilterOptions,
  type ReviewList,
  type ReviewListQuery,
  type ReviewSessionDetail,
} from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { jsonSha256, userActor } from '../audit/audit-entry.ts';
import { RequestError, notFound } from '../errors.ts';
import { loadSessionDetail } from '../sessions/session-detail.ts';
import type { Repositories, ReviewListCriteria, UserRecord } from '../storage/repositories.ts';
import { field } from './review-facts.ts';
import {
  ID_IMAGE_KINDS,
  STILL_KIND,
  acknowledgementOf,
  assessmentOf,
  customerOf,
  decisionView,
  disclosureVersionOf,
  evidenceRef,
  listItemOf,
  productOf,
  questionnaireOf,
  reviewStatusOf,
  reviewedAnswers,
  signatureOf,
  timelineClock,
} from './review-session-detail.ts';

export class ReviewService {
  readonly #repos: Repositories;
  readonly #audit: AuditLog;

  constructor(init: { repos: Repositories; audit: AuditLog }) {
    this.#repos = init.repos;
    this.#audit = init.audit;
  }

  async list(query: ReviewListQuery): Promise<ReviewList> {
    const { rows, total } = await this.#repos.review.listForReview(criteriaOf(query));
    return { items: rows.map(listItemOf), total, page: query.page, pageSize: query.pageSize };
  }

  filters(): Promise<ReviewFilterOptions> {
    return this.#repos.review.reviewFilterOptions();
  }

  /**
   * A reviewer opens a session: the view (and, when it shows the customer's identity, that
   * too) is audited before the detail is handed out; a view that cannot be audited is not served.
   */
  async view(sessionId: string, reviewer: UserRecord): Promise<ReviewSessionDetail> {
    const detail = await this.detailFor(sessionId);
    const actor = userActor(reviewer.username);
    const subject = `session:${sessionId}`;
    await this.#audit.record({ actor, action: 'session.viewed', sessionId, subject, details: { view: 'review' } });
    if (detail.customer) await this.#audit.record({ actor, action: 'customer-identity.viewed', sessionId, subject, details: { view: 'review' } });
    return detail;
  }

  /** The review detail without auditing a view: for callers that audit their own use (the evidence export). */
  async detailFor(sessionId: string): Promise<ReviewSessionDetail> {
    const session = await loadSessionDetail(this.#repos, sessionId);
    if (!session) throw notFound('session');
    const repos = this.#repos;
    const [purgedAt, identity, answers, assessments, files, signature, receipt, decisions, stored] = await Promise.all([
      repos.review.purgedAt(sessionId),
      repos.customers.identityFor(sessionId),
      repos.assessments.answers(sessionId),
      repos.review.assessmentsOf(sessionId),
      repos.evidence.listForSession(sessionId),
      repos.signing.signatureFor(sessionId),
      repos.review.receiptFor(sessionId),
      repos.review.decisionsFor(sessionId),
      repos.review.storedOutcome(sessionId),
    ]);
    const purged = purgedAt !== null;
    const clock = timelineClock(session);
    // Retention removed the customer's data and the files: nothing of them is shown, even if a row was left.
    const kept = purged ? [] : files;
    const refs = new Map(kept.map((f) => [f.id, evidenceRef(f, clock)]));
    const receiptRef = receipt && refs.get(receipt.evidenceId);
    const reused = await this.#reusedAssessment(session.events);
    return {
      session: purged ? { ...session, evidence: [], playback: [] } : session,
      customer: purged ? null : customerOf(identity),
      questionnaire: questionnaireOf(session.events, assessments.at(-1) ?? reused),
      answers: reviewedAnswers(answers, clock),
      assessment: assessmentOf(session.events, assessments.at(-1), reused),
      product: productOf(session.events),
      disclosureVersion: disclosureVersionOf(session.events),
      acknowledgement: acknowledgementOf(session.events, refs),
      signature: signatureOf(signature, refs),
      idImages: kept.filter((f) => ID_IMAGE_KINDS.includes(f.kind)).map((f) => refs.get(f.id)!),
      stills: kept.filter((f) => f.kind === STILL_KIND).map((f) => refs.get(f.id)!),
      receipt: receipt && receiptRef ? { verificationCode: receipt.verificationCode, evidence: receiptRef } : null,
      outcome: outcomeOf(stored?.outcome ?? null),
      decisions: decisions.map(decisionView),
      reviewStatus: reviewStatusOf(decisions),
      purged,
    };
  }

  /** Adds a decision to an ended session's review history; earlier decisions stay as they are. */
  async decide(sessionId: string, request: ReviewDecisionRequest, reviewer: UserRecord): Promise<ReviewDecision> {
    const session = await this.#repos.sessions.get(sessionId);
    if (!session) throw notFound('session');
    if (session.state !== 'ended') throw new RequestError('conflict', 'a session can be decided on only once it has ended');
    const record = await this.#repos.review.addDecision({
      sessionId,
      decision: request.decision,
      comment: request.comment,
      reviewer: reviewer.username,
      decidedAt: new Date().toISOString(),
    });
    await this.#audit.record({
      actor: userActor(reviewer.username),
      action: 'review.decided',
      sessionId,
      subject: `session:${sessionId}`,
      // The comment's hash, not its words: a reviewer may name the customer, and the trail
      // outlives the personal data that retention removes.
      details: { decisionId: record.id, decision: record.decision, commentSha256: await jsonSha256(record.comment) },
    });
    return decisionView(record);
  }

  /** The earlier session's assessment that this session reused, if it reused one. */
  async #reusedAssessment(events: ReviewSessionDetail['session']['events']) {
    const reuse = events.findLast((e) => e.type === 'assessment.reused');
    const from = reuse && field(reuse, 'fromSession');
    return typeof from === 'string' ? (await this.#repos.review.assessmentsOf(from)).at(-1) : undefined;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant a calendar day starts in the reviewer's calendar. */
const startOfDay = (day: string, utcOffsetMinutes: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) - utcOffsetMinutes * 60_000).toISOString();
const startOfNextDay = (day: string, utcOffsetMinutes: number) => new Date(Date.parse(startOfDay(day, utcOffsetMinutes)) + DAY_MS).toISOString();

/** The query as storage takes it: calendar days (inclusive) become a half-open range of instants. */
function criteriaOf(query: ReviewListQuery): ReviewListCriteria {
  if (query.from && query.to && query.from > query.to) throw new RequestError('invalid-data', 'from: must not be after to');
  return {
    createdFrom: query.from ? startOfDay(query.from, query.utcOffsetMinutes) : null,
    createdBefore: query.to ? startOfNextDay(query.to, query.utcOffsetMinutes) : null,
    tellerName: query.teller ?? null,
    kioskName: query.kiosk ?? null,
    outcome: query.outcome ?? null,
    riskLevel: query.riskLevel ?? null,
    productCode: query.product ?? null,
    reviewStatus: query.reviewStatus ?? null,
    quality: query.quality ?? null,
    sort: query.sort,
    order: query.order,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  };
}

function outcomeOf(stored: string | null): ReviewSessionDetail['outcome'] {
  return SessionOutcome.safeParse(stored).data ?? null;
}
