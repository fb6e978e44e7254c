/**
 * The signaling protocol between the kiosk, the teller console and the server: every
 * message in both directions, declared once. The server validates each incoming frame
 * against these schemas; the clients use the inferred types.
 *
 * Wire format (JSON text frames over the WebSocket at /ws):
 *   client → server  request       { id, method, data }
 *   server → client  response      { id, ok: true, data } | { id, ok: false, error }
 *   server → client  notification  { notification, data }
 *   server → client  protocol error for a frame that has no usable id: { id: null, ok: false, error }
 */
import { z } from 'zod';
import {
  DtlsParameters,
  MediaKind,
  RtpCapabilities,
  RtpParameters,
  TransportOptions,
  VideoCodec,
} from './media.ts';
import { TellerPresence } from './auth.ts';
import { Answer, Question } from '../domain/assessment/questionnaire.ts';
import { CustomerRiskLevel, LocalizedText, ProductRiskLevel } from '../domain/assessment/levels.ts';
import { ProductDisclosure } from '../domain/assessment/products.ts';
import { SignedDocument } from '../domain/assessment/signed-document.ts';
import { FieldCheckSchema } from '../domain/identity/field-check.ts';
import { PassportTd3FieldsSchema, formatTd3Mrz } from '../domain/identity/mrz.ts';
import { ResidentIdBackSchema, ResidentIdFrontSchema } from '../domain/identity/resident-id-card.ts';

/** Largest frame the server accepts; larger ones close the socket with 1009. */
export const MAX_SIGNALING_FRAME_BYTES = 64 * 1024;
/**
 * Deepest nesting of arrays and objects a frame may have (the protocol itself needs 7);
 * deeper frames are refused as bad frames before they are parsed.
 */
export const MAX_SIGNALING_FRAME_DEPTH = 32;

export const Role = z.enum(['kiosk', 'teller']);
export type Role = z.infer<typeof Role>;

export const SessionId = z.uuid();
const EntityId = z.uuid();
const DisplayName = z.string().trim().min(1).max(80);
export const Language = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof Language>;

export const EndReason = z.enum([
  'hung-up',
  'peer-disconnected',
  'server-shutdown',
  'media-failure',
  'cancelled',
  /** The customer declined recording at the consent step. */
  'consent-declined',
  /** The customer walked away from the kiosk (idle timeout) before a teller took the call. */
  'abandoned',
  /** The teller closed the session with its outcome (see SessionOutcome). */
  'completed',
  /** The server stopped without warning (crash, power loss); found and closed at restart. */
  'interrupted',
  /** An admin revoked the kiosk's credential: its call was cut off at once. */
  'kiosk-revoked',
]);
export type EndReason = z.infer<typeof EndReason>;

export const SessionState = z.enum(['draft', 'waiting', 'active', 'ended']);
export type SessionState = z.infer<typeof SessionState>;

export const ErrorCode = z.enum([
  'bad-frame',
  'unauthenticated',
  'unknown-method',
  'invalid-data',
  'not-allowed',
  'not-found',
  'conflict',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const SignalingError = z.object({
  code: ErrorCode,
  message: z.string(),
});
export type SignalingError = z.infer<typeof SignalingError>;

export const QueueEntry = z.object({
  sessionId: SessionId,
  kioskName: z.string(),
  kioskLocation: z.string(),
  language: Language,
  /** The identity document the customer presented at the kiosk, if any. */
  documentKind: z.enum(['cn-resident-id', 'passport-td3']).nullable(),
  waitingSince: z.iso.datetime(),
  /** The customer was in a call whose teller was lost: the next teller resumes it. */
  interrupted: z.boolean().optional(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

const TransportDirection = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirection>;

const Empty = z.object({}).strict();

/** The services a customer can choose at the kiosk. */
export const Service = z.enum(['first-time-wealth-assessment']);
export type Service = z.infer<typeof Service>;

const EvidenceId = z.number().int().positive();
const FieldValues = z.record(z.string().max(40), z.string().max(200));

/** One field the customer changed on the confirm screen: what OCR read, and what they confirmed. */
export const CustomerCorrection = z.object({ field: z.string().max(40), ocrValue: z.string().max(200), confirmedValue: z.string().max(200) }).strict();

/** One character the reader repaired itself because exactly one substitution made the check digits valid. */
export const AutomaticCorrection = z
  .object({ field: z.string().max(40), position: z.number().int().min(0), from: z.string().max(4), to: z.string().max(4) })
  .strict();

/**
 * A passport's fields as they can stand in a machine-readable zone (the server checks them
 * by writing the MRZ): names in Latin letters, an expiry in 2000–2099. Others are refused
 * here rather than failing deep in the server.
 */
const MrzWritablePassportFields = PassportTd3FieldsSchema.superRefine((fields, ctx) => {
  // zod runs this even when a field already failed; that field's own issue says enough.
  if (!PassportTd3FieldsSchema.safeParse(fields).success) return;
  try {
    formatTd3Mrz(fields);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'cannot be written in an MRZ' });
  }
});

export const CustomerIdentity = z
  .object({
    document: z.discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('cn-resident-id'),
          front: ResidentIdFrontSchema,
          back: ResidentIdBackSchema,
          frontImageEvidenceId: EvidenceId,
          backImageEvidenceId: EvidenceId,
        })
        .strict(),
      z.object({ kind: z.literal('passport-td3'), fields: MrzWritablePassportFields, imageEvidenceId: EvidenceId }).strict(),
    ]),
    /** What OCR read, field by field, before the customer confirmed it, and its confidence (0–1). */
    ocr: z.object({ fields: FieldValues, confidence: z.record(z.string().max(40), z.number().min(0).max(1)) }).strict(),
    customerCorrections: z.array(CustomerCorrection).max(20),
    automaticCorrections: z.array(AutomaticCorrection).max(20),
  })
  .strict();
export type CustomerIdentity = z.infer<typeof CustomerIdentity>;

/** Where a waiting customer is in the queue, and how long the wait is likely to be. */
export const QueuePosition = z.object({
  position: z.number().int().min(1),
  estimatedWaitSeconds: z.number().int().min(0),
});
export type QueuePosition = z.infer<typeof QueuePosition>;
const QuestionId = z.string().min(1).max(64);

/** How a session ended, as the teller records it. */
export const SessionOutcome = z.enum([
  'completed',
  'declined-by-customer',
  'unsuitable',
  'identity-failed',
  'technical-failure',
]);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

export const AssessmentResult = z.object({
  questionnaireId: z.string(),
  questionnaireVersion: z.number().int(),
  score: z.number().int(),
  maxScore: z.number().int(),
  level: CustomerRiskLevel,
  name: LocalizedText,
  explanation: LocalizedText,
  /** Why the level is lower than the score alone gives, if it is. */
  capReasons: z.array(LocalizedText),
});
export type AssessmentResult = z.infer<typeof AssessmentResult>;

export const SuitabilityResult = z.object({
  productCode: z.string(),
  productName: LocalizedText,
  productRisk: ProductRiskLevel,
  customerLevel: CustomerRiskLevel,
  allowed: z.boolean(),
  /** Set when the sale is blocked: why, in words for both screens. */
  reason: z.string().nullable(),
  message: LocalizedText.nullable(),
  /** Allowed, but the customer must confirm once more (aged 65+, or C1). */
  extraConfirmation: z.array(LocalizedText),
});
export type SuitabilityResult = z.infer<typeof SuitabilityResult>;

const AnswerReceived = z.object({
  questionId: QuestionId,
  optionIds: z.array(z.string()),
  previous: z.array(z.string()).nullable(),
  at: z.iso.datetime(),
});

const QuestionShown = z.object({
  index: z.number().int(),
  total: z.number().int(),
  question: Question,
  selected: z.array(z.string()).nullable(),
});

const DisclosureShown = z.object({
  productCode: z.string(),
  productName: LocalizedText,
  disclosure: ProductDisclosure,
  extraConfirmation: z.array(LocalizedText),
});

const SignatureRequested = z.object({
  document: SignedDocument,
  documentHash: z.string(),
  productName: LocalizedText,
  levelName: LocalizedText,
});

/**
 * Where the regulated steps of a session stand, as the teller's console shows them: what
 * a teller who takes over a session (the first one was lost) or who reconnects starts from.
 */
export const TellerWorkflowView = z.object({
  identity: z.enum(['pending', 'verified', 'failed']),
  questions: z.array(Question),
  shownQuestionId: z.string().nullable(),
  answers: z.array(AnswerReceived),
  changes: z.array(AnswerReceived),
  assessment: AssessmentResult.nullable(),
  suitability: SuitabilityResult.nullable(),
  disclosure: z.enum(['not-shown', 'shown', 'confirmed']),
  acknowledgement: z.union([
    z.null(),
    z.literal('requested'),
    z.literal('accepted'),
    z.object({ imageEvidenceId: z.number().int(), recognisedText: z.string(), matchScore: z.number() }),
  ]),
  signature: z.union([z.null(), z.literal('requested'), z.object({ imageEvidenceId: z.number().int(), documentHash: z.string() })]),
});
export type TellerWorkflowView = z.infer<typeof TellerWorkflowView>;

/** The same, as the kiosk's screen shows it: what a kiosk that reconnects starts from. */
export const KioskWorkflowView = z.object({
  identity: z.boolean().nullable(),
  question: QuestionShown.nullable(),
  answered: z.boolean(),
  assessment: AssessmentResult.nullable(),
  suitability: SuitabilityResult.nullable(),
  disclosure: DisclosureShown.nullable(),
  disclosureConfirmed: z.boolean(),
  acknowledgement: z
    .object({ sentence: LocalizedText, retry: z.boolean(), state: z.enum(['writing', 'submitted', 'accepted']) })
    .nullable(),
  signature: SignatureRequested.extend({ submitted: z.boolean() }).nullable(),
});
export type KioskWorkflowView = z.infer<typeof KioskWorkflowView>;

/** How a party's connection stands, as the other party is told. */
export const PeerLinkState = z.enum(['reconnecting', 'connected']);
export type PeerLinkState = z.infer<typeof PeerLinkState>;

/** Client → server requests, each with the shape of its data and of its reply. */
export const requests = {
  /** First message on every connection: who is calling. The reply says what the server's routers offer. */
  hello: {
    data: z.discriminatedUnion('role', [
      // A kiosk is the enrolled kiosk whose credential it gives; its name and location come from that record.
      z.object({ role: z.literal('kiosk'), credential: z.string().max(200).default('') }).strict(),
      // A teller is the user signed in on this browser (the session cookie), not a name it gives.
      z.object({ role: z.literal('teller') }).strict(),
    ]),
    response: z.object({ peerId: EntityId, routerRtpCapabilities: RtpCapabilities }),
  },
  /**
   * Kiosk: the customer chose a service. Opens a draft session (not yet in the queue).
   * Carries what this browser can receive.
   */
  'session.create': {
    data: z.object({ language: Language, service: Service, rtpCapabilities: RtpCapabilities }).strict(),
    /** `uploadToken` lets this kiosk, and only it, upload the session's evidence files. */
    response: z.object({ sessionId: SessionId, uploadToken: z.string() }),
  },
  /** Kiosk: the customer's answer to the recording consent; declining ends the session. */
  'consent.record': {
    data: z.object({ accepted: z.boolean(), consentVersion: z.string().min(1).max(40) }).strict(),
    response: Empty,
  },
  /**
   * Kiosk: the customer's identity document, as read by OCR and confirmed (or corrected) by
   * the customer, with the captured images. The server validates it again with the shared
   * rules; a document that fails a blocking check is refused.
   */
  'customer.identify': {
    data: CustomerIdentity,
    response: z.object({ checks: z.array(FieldCheckSchema) }),
  },
  /** Kiosk: consent given and the customer identified: join the queue for a teller. */
  'session.queue': {
    data: Empty,
    response: QueuePosition,
  },
  /** Kiosk: the customer walked away (idle timeout); the draft or queued session is closed. */
  'session.abandon': {
    data: Empty,
    response: Empty,
  },
  /** Teller: take a waiting session. Exactly one of two simultaneous accepts wins. */
  'session.accept': {
    data: z.object({ sessionId: SessionId, rtpCapabilities: RtpCapabilities }).strict(),
    /** `resumed`: the session had another teller, who was lost; where its steps stand. */
    response: z.object({ sessionId: SessionId, videoCodec: VideoCodec, resumed: TellerWorkflowView.nullable() }),
  },
  /**
   * After hello on a new connection: take back this party's place in a session whose
   * connection dropped (within the grace period). A kiosk proves it is the session's own
   * with the token it was given at session.create; a teller is the signed-in user who
   * had the call. `media` says to set up transports again (the old ones are closed).
   */
  'session.rejoin': {
    data: z.object({ sessionId: SessionId, token: z.string().max(200).default(''), rtpCapabilities: RtpCapabilities }).strict(),
    response: z.object({
      state: z.enum(['draft', 'waiting', 'in-call']),
      media: z.object({ videoCodec: VideoCodec }).nullable(),
      tellerName: z.string().nullable(),
      queuePosition: QueuePosition.nullable(),
      kioskView: KioskWorkflowView.nullable(),
      tellerView: TellerWorkflowView.nullable(),
    }),
  },
  /** Teller: available for calls, busy, or away (away and busy tellers cannot accept). */
  'presence.set': {
    data: z.object({ presence: TellerPresence }).strict(),
    response: z.object({ presence: TellerPresence }),
  },
  /** Either side: end the call. */
  'session.hangup': {
    data: Empty,
    response: Empty,
  },
  'transport.create': {
    data: z.object({ direction: TransportDirection }).strict(),
    response: TransportOptions,
  },
  'transport.connect': {
    data: z.object({ transportId: EntityId, dtlsParameters: DtlsParameters }).strict(),
    response: Empty,
  },
  'transport.restartIce': {
    data: z.object({ transportId: EntityId }).strict(),
    response: z.object({ iceParameters: TransportOptions.shape.iceParameters }),
  },
  produce: {
    data: z
      .object({ transportId: EntityId, kind: MediaKind, rtpParameters: RtpParameters })
      .strict(),
    response: z.object({ producerId: EntityId }),
  },
  // --- The regulated part of the session, driven by the teller -------------------------

  /** Teller: the customer's document as captured at the kiosk, and any earlier assessment of theirs. */
  'customer.details': {
    data: Empty,
    response: z.object({
      identity: z
        .object({
          documentKind: z.enum(['cn-resident-id', 'passport-td3']),
          name: z.string(),
          documentNumber: z.string(),
          birthDate: z.string(),
          sex: z.string(),
          age: z.number().int(),
          document: z.unknown(),
          ocr: z.unknown(),
          customerCorrections: z.array(CustomerCorrection),
          automaticCorrections: z.array(AutomaticCorrection),
          checks: z.array(FieldCheckSchema),
        })
        .nullable(),
      earlierAssessment: z
        .object({ level: CustomerRiskLevel, score: z.number(), assessedAt: z.string(), validUntil: z.string() })
        .nullable(),
      assessmentsToday: z.number().int(),
    }),
  },
  /** Teller: the identity checklist; `verified: false` ends the session as identity-failed. */
  'identity.record': {
    data: z
      .object({
        faceMatchesDocument: z.boolean(),
        documentAppearsGenuine: z.boolean(),
        documentValid: z.boolean(),
        verified: z.boolean(),
        note: z.string().trim().max(500).default(''),
      })
      .strict()
      .refine((c) => !c.verified || (c.faceMatchesDocument && c.documentAppearsGenuine && c.documentValid), {
        message: 'identity can be verified only when every check holds',
      }),
    response: Empty,
  },
  /** Teller: start the risk questionnaire (after identity is verified). */
  'questionnaire.begin': {
    data: Empty,
    response: z.object({ questionnaireId: z.string(), version: z.number().int(), questions: z.array(Question) }),
  },
  /** Teller: a returning customer's assessment is still valid (12 months): use it instead of the questionnaire. */
  'assessment.reuse': {
    data: Empty,
    response: AssessmentResult,
  },
  /** Teller: put one question on the kiosk screen. */
  'question.show': {
    data: z.object({ questionId: QuestionId }).strict(),
    response: Empty,
  },
  /** Kiosk: the customer's answer to the question on screen (a later answer replaces it, recorded as a change). */
  'question.answer': {
    data: Answer.extend({ questionId: QuestionId }).strict(),
    response: Empty,
  },
  /** Teller: every question is answered; score them with the shared rule. */
  'assessment.finish': {
    data: Empty,
    response: AssessmentResult,
  },
  /** Teller: propose a product; the suitability rule decides, and both screens are told. */
  'product.propose': {
    data: z.object({ productCode: z.string().min(1).max(40) }).strict(),
    response: SuitabilityResult,
  },
  /** Teller: show the chosen product's risk disclosure at the kiosk (after an allowed suitability result). */
  'disclosure.show': {
    data: Empty,
    response: Empty,
  },
  /** Kiosk: the customer confirms they have read the disclosure (and any extra confirmation). */
  'disclosure.confirm': {
    data: z
      .object({
        productCode: z.string().min(1).max(40),
        disclosureVersion: z.number().int().positive(),
        /** The customer's separate confirmation of the extra notices (aged 65+, C1), when there are any. */
        extraConfirmed: z.boolean().default(false),
      })
      .strict(),
    response: Empty,
  },
  /** Teller: ask the customer to copy the acknowledgement sentence by hand (抄录). */
  'acknowledgement.request': {
    data: Empty,
    response: Empty,
  },
  /** Kiosk: the handwritten acknowledgement, uploaded as image and strokes, with what was recognised. */
  'acknowledgement.submit': {
    data: z
      .object({
        imageEvidenceId: z.number().int().positive(),
        strokesEvidenceId: z.number().int().positive(),
        recognisedText: z.string().max(200),
        matchScore: z.number().min(0).max(1),
      })
      .strict(),
    response: Empty,
  },
  /** Teller: accept the handwriting, or ask for it to be written again. */
  'acknowledgement.review': {
    data: z.object({ accepted: z.boolean() }).strict(),
    response: Empty,
  },
  /** Teller: ask for the signature on the document the session produced. */
  'signature.request': {
    data: Empty,
    response: z.object({ documentHash: z.string() }),
  },
  /** Kiosk: the signature, uploaded as PNG, SVG and strokes, bound to the hash of what was signed. */
  'signature.submit': {
    data: z
      .object({
        imageEvidenceId: z.number().int().positive(),
        svgEvidenceId: z.number().int().positive(),
        strokesEvidenceId: z.number().int().positive(),
        documentHash: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
    response: Empty,
  },
  /** Teller: end the session with its outcome. */
  'session.complete': {
    data: z.object({ outcome: SessionOutcome, note: z.string().trim().max(1000).default('') }).strict(),
    response: Empty,
  },

  /** Resume a consumer the server created paused, once the client has set it up. */
  'consumer.resume': {
    data: z.object({ consumerId: EntityId }).strict(),
    response: Empty,
  },
} as const;

export type Method = keyof typeof requests;
export type RequestData<M extends Method> = z.infer<(typeof requests)[M]['data']>;
export type ResponseData<M extends Method> = z.infer<(typeof requests)[M]['response']>;

export const RequestFrame = z
  .object({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    method: z.string().max(64),
    data: z.unknown(),
  })
  .strict();
export type RequestFrame = z.infer<typeof RequestFrame>;

export function isMethod(method: string): method is Method {
  return Object.hasOwn(requests, method);
}

/** Server → client notifications. */
export const notifications = {
  /** To tellers: the whole waiting queue, sent on connect and on every change. */
  'queue.updated': z.object({ entries: z.array(QueueEntry) }),
  /** To a waiting kiosk: its place in the queue changed. */
  'queue.position': QueuePosition,
  /** To the kiosk: a teller took the call; start media with this video codec. */
  'session.accepted': z.object({
    sessionId: SessionId,
    tellerName: z.string(),
    videoCodec: VideoCodec,
    /** A teller took over a session whose teller was lost: media is already set up. */
    resumed: z.boolean().optional(),
  }),
  /**
   * To the kiosk: its teller was lost; the session is back at the head of the queue and
   * the next teller resumes it. The kiosk keeps sending (and being recorded).
   */
  'session.requeued': z.object({ sessionId: SessionId, reason: z.literal('teller-lost'), position: QueuePosition }),
  /** To one party: the other party's connection dropped and it is reconnecting, or it is back. */
  'peer.connection': z.object({ role: Role, state: PeerLinkState }),
  /** To both: the session is over (the other side hung up, disconnected, or the server stops). */
  'session.ended': z.object({ sessionId: SessionId, reason: EndReason, by: Role.nullable() }),
  /** To a peer: the other party's track is ready to be received (created paused). */
  'consumer.new': z.object({
    consumerId: EntityId,
    producerId: EntityId,
    kind: MediaKind,
    rtpParameters: RtpParameters,
    from: Role,
  }),
  'consumer.closed': z.object({ consumerId: EntityId }),
  /** To both: recording state, for the always-visible indicator. */
  'recording.state': z.object({
    state: z.enum(['starting', 'recording', 'stopped', 'failed']),
    startedAt: z.iso.datetime().nullable(),
  }),
  /**
   * To both: the media worker hosting the call died and was replaced. All transports are
   * gone; the client creates new ones and produces again (the session itself survives).
   */
  'media.reset': z.object({ sessionId: SessionId }),
  /** To the kiosk: the teller recorded the identity check. */
  'identity.recorded': z.object({ verified: z.boolean() }),
  /** To the kiosk: show this question (with the customer's earlier answer, if any). */
  'question.shown': QuestionShown,
  /** To the teller: the customer answered at the kiosk. */
  'answer.received': AnswerReceived,
  /** To both: the level the answers give. */
  'assessment.result': AssessmentResult,
  /** To both: whether the proposed product may be sold to this customer. */
  'suitability.result': SuitabilityResult,
  /** To the kiosk: the product's risk disclosure to read and confirm. */
  'disclosure.shown': DisclosureShown,
  /** To the teller: the customer confirmed the disclosure. */
  'disclosure.confirmed': z.object({ productCode: z.string(), disclosureVersion: z.number().int() }),
  /** To the kiosk: copy this sentence by hand (again, when `retry`). */
  'acknowledgement.requested': z.object({ sentence: LocalizedText, retry: z.boolean() }),
  /** To the teller: the handwriting arrived, with its recognition. */
  'acknowledgement.received': z.object({
    imageEvidenceId: z.number().int(),
    recognisedText: z.string(),
    matchScore: z.number(),
  }),
  /** To the kiosk: the teller accepted the handwriting. */
  'acknowledgement.accepted': z.object({}),
  /** To the kiosk: sign this document (summary to show, and the hash the signature binds to). */
  'signature.requested': SignatureRequested,
  /** To the teller: the signature arrived. */
  'signature.received': z.object({ imageEvidenceId: z.number().int(), documentHash: z.string() }),
  /** To the kiosk: the session is complete; its receipt can be printed or downloaded. */
  'receipt.ready': z.object({ verificationCode: z.string(), receiptUrl: z.string() }),
} as const;

export type NotificationName = keyof typeof notifications;
export type NotificationData<N extends NotificationName> = z.infer<(typeof notifications)[N]>;

export type ResponseFrame =
  | { id: number; ok: true; data: unknown }
  | { id: number | null; ok: false; error: SignalingError };

export type NotificationFrame = { notification: NotificationName; data: unknown };

export type ServerFrame = ResponseFrame | NotificationFrame;

export function isNotificationFrame(frame: ServerFrame): frame is NotificationFrame {
  return 'notification' in frame;
}
