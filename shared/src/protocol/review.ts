/**
 * The compliance review API: the reviewer's session list, a session's full review detail,
 * decisions, evidence export and retention. Served by sfu/src/review, used by the
 * console's review screens; every route is compliance-only.
 */
import { z } from 'zod';
import { CustomerRiskLevel } from '../domain/assessment/levels.ts';
import { QualityCheckId, SessionDetail } from './http.ts';
import { AutomaticCorrection, CustomerCorrection, SessionId, SessionOutcome, SessionState } from './signaling.ts';

/** Where a session stands in review: no decision yet, or its latest decision. */
export const ReviewStatus = z.enum(['pending', 'approved', 'rejected', 'follow-up']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const ReviewDecisionKind = z.enum(['approved', 'rejected', 'follow-up']);
export type ReviewDecisionKind = z.infer<typeof ReviewDecisionKind>;

export const QualityFilter = z.enum(['passed', 'failed', 'pending']);
export type QualityFilter = z.infer<typeof QualityFilter>;

export const ReviewSortKey = z.enum(['createdAt', 'endedAt', 'kioskName', 'tellerName', 'riskLevel', 'reviewStatus']);
export type ReviewSortKey = z.infer<typeof ReviewSortKey>;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/**
 * GET /api/review/sessions: query string. Dates are calendar days, inclusive, in the
 * reviewer's calendar (`utcOffsetMinutes` east of UTC; 480 in Beijing; default UTC);
 * blank parameters mean "any", so a form can send every field.
 */
export const ReviewListQuery = z
  .object({
    from: optional(z.iso.date()),
    to: optional(z.iso.date()),
    utcOffsetMinutes: z.preprocess(blankToUndefined, z.coerce.number().int().min(-840).max(840).default(0)),
    teller: optional(z.string().max(64)),
    kiosk: optional(z.string().max(64)),
    outcome: optional(SessionOutcome),
    riskLevel: optional(CustomerRiskLevel),
    product: optional(z.string().max(40)),
    reviewStatus: optional(ReviewStatus),
    quality: optional(QualityFilter),
    sort: z.preprocess(blankToUndefined, ReviewSortKey.default('createdAt')),
    order: z.preprocess(blankToUndefined, z.enum(['asc', 'desc']).default('desc')),
    page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1)),
    pageSize: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(25)),
  })
  .strict();
export type ReviewListQuery = z.infer<typeof ReviewListQuery>;

/** One row of the reviewer's list. Personal data is masked here; the detail shows it whole. */
export const ReviewListItem = z.object({
  id: SessionId,
  state: SessionState,
  createdAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  kioskName: z.string(),
  tellerName: z.string().nullable(),
  /** e.g. "张*" / "W*** Lei"; null when the customer never identified. */
  customerNameMasked: z.string().nullable(),
  /** e.g. "110105********1234". */
  documentNumberMasked: z.string().nullable(),
  outcome: SessionOutcome.nullable(),
  riskLevel: CustomerRiskLevel.nullable(),
  productCode: z.string().nullable(),
  /** Null until finalised. */
  qualityPassed: z.boolean().nullable(),
  failedChecks: z.array(QualityCheckId),
  reviewStatus: ReviewStatus,
  /** Personal data and media removed at the end of retention. */
  purged: z.boolean(),
});
export type ReviewListItem = z.infer<typeof ReviewListItem>;

export const ReviewList = z.object({
  items: z.array(ReviewListItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ReviewList = z.infer<typeof ReviewList>;

/** GET /api/review/filters: the values the list's drop-downs offer. */
export const ReviewFilterOptions = z.object({
  tellers: z.array(z.string()),
  kiosks: z.array(z.string()),
  products: z.array(z.string()),
});
export type ReviewFilterOptions = z.infer<typeof ReviewFilterOptions>;

/** POST /api/review/sessions/:sessionId/decisions */
export const ReviewDecisionRequest = z
  .object({
    decision: ReviewDecisionKind,
    /** Mandatory: a decision without its reason proves nothing. */
    comment: z.string().trim().min(1, 'a comment is required').max(4000),
  })
  .strict();
export type ReviewDecisionRequest = z.infer<typeof ReviewDecisionRequest>;

export const ReviewDecision = z.object({
  id: z.number().int(),
  decision: ReviewDecisionKind,
  comment: z.string(),
  reviewer: z.string(),
  decidedAt: z.iso.datetime(),
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/** An evidence file as the review page links it (GET /api/sessions/:sessionId/evidence/:evidenceId). */
export const EvidenceRef = z.object({
  evidenceId: z.number().int(),
  kind: z.string(),
  mimeType: z.string(),
  createdAt: z.iso.datetime(),
  /** On the session's timeline (same clock as events' offsetMs); null before the call. */
  offsetMs: z.number().int().nullable(),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const ReviewedAnswer = z.object({
  questionId: z.string(),
  optionIds: z.array(z.string()),
  answeredAt: z.iso.datetime(),
  offsetMs: z.number().int().nullable(),
  /** Earlier answers to the same question this one replaced (the customer changed their mind). */
  changes: z.number().int(),
});
export type ReviewedAnswer = z.infer<typeof ReviewedAnswer>;

/** GET /api/review/sessions/:sessionId: everything a reviewer needs about one session. Audited. */
export const ReviewSessionDetail = z.object({
  session: SessionDetail,
  customer: z
    .object({
      documentKind: z.enum(['cn-resident-id', 'passport-td3']),
      name: z.string(),
      documentNumber: z.string(),
      birthDate: z.string(),
      sex: z.string(),
      /** All confirmed document fields, as the customer confirmed them. */
      fields: z.record(z.string(), z.string()),
      /** What OCR read, before the customer confirmed it. */
      ocrFields: z.record(z.string(), z.string()),
      customerCorrections: z.array(CustomerCorrection),
      automaticCorrections: z.array(AutomaticCorrection),
      capturedAt: z.iso.datetime(),
    })
    .nullable(),
  questionnaire: z.object({ id: z.string(), version: z.number().int() }).nullable(),
  answers: z.array(ReviewedAnswer),
  assessment: z
    .object({ score: z.number(), level: CustomerRiskLevel, assessedAt: z.iso.datetime(), reused: z.boolean() })
    .nullable(),
  product: z.object({ code: z.string(), riskLevel: z.string(), suitable: z.boolean().nullable() }).nullable(),
  disclosureVersion: z.string().nullable(),
  acknowledgement: z
    .object({
      image: EvidenceRef,
      strokes: EvidenceRef,
      recognisedText: z.string(),
      matchScore: z.number(),
      accepted: z.boolean().nullable(),
    })
    .nullable(),
  signature: z
    .object({ image: EvidenceRef, svg: EvidenceRef, strokes: EvidenceRef, documentHash: z.string(), signedAt: z.iso.datetime() })
    .nullable(),
  idImages: z.array(EvidenceRef),
  stills: z.array(EvidenceRef),
  receipt: z.object({ verificationCode: z.string(), evidence: EvidenceRef }).nullable(),
  outcome: SessionOutcome.nullable(),
  decisions: z.array(ReviewDecision),
  reviewStatus: ReviewStatus,
  purged: z.boolean(),
});
export type ReviewSessionDetail = z.infer<typeof ReviewSessionDetail>;

/** One file of an evidence export, as its manifest lists it. */
export const ExportManifestEntry = z.object({
  path: z.string(),
  /** Size and SHA-256 of the file as it is in the ZIP (decrypted). */
  sizeBytes: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * For a file the server stores (encrypted at rest): the SHA-256 of the stored bytes, the
   * one the database and the audit trail (audit-entries.json) vouch for. Absent for the
   * files made for the export (report, audit entries).
   */
  storedSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

/** manifest.json at the root of GET /api/review/sessions/:sessionId/export (a ZIP). */
export const ExportManifest = z.object({
  sessionId: SessionId,
  exportedAt: z.iso.datetime(),
  exportedBy: z.string(),
  /** The audit trail's head when the export was made: ties the export to the chain. */
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  files: z.array(ExportManifestEntry),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

/** What `npm run retention:purge` did (also printed as JSON). */
export const RetentionReport = z.object({
  cutoff: z.iso.datetime(),
  purged: z.array(SessionId),
  /** Expired but kept: still under review (no final decision, or follow-up). */
  held: z.array(z.object({ sessionId: SessionId, reason: z.string() })),
  filesRemoved: z.number().int(),
});
export type RetentionReport = z.infer<typeof RetentionReport>;
