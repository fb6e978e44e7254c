/** Schemas of the HTTP API's bodies and replies. */
import { z } from 'zod';
import { Role, SessionId, SessionState } from './signaling.ts';
import { Answers } from '../domain/assessment/questionnaire.ts';
import { CustomerRiskLevel } from '../domain/assessment/levels.ts';

export const HealthReport = z.object({
  ok: z.boolean(),
  workers: z.object({ expected: z.number().int(), alive: z.number().int() }),
  database: z.object({ ok: z.boolean() }),
  recorder: z.object({ ok: z.boolean(), ffmpeg: z.string().nullable() }),
  uptimeSeconds: z.number(),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ApiError = z.infer<typeof ApiError>;

export const RecordingStream = z.object({
  index: z.number().int(),
  codecType: z.enum(['audio', 'video']),
  codecName: z.string(),
  /** Which party and track this stream carries, e.g. "kiosk-video". */
  title: z.string().nullable(),
});
export type RecordingStream = z.infer<typeof RecordingStream>;

export const RecordingSummary = z.object({
  id: z.number().int(),
  state: z.enum(['recording', 'sealed', 'interrupted', 'failed']),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  sizeBytes: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  sha256: z.string().nullable(),
  streams: z.array(RecordingStream),
});
export type RecordingSummary = z.infer<typeof RecordingSummary>;

export const SessionEventView = z.object({
  type: z.string(),
  at: z.iso.datetime(),
  offsetMs: z.number().int().nullable(),
  payload: z.unknown(),
});

/** The automatic checks run on every session when it is finalised (see sfu/src/review). */
export const QualityCheckId = z.enum([
  'consent-first',
  'identity-before-questionnaire',
  'answers-at-kiosk',
  'level-recomputed',
  'suitability-respected',
  'disclosure-before-signature',
  'signature-document-hash',
  'recording-coverage',
  'media-presence',
]);
export type QualityCheckId = z.infer<typeof QualityCheckId>;

export const QualityCheck = z.object({
  id: QualityCheckId,
  passed: z.boolean(),
  /** Why it passed or failed, in words a reviewer can act on. */
  reason: z.string(),
});
export type QualityCheck = z.infer<typeof QualityCheck>;

/**
 * One party's side of one recording segment, remuxed without re-encoding into a file a
 * browser plays. `startOffsetMs` places the file's time zero on the session's timeline
 * (the same clock as the events' `offsetMs`).
 */
export const PlayableMedia = z.object({
  id: z.number().int(),
  party: Role,
  segment: z.number().int(),
  /** e.g. 'video/webm; codecs="vp8, opus"' or 'video/mp4; codecs="avc1.42e01f, opus"'. */
  mimeType: z.string(),
  startOffsetMs: z.number().int(),
  durationMs: z.number().int().nullable(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
});
export type PlayableMedia = z.infer<typeof PlayableMedia>;

export const FinalisationStatus = z.object({
  state: z.enum(['running', 'done', 'failed']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});
export type FinalisationStatus = z.infer<typeof FinalisationStatus>;

export const SessionDetail = z.object({
  id: SessionId,
  state: SessionState,
  kioskName: z.string(),
  tellerName: z.string().nullable(),
  createdAt: z.iso.datetime(),
  acceptedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  endReason: z.string().nullable(),
  events: z.array(SessionEventView),
  recordings: z.array(RecordingSummary),
  evidence: z.array(z.object({ id: z.number().int(), kind: z.string(), sha256: z.string(), sizeBytes: z.number().int(), createdAt: z.iso.datetime() })),
  /** Null until the session has been finalised (shortly after it ends). */
  finalisation: FinalisationStatus.nullable(),
  playback: z.array(PlayableMedia),
  qualityChecks: z.array(QualityCheck),
  /** True only when every applicable check passed; null while not yet finalised. */
  qualityPassed: z.boolean().nullable(),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

/** GET /api/kiosk/config: settings every kiosk takes from the server. */
export const KioskConfig = z.object({
  /** Outside a call, seconds without a touch before the kiosk asks if the customer is still there. */
  idleTimeoutSeconds: z.number().int(),
  /** Seconds the "are you still there?" countdown runs before everything is wiped. */
  idleCountdownSeconds: z.number().int(),
  consentVersion: z.string(),
});
export type KioskConfig = z.infer<typeof KioskConfig>;

export const SessionIdParams = z.object({ sessionId: SessionId });

/** POST /api/assessments/score: answers to the current questionnaire. */
export const ScoreRequest = z.object({ answers: Answers }).strict();
export type ScoreRequest = z.infer<typeof ScoreRequest>;

/** POST /api/suitability: may this product be sold to a customer of this level and age? */
export const SuitabilityApiRequest = z
  .object({
    level: CustomerRiskLevel,
    age: z.number().int().min(0).max(150),
    productCode: z.string().min(1).max(40),
    /** When the customer's assessment was taken; now if not given. */
    assessedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type SuitabilityApiRequest = z.infer<typeof SuitabilityApiRequest>;
