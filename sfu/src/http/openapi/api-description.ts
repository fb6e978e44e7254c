/**
 * Every HTTP operation the server offers, described once, with the same zod schemas the
 * controllers validate with (from shared/ wherever they live there). openapi-document.ts
 * turns this table into GET /api/openapi.json; openapi-document.spec.ts fails when an
 * express route has no row here (or a row has no route), and when a row's roles differ
 * from what the route's guard lets through.
 *
 * To describe a new route: add a row (OpenAPI-style path, `{param}`), with its access,
 * its params/query/body schemas and its reply.
 */
import { z } from 'zod';
import {
  AuditVerificationReport,
  CreateUserRequest,
  EnrollKioskRequest,
  EnrolledKiosk,
  KioskIdParams,
  KioskView,
  RegisterKioskRequest,
  RegisteredKiosk,
  ExportManifest,
  HealthReport,
  KioskConfig,
  KioskUploadKind,
  QuestionnaireDefinition,
  ReviewDecision,
  ReviewDecisionRequest,
  ReviewFilterOptions,
  ReviewList,
  ReviewListQuery,
  ReviewSessionDetail,
  ScoreRequest,
  SessionDetail,
  SessionId,
  SessionIdParams,
  SignInRequest,
  Strokes,
  SuitabilityApiRequest,
  UpdateUserRequest,
  UploadedEvidence,
  UserIdParams,
  UserView,
  type UserRole,
} from '@vtm/shared';
import { MediaStats, OpenApiDocumentReply, ReceiptLookup, ScoreReply, StillTaken, SuitabilityReply } from './reply-schemas.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call an operation. */
export type Access =
  /** No credentials (health, kiosk settings, sign-in, this description). */
  | { kind: 'public' }
  /** A signed-in user (the `vtm_session` cookie) with one of these roles. */
  | { kind: 'user'; roles: readonly UserRole[] }
  /** The kiosk that opened the session, by its upload token header. */
  | { kind: 'kiosk-token' }
  /** Either the kiosk's upload token, or a signed-in user with one of these roles. */
  | { kind: 'kiosk-token-or-user'; roles: readonly UserRole[] };

const ALL_ROLES = ['teller', 'compliance', 'admin'] as const satisfies readonly UserRole[];
const anyUser: Access = { kind: 'user', roles: ALL_ROLES };
const roles = (...allowed: UserRole[]): Access => ({ kind: 'user', roles: allowed });

/** A body or reply: JSON described by a zod schema, and/or files described by content type. */
export interface Payload {
  description: string;
  json?: z.ZodType;
  /** Content types of file bodies (images, PDF, media, ZIP): bytes, not JSON. */
  files?: readonly string[];
}

export interface Reply extends Payload {
  status: 200 | 201 | 204;
  /** Served with HTTP range requests (206 Partial Content), as media players seek. */
  ranges?: boolean;
  /** JSON files inside a file reply (e.g. manifest.json in an export ZIP), by file name. */
  containedJson?: Record<string, z.ZodType>;
  /** Response headers worth knowing about (e.g. Set-Cookie), name → description. */
  headers?: Record<string, string>;
}

export interface OperationDescription {
  method: HttpMethod;
  /** OpenAPI style: `/api/sessions/{sessionId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Payload;
  reply: Reply;
  /** Failures beyond those the access and inputs imply (400/401/403/404), status → when. */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 429, string>>;
}

// Path parameters the controllers parse with module-local schemas; the same rules, here.
const UploadParams = z.object({ sessionId: SessionId, kind: KioskUploadKind });
const EvidenceParams = z.object({ sessionId: SessionId, evidenceId: z.coerce.number().int().positive() });
const PlaybackParams = z.object({ sessionId: SessionId, mediaId: z.coerce.number().int().positive() });
const ReceiptCodeParams = z.object({ code: z.string().min(8).max(20) });

const IMAGES = ['image/png', 'image/jpeg'] as const;
/** The ownership rule (sfu/src/auth/session-access.ts), as the routes that apply it say it. */
const OWN_SESSIONS_ONLY =
  'A teller sees only the sessions they handle; compliance sees all. Any other session answers 404, ' +
  'exactly as a missing one does, so its existence is not revealed.';
const TOO_LARGE = 'the file is larger than 4 MB';

const service: OperationDescription[] = [
  {
    method: 'get', path: '/healthz', operationId: 'getHealth', tag: 'operations', access: { kind: 'public' },
    summary: 'Health of the server: media workers, database and recorder',
    description: 'Always 200 while the process serves; `ok` says whether every part is healthy.',
    reply: { status: 200, description: 'The health report', json: HealthReport },
  },
  {
    method: 'get', path: '/api/openapi.json', operationId: 'getOpenApiDocument', tag: 'meta', access: { kind: 'public' },
    summary: 'This description of the HTTP API (OpenAPI 3.1)',
    reply: { status: 200, description: 'The OpenAPI document', json: OpenApiDocumentReply },
  },
  {
    method: 'get', path: '/api/kiosk/config', operationId: 'getKioskConfig', tag: 'kiosk', access: { kind: 'public' },
    summary: 'Settings every kiosk takes from the server (idle timeout, consent text version)',
    reply: { status: 200, description: 'The kiosk settings', json: KioskConfig },
  },
  {
    method: 'get', path: '/api/media/stats', operationId: 'getMediaStats', tag: 'operations', access: roles('admin'),
    summary: 'What every mediasoup worker and router holds right now',
    reply: { status: 200, description: 'Workers and routers with their transport, producer and consumer counts', json: MediaStats },
  },
];

const auth: OperationDescription[] = [
  {
    method: 'post', path: '/api/auth/sign-in', operationId: 'signIn', tag: 'auth', access: { kind: 'public' },
    summary: 'Sign in; sets the vtm_session cookie',
    description:
      'Refused (403) when the browser says the request comes from another origin (Origin, Sec-Fetch-Site). ' +
      'Failed sign-ins are limited per username (SIGN_IN_MAX_FAILURES, then locked for SIGN_IN_LOCKOUT_S) and per ' +
      'client address (SIGN_IN_ADDRESS_FREE_FAILURES, then waits doubling from 1 s): 429 with Retry-After, audited as auth.locked-out.',
    body: { description: 'Username and password', json: SignInRequest },
    reply: {
      status: 200, description: 'The signed-in user', json: UserView,
      headers: { 'Set-Cookie': 'vtm_session=…; HttpOnly; SameSite=Strict; Path=/ (12 hours)' },
    },
    errors: {
      401: 'wrong username or password, or a disabled user',
      403: 'a request from another origin',
      429: 'too many failed sign-ins for this username or from this address: try again after Retry-After seconds',
    },
  },
  {
    method: 'post', path: '/api/auth/sign-out', operationId: 'signOut', tag: 'auth', access: { kind: 'public' },
    summary: 'Sign out: ends the session the cookie names and clears the cookie',
    reply: { status: 204, description: 'Signed out', headers: { 'Set-Cookie': 'vtm_session cleared (Max-Age=0)' } },
    errors: { 403: 'with a session cookie: no x-vtm-csrf header, or a request from another origin' },
  },
  {
    method: 'get', path: '/api/auth/me', operationId: 'getCurrentUser', tag: 'auth', access: anyUser,
    summary: 'The signed-in user',
    reply: { status: 200, description: 'The signed-in user', json: UserView },
  },
  {
    method: 'get', path: '/api/users', operationId: 'listUsers', tag: 'users', access: roles('admin'),
    summary: 'Every user',
    reply: { status: 200, description: 'The users', json: z.array(UserView) },
  },
  {
    method: 'post', path: '/api/users', operationId: 'createUser', tag: 'users', access: roles('admin'),
    summary: 'Create a user (audited)',
    body: { description: 'The new user', json: CreateUserRequest },
    reply: { status: 201, description: 'The created user', json: UserView },
    errors: { 409: 'a user with this username exists' },
  },
  {
    method: 'patch', path: '/api/users/{userId}', operationId: 'updateUser', tag: 'users', access: roles('admin'),
    summary: 'Disable or enable a user (disabling also signs them out everywhere; audited)',
    params: UserIdParams,
    body: { description: 'Whether the user is disabled', json: UpdateUserRequest },
    reply: { status: 200, description: 'The updated user', json: UserView },
    errors: { 403: 'an admin cannot disable themselves' },
  },
];

const kiosks: OperationDescription[] = [
  {
    method: 'get', path: '/api/kiosks', operationId: 'listKiosks', tag: 'kiosks', access: roles('admin'),
    summary: 'Every registered kiosk, with its status (pending code, enrolled, revoked)',
    reply: { status: 200, description: 'The kiosks', json: z.array(KioskView) },
  },
  {
    method: 'post', path: '/api/kiosks', operationId: 'registerKiosk', tag: 'kiosks', access: roles('admin'),
    summary: 'Register a kiosk: its one-time enrollment code (valid 24 h) is in this reply only (audited)',
    body: { description: 'The kiosk', json: RegisterKioskRequest },
    reply: { status: 201, description: 'The kiosk and its enrollment code', json: RegisteredKiosk },
    errors: { 409: 'a kiosk with this name exists' },
  },
  {
    method: 'post', path: '/api/kiosks/enroll', operationId: 'enrollKiosk', tag: 'kiosks', access: { kind: 'public' },
    summary: "A kiosk redeems its enrollment code (once) for its credential, which is in this reply only (audited)",
    body: { description: 'The enrollment code', json: EnrollKioskRequest },
    reply: { status: 200, description: "The kiosk's record and credential", json: EnrolledKiosk },
    errors: {
      401: 'the code is wrong, used, expired or its kiosk revoked',
      403: 'a request from another origin',
      429: 'too many wrong codes from this address (Retry-After)',
    },
  },
  {
    method: 'post', path: '/api/kiosks/{kioskId}/revoke', operationId: 'revokeKiosk', tag: 'kiosks', access: roles('admin'),
    summary: "Revoke a kiosk: its credential stops working, its connections close and its call ends at once (audited)",
    params: KioskIdParams,
    reply: { status: 200, description: 'The revoked kiosk', json: KioskView },
    errors: { 409: 'the kiosk is already revoked' },
  },
];

const sessions: OperationDescription[] = [
  {
    method: 'get', path: '/api/sessions/{sessionId}', operationId: 'getSession', tag: 'sessions',
    access: roles('teller', 'compliance'),
    summary: 'A session with its events, recordings, evidence, finalisation and quality checks (the view is audited)',
    description: OWN_SESSIONS_ONLY,
    params: SessionIdParams,
    reply: { status: 200, description: 'The session', json: SessionDetail },
  },
  {
    method: 'get', path: '/api/sessions/{sessionId}/playback/{mediaId}', operationId: 'getPlayback', tag: 'review',
    access: roles('compliance'),
    summary: "One party's browser-playable recording of a finalised session",
    description:
      'Supports HTTP range requests (Accept-Ranges: bytes; 206 Partial Content), which the player uses to seek. ' +
      'The content type is the playable file\'s (see PlayableMedia.mimeType). Opening the file (no Range, or a range from byte 0) is audited.',
    params: PlaybackParams,
    reply: { status: 200, description: 'The media file', files: ['video/webm', 'video/mp4'], ranges: true },
  },
  {
    method: 'post', path: '/api/sessions/{sessionId}/stills', operationId: 'takeStill', tag: 'evidence', access: roles('teller'),
    summary: 'A still the teller took during the call (only the teller handling it, while it is active)',
    description: 'Another teller\'s session answers 404, as a missing one does; 403 once the call is over.',
    params: SessionIdParams,
    body: { description: 'The image (PNG or JPEG, at most 4 MB)', files: IMAGES },
    reply: { status: 201, description: 'The stored still', json: StillTaken },
    errors: { 413: TOO_LARGE },
  },
  {
    method: 'post', path: '/api/sessions/{sessionId}/kiosk-uploads/{kind}', operationId: 'uploadKioskEvidence', tag: 'evidence',
    access: { kind: 'kiosk-token' },
    summary: 'Evidence from the kiosk that opened the session: ID images, handwriting, signature',
    description:
      'Authorised by the session\'s upload token (header x-vtm-upload-token), not a user. Images are PNG or JPEG ' +
      '(acknowledgement and signature images PNG only), the signature also SVG without scripts, strokes JSON.',
    params: UploadParams,
    body: { description: 'The file, as the request body (at most 4 MB)', json: Strokes, files: [...IMAGES, 'image/svg+xml'] },
    reply: { status: 201, description: 'The stored file', json: UploadedEvidence },
    errors: { 401: 'no upload token, or not this session\'s', 403: 'the session has ended', 413: TOO_LARGE },
  },
  {
    method: 'get', path: '/api/sessions/{sessionId}/evidence/{evidenceId}', operationId: 'getEvidence', tag: 'evidence',
    access: roles('teller', 'compliance'),
    summary: 'One evidence file of a session (a teller: only their own sessions; audited)',
    description: OWN_SESSIONS_ONLY,
    params: EvidenceParams,
    reply: {
      status: 200, description: 'The file, with its stored content type',
      files: [...IMAGES, 'image/svg+xml', 'application/json', 'application/pdf'],
    },
  },
  {
    method: 'get', path: '/api/sessions/{sessionId}/receipt', operationId: 'getReceiptPdf', tag: 'receipts',
    access: { kind: 'kiosk-token-or-user', roles: ['teller', 'compliance'] },
    summary: "The session's receipt PDF: for the kiosk that ran it (its upload token), its teller, or compliance (audited)",
    description: OWN_SESSIONS_ONLY,
    params: SessionIdParams,
    reply: { status: 200, description: 'The receipt', files: ['application/pdf'] },
  },
  {
    method: 'get', path: '/api/receipts/{code}', operationId: 'lookUpReceipt', tag: 'receipts', access: roles('teller', 'compliance'),
    summary: "Look a receipt up by the verification code printed on it (audited)",
    description: `${OWN_SESSIONS_ONLY} A teller finds only the receipts of sessions they handled.`,
    params: ReceiptCodeParams,
    reply: { status: 200, description: 'The receipt', json: ReceiptLookup },
  },
];

const assessment: OperationDescription[] = [
  {
    method: 'get', path: '/api/questionnaires/current', operationId: 'getCurrentQuestionnaire', tag: 'assessment', access: anyUser,
    summary: 'The current risk questionnaire, for the bank\'s other channels (web, app, branch)',
    reply: { status: 200, description: 'The questionnaire', json: QuestionnaireDefinition },
  },
  {
    method: 'post', path: '/api/assessments/score', operationId: 'scoreAssessment', tag: 'assessment', access: anyUser,
    summary: 'Score answers to the current questionnaire with the shared rule',
    body: { description: 'The answers', json: ScoreRequest },
    reply: { status: 200, description: 'The score and level', json: ScoreReply },
  },
  {
    method: 'post', path: '/api/suitability', operationId: 'checkSuitability', tag: 'assessment', access: anyUser,
    summary: 'May this product be sold to a customer of this level and age (the shared suitability rule)',
    body: { description: 'Customer level and age, product, and when the assessment was taken', json: SuitabilityApiRequest },
    reply: { status: 200, description: 'The decision', json: SuitabilityReply },
    errors: { 404: 'no such product' },
  },
];

const COMPLIANCE = roles('compliance');
const review: OperationDescription[] = [
  {
    method: 'get', path: '/api/review/sessions', operationId: 'listReviewSessions', tag: 'review', access: COMPLIANCE,
    summary: 'Recorded sessions for review: filters, paging, sorting; personal data masked',
    query: ReviewListQuery,
    reply: { status: 200, description: 'One page of sessions', json: ReviewList },
  },
  {
    method: 'get', path: '/api/review/filters', operationId: 'getReviewFilters', tag: 'review', access: COMPLIANCE,
    summary: "The values the list's filters offer (tellers, kiosks, products)",
    reply: { status: 200, description: 'The filter options', json: ReviewFilterOptions },
  },
  {
    method: 'get', path: '/api/review/sessions/{sessionId}', operationId: 'getReviewSession', tag: 'review', access: COMPLIANCE,
    summary: 'Everything a reviewer needs about one session, personal data in full (the view is audited)',
    params: SessionIdParams,
    reply: { status: 200, description: 'The session under review', json: ReviewSessionDetail },
  },
  {
    method: 'post', path: '/api/review/sessions/{sessionId}/decisions', operationId: 'decideReview', tag: 'review', access: COMPLIANCE,
    summary: 'Approve, reject or ask for follow-up, with a comment; adds to the history, never overwrites (audited)',
    params: SessionIdParams,
    body: { description: 'The decision and its mandatory comment', json: ReviewDecisionRequest },
    reply: { status: 201, description: 'The recorded decision', json: ReviewDecision },
  },
  {
    method: 'get', path: '/api/review/sessions/{sessionId}/export', operationId: 'exportSessionEvidence', tag: 'review', access: COMPLIANCE,
    summary: 'Evidence export: one ZIP with the sealed original, playable media, PDF report, audit entries and manifest (audited)',
    description: 'manifest.json at the root of the ZIP lists every file with its SHA-256 (schema ExportManifest).',
    params: SessionIdParams,
    reply: {
      status: 200, description: 'The export', files: ['application/zip'],
      containedJson: { 'manifest.json': ExportManifest },
    },
    errors: {
      409: 'the session has not ended, is still being finalised, or was purged; or a stored file no longer matches its recorded hash (nothing is exported)',
    },
  },
];

const audit: OperationDescription[] = [
  {
    method: 'post', path: '/api/audit/verify', operationId: 'verifyAuditTrail', tag: 'audit', access: roles('compliance', 'admin'),
    summary: 'Recompute the audit chain and every file hash; reports the first broken entry or file (the run is audited)',
    reply: { status: 200, description: 'The verification report', json: AuditVerificationReport },
  },
];

export const API_OPERATIONS: readonly OperationDescription[] = [...service, ...auth, ...kiosks, ...sessions, ...assessment, ...review, ...audit];

export const API_TAGS: Record<string, string> = {
  auth: 'Sign-in and the signed-in user',
  users: 'User administration',
  kiosks: 'Kiosk enrollment and administration',
  sessions: 'Recorded sessions',
  evidence: 'Evidence files of a session',
  receipts: 'Customer receipts',
  review: 'Compliance review (compliance role only)',
  audit: 'Tamper-evident audit trail',
  assessment: "Risk assessment and suitability rules for the bank's other channels",
  kiosk: 'Kiosk settings',
  operations: 'Health and media statistics',
  meta: 'This description',
};
