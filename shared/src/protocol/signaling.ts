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

/** Largest frame the server accepts; larger ones close the socket with 1009. */
export const MAX_SIGNALING_FRAME_BYTES = 64 * 1024;

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
  /** The server stopped without warning (crash, power loss); found and closed at restart. */
  'interrupted',
]);
export type EndReason = z.infer<typeof EndReason>;

export const SessionState = z.enum(['waiting', 'active', 'ended']);
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
  language: Language,
  waitingSince: z.iso.datetime(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

const TransportDirection = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirection>;

const Empty = z.object({}).strict();

/** Client → server requests, each with the shape of its data and of its reply. */
export const requests = {
  /** First message on every connection: who is calling. The reply says what the server's routers offer. */
  hello: {
    data: z.discriminatedUnion('role', [
      z.object({ role: z.literal('kiosk'), name: DisplayName }).strict(),
      // A teller is the user signed in on this browser (the session cookie), not a name it gives.
      z.object({ role: z.literal('teller') }).strict(),
    ]),
    response: z.object({ peerId: EntityId, routerRtpCapabilities: RtpCapabilities }),
  },
  /** Kiosk: "call a teller". Puts a new session in the queue. Carries what this browser can receive. */
  'session.create': {
    data: z.object({ language: Language, rtpCapabilities: RtpCapabilities }).strict(),
    response: z.object({ sessionId: SessionId }),
  },
  /** Teller: take a waiting session. Exactly one of two simultaneous accepts wins. */
  'session.accept': {
    data: z.object({ sessionId: SessionId, rtpCapabilities: RtpCapabilities }).strict(),
    response: z.object({ sessionId: SessionId, videoCodec: VideoCodec }),
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
  /** To the kiosk: a teller took the call; start media with this video codec. */
  'session.accepted': z.object({
    sessionId: SessionId,
    tellerName: z.string(),
    videoCodec: VideoCodec,
  }),
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
