/**
 * Schemas of the replies that have no schema in shared/ because the server builds them
 * from a service's return type. They exist for the OpenAPI description only, so each is
 * tied to the type the controller really sends: if a service's reply changes shape, the
 * `Fits` checks at the bottom stop `tsc`, and the description cannot drift silently.
 */
import { z } from 'zod';
import {
  CustomerRiskLevel,
  ExtraConfirmationCode,
  LocalizedText,
  ProductRiskLevel,
  SuitabilityBlockReason,
  type AssessmentScore,
  type SuitabilityDecision,
} from '@vtm/shared';
import type { EvidenceService } from '../../evidence/evidence.service.ts';
import type { ReceiptService } from '../../receipt/receipt.service.ts';

/** POST /api/sessions/:sessionId/stills */
export const StillTaken = z.object({ id: z.number().int(), sha256: z.string() });

/** GET /api/receipts/:code */
export const ReceiptLookup = z.object({
  verificationCode: z.string(),
  issuedAt: z.string(),
  sessionId: z.string(),
  kioskName: z.string().nullable(),
  tellerName: z.string().nullable(),
  documentHash: z.string().nullable(),
  evidenceId: z.number().int(),
});

/** POST /api/assessments/score: the shared scoring rule's result, without the per-question detail. */
export const ScoreReply = z.object({
  questionnaireId: z.string(),
  questionnaireVersion: z.number().int(),
  score: z.number(),
  maxScore: z.number(),
  level: CustomerRiskLevel,
  appliedCaps: z.array(z.object({ capId: z.string(), maxLevel: CustomerRiskLevel, reason: LocalizedText })),
});

/** POST /api/suitability: the shared suitability rule's decision for one product. */
export const SuitabilityReply = z.discriminatedUnion('allowed', [
  z.object({
    productCode: z.string(),
    productRisk: ProductRiskLevel,
    allowed: z.literal(true),
    /** Null when no extra confirmation is needed. */
    extraConfirmation: z.array(z.object({ code: ExtraConfirmationCode, message: LocalizedText })).nullable(),
  }),
  z.object({
    productCode: z.string(),
    productRisk: ProductRiskLevel,
    allowed: z.literal(false),
    reason: SuitabilityBlockReason,
    message: LocalizedText,
  }),
]);

/** GET /api/media/stats: what every mediasoup worker and router holds right now. */
export const MediaStats = z.object({
  workers: z.array(z.object({ pid: z.number().int(), routers: z.number().int(), answering: z.boolean() })),
  routers: z.array(
    z.object({ id: z.string(), transports: z.number().int(), producers: z.number().int(), consumers: z.number().int() }),
  ),
});

/** GET /api/openapi.json: this document (described loosely: it describes itself). */
export const OpenApiDocumentReply = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) });

// Compile-time ties to what the controllers send (a mismatch is a type error here).
type Fits<Actual, Documented> = [Actual] extends [Documented] ? true : never;
type Reply<T> = Awaited<T>;
export const replyChecks = {
  still: true satisfies Fits<Reply<ReturnType<EvidenceService['addStill']>>, z.input<typeof StillTaken>>,
  receipt: true satisfies Fits<Reply<ReturnType<ReceiptService['lookUp']>>, z.input<typeof ReceiptLookup>>,
  score: true satisfies Fits<Pick<AssessmentScore, keyof z.input<typeof ScoreReply>>, z.input<typeof ScoreReply>>,
  suitability: true satisfies Fits<{ productCode: string; productRisk: z.infer<typeof ProductRiskLevel> } & SuitabilityDecision, z.input<typeof SuitabilityReply>>,
};
