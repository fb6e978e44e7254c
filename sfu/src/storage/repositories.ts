/**
 * What the services need from storage, independent of the database behind it. The
 * SQLite implementations live in ./sqlite; a PostgreSQL one implements the same
 * interfaces. Methods are async so that a networked database fits without changes
 * to the services.
 */
import type { EndReason, Language, RecordingStream, Role, SessionState, VideoCodec } from '@vtm/shared';

export interface SessionRecord {
  id: string;
  state: SessionState;
  kioskName: string;
  language: Language;
  tellerName: string | null;
  videoCodec: VideoCodec | null;
  createdAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

export interface SessionRepository {
  /** A draft: the customer has started at the kiosk but is not in the queue yet. */
  create(session: { id: string; kioskName: string; language: Language; createdAt: string }): Promise<void>;
  setKioskTokenHash(id: string, tokenHash: string): Promise<void>;
  kioskTokenHash(id: string): Promise<string | null>;
  /** Moves a draft into the queue; false when it was not a draft. */
  queue(id: string, at: string): Promise<boolean>;
  get(id: string): Promise<SessionRecord | undefined>;
  listByState(state: SessionState): Promise<SessionRecord[]>;
  /** Moves a waiting session to active for this teller; false when it was not waiting. */
  accept(id: string, accept: { tellerName: string; videoCodec: VideoCodec; at: string }): Promise<boolean>;
  /** Puts an active session back in the queue (its teller was lost); false when it was not active. */
  requeue(id: string): Promise<boolean>;
  /** Ends a session that has not ended yet; false when it already had. */
  end(id: string, end: { reason: EndReason; at: string }): Promise<boolean>;
}

export interface ParticipantRepository {
  add(p: { sessionId: string; role: Role; displayName: string; joinedAt: string }): Promise<number>;
  markLeft(sessionId: string, role: Role, at: string): Promise<void>;
  list(sessionId: string): Promise<Array<{ role: Role; displayName: string; joinedAt: string; leftAt: string | null }>>;
}

export interface EventRecord {
  id: number;
  sessionId: string;
  type: string;
  at: string;
  offsetMs: number | null;
  payload: unknown;
}

export interface EventRepository {
  append(e: { sessionId: string; type: string; at: string; offsetMs: number | null; payload: unknown }): Promise<number>;
  list(sessionId: string): Promise<EventRecord[]>;
}

export type RecordingState = 'recording' | 'sealed' | 'interrupted' | 'failed';

export interface RecordingRecord {
  id: number;
  sessionId: string;
  segment: number;
  path: string;
  state: RecordingState;
  startedAt: string;
  endedAt: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  streams: RecordingStream[];
  sha256: string | null;
}

export interface RecordingRepository {
  start(r: { sessionId: string; segment: number; path: string; startedAt: string }): Promise<number>;
  finish(
    id: number,
    f: {
      state: Exclude<RecordingState, 'recording'>;
      endedAt: string;
      sizeBytes: number | null;
      durationMs: number | null;
      streams: RecordingStream[];
      sha256: string | null;
    },
  ): Promise<void>;
  listForSession(sessionId: string): Promise<RecordingRecord[]>;
  /** Recordings still marked as running: after a crash, these need recovering. */
  listUnfinished(): Promise<RecordingRecord[]>;
}

export interface StoredAnswer {
  id: number;
  questionId: string;
  optionIds: string[];
  answeredAt: string;
  replacesAnswerId: number | null;
}

export interface AssessmentRepository {
  /** Appends an answer; returns its id. The latest answer per question is the one that counts. */
  addAnswer(a: {
    sessionId: string;
    questionnaireId: string;
    questionnaireVersion: number;
    questionId: string;
    optionIds: string[];
    answeredAt: string;
    replacesAnswerId: number | null;
  }): Promise<number>;
  answers(sessionId: string): Promise<StoredAnswer[]>;
  addAssessment(a: {
    sessionId: string;
    questionnaireId: string;
    questionnaireVersion: number;
    answers: unknown;
    score: number;
    level: string;
    assessedAt: string;
  }): Promise<number>;
  recordIdentityVerified(sessionId: string, at: string): Promise<void>;
  recordLevel(sessionId: string, level: string): Promise<void>;
  recordProduct(sessionId: string, productCode: string): Promise<void>;
  recordOutcome(sessionId: string, outcome: string, note: string): Promise<void>;
}

export interface EvidenceFileRecord {
  id: number;
  sessionId: string;
  kind: string;
  path: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
}

export interface EvidenceRepository {
  add(file: Omit<EvidenceFileRecord, 'id'>): Promise<number>;
  get(id: number): Promise<EvidenceFileRecord | undefined>;
  listForSession(sessionId: string): Promise<EvidenceFileRecord[]>;
  countForSession(sessionId: string, kind: string): Promise<number>;
}

export interface SignatureRecord {
  id: number;
  sessionId: string;
  document: unknown;
  documentHash: string;
  pngEvidenceId: number;
  svgEvidenceId: number;
  strokesEvidenceId: number;
  signedAt: string;
}

export interface SigningRepository {
  addSignature(s: Omit<SignatureRecord, 'id'>): Promise<number>;
  signatureFor(sessionId: string): Promise<SignatureRecord | undefined>;
  addReceipt(r: { verificationCode: string; sessionId: string; evidenceId: number; issuedAt: string }): Promise<void>;
  receiptByCode(code: string): Promise<{ verificationCode: string; sessionId: string; evidenceId: number; issuedAt: string } | undefined>;
}

export interface CustomerIdentityRecord {
  sessionId: string;
  documentKind: 'cn-resident-id' | 'passport-td3';
  documentNumber: string;
  name: string;
  birthDate: string;
  sex: string;
  document: unknown;
  ocr: unknown;
  customerCorrections: unknown[];
  automaticCorrections: unknown[];
  checks: unknown[];
  capturedAt: string;
}

export interface PreviousAssessment {
  sessionId: string;
  level: string;
  score: number;
  assessedAt: string;
  /** The answers it was scored from, as stored. */
  answers: Array<{ questionId: string; optionIds: string[] }>;
}

export interface CustomerRepository {
  saveIdentity(identity: CustomerIdentityRecord): Promise<void>;
  identityFor(sessionId: string): Promise<CustomerIdentityRecord | undefined>;
  /** Whether the session has an identity stored; needs no key (the retention purge runs without). */
  hasIdentity(sessionId: string): Promise<boolean>;
  /** Assessments of the customer with this document number, newest first. */
  assessmentsOf(documentNumber: string): Promise<PreviousAssessment[]>;
}

export interface Repositories {
  sessions: SessionRepository;
  participants: ParticipantRepository;
  events: EventRepository;
  recordings: RecordingRepository;
  users: UserRepository;
  authSessions: AuthSessionRepository;
  assessments: AssessmentRepository;
  evidence: EvidenceRepository;
  signing: SigningRepository;
  customers: CustomerRepository;
  audit: AuditRepository;
  review: ReviewRepository;
  retention: RetentionRepository;
  storedFiles: StoredFileRepository;
  kiosks: KioskRepository;
  /** A cheap query proving the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type UserRole = 'teller' | 'compliance' | 'admin';

export interface KioskRecord {
  id: number;
  name: string;
  location: string;
  createdAt: string;
  createdBy: string;
  enrollmentCodeHash: string | null;
  enrollmentExpiresAt: string | null;
  credentialHash: string | null;
  enrolledAt: string | null;
  revokedAt: string | null;
}

export interface KioskRepository {
  /** Undefined when the name is taken. */
  create(k: { name: string; location: string; createdAt: string; createdBy: string; enrollmentCodeHash: string; enrollmentExpiresAt: string }): Promise<number | undefined>;
  list(): Promise<KioskRecord[]>;
  byId(id: number): Promise<KioskRecord | undefined>;
  byEnrollmentCodeHash(codeHash: string): Promise<KioskRecord | undefined>;
  byCredentialHash(credentialHash: string): Promise<KioskRecord | undefined>;
  /** Redeems the code (once: only while it is still the kiosk's, unexpired and unrevoked). */
  enroll(id: number, codeHash: string, credentialHash: string, at: string): Promise<boolean>;
  /** False when it was already revoked. */
  revoke(id: number, at: string): Promise<boolean>;
}

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  passwordHash: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface UserRepository {
  count(): Promise<number>;
  create(u: { username: string; displayName: string; role: UserRole; passwordHash: string; createdAt: string }): Promise<number>;
  byUsername(username: string): Promise<UserRecord | undefined>;
  byId(id: number): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  setDisabled(id: number, disabledAt: string | null): Promise<boolean>;
}

export interface AuthSessionRepository {
  create(s: { tokenHash: string; userId: number; createdAt: string; expiresAt: string }): Promise<void>;
  /** The user of a live (unexpired) sign-in session. */
  userFor(tokenHash: string, now: string): Promise<UserRecord | undefined>;
  extend(tokenHash: string, expiresAt: string): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  deleteForUser(userId: number): Promise<void>;
}

/** One entry of the tamper-evident audit trail, as stored (see sfu/src/audit). */
export interface AuditEntryRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  sessionId: string | null;
  subject: string;
  /** A JSON object, exactly as hashed. */
  details: Record<string, unknown>;
  fileSha256: string | null;
  prevHash: string;
  hash: string;
}

/** Another writer appended first: this entry's number or predecessor is taken. */
export class AuditAppendConflict extends Error {
  constructor(seq: number) {
    super(`audit entry ${seq} or its predecessor is already taken`);
    this.name = 'AuditAppendConflict';
  }
}

/** Append-only: there is no update or delete, and the database refuses them too. */
export interface AuditRepository {
  /** The newest entry's number and hash; undefined while the trail is empty. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /** The highest entry number ever given out, even if that entry has since been removed. */
  lastSeqIssued(): Promise<number>;
  /** Throws AuditAppendConflict when the entry's seq or prevHash is already used. */
  append(entry: AuditEntryRecord): Promise<void>;
  /** Entries after `afterSeq`, oldest first, at most `limit`. */
  list(page: { afterSeq: number; limit: number }): Promise<AuditEntryRecord[]>;
  listForSession(sessionId: string): Promise<AuditEntryRecord[]>;
  /**
   * Puts the database's append-only protection back if it is missing; true when it had
   * been removed (which is itself worth an audit entry).
   */
  restoreAppendOnly(): Promise<boolean>;
}

export type FinalisationState = 'running' | 'done' | 'failed';

/** What finalisation made of an ended session (see sfu/src/review). */
export interface FinalisationRecord {
  sessionId: string;
  state: FinalisationState;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Null until the checks have run. */
  qualityPassed: boolean | null;
}

/** One party's side of one recording segment, remuxed for browsers. */
export interface PlayableMediaRecord {
  id: number;
  sessionId: string;
  recordingId: number;
  segment: number;
  party: Role;
  path: string;
  mimeType: string;
  /** Where the file's time zero sits on the session's timeline (same clock as event offsets). */
  startOffsetMs: number;
  durationMs: number | null;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
}

export interface QualityCheckRecord {
  checkId: string;
  passed: boolean;
  reason: string;
  checkedAt: string;
}

/** The assessment rows of a session, as the review reads them back. */
export interface AssessmentRecord {
  id: number;
  sessionId: string;
  questionnaireId: string;
  questionnaireVersion: number;
  answers: unknown;
  score: number;
  level: string;
  assessedAt: string;
}

export interface ReviewRepository {
  /** Ended sessions whose finalisation has not completed (never run, cut off by a crash, or failed). */
  listUnfinalised(): Promise<string[]>;
  /**
   * Starts (or restarts) a session's finalisation, dropping the playable media rows of an
   * earlier unfinished attempt; false when the session is already finalised.
   */
  beginFinalisation(sessionId: string, at: string): Promise<boolean>;
  addPlayableMedia(m: Omit<PlayableMediaRecord, 'id'>): Promise<number>;
  /** Stores the checks and marks the finalisation done, in one transaction. */
  completeFinalisation(sessionId: string, result: { checks: Array<Omit<QualityCheckRecord, 'checkedAt'>>; qualityPassed: boolean; at: string }): Promise<void>;
  failFinalisation(sessionId: string, failure: { error: string; at: string }): Promise<void>;
  finalisationOf(sessionId: string): Promise<FinalisationRecord | undefined>;
  playableMediaFor(sessionId: string): Promise<PlayableMediaRecord[]>;
  qualityChecksFor(sessionId: string): Promise<QualityCheckRecord[]>;
  /** The level, product and outcome stored on the session row. */
  storedOutcome(sessionId: string): Promise<{ riskLevel: string | null; productCode: string | null; outcome: string | null } | undefined>;
  /** Assessments scored in a session, oldest first. */
  assessmentsOf(sessionId: string): Promise<AssessmentRecord[]>;
  /** One page of the reviewer's list, filtered, sorted and paged by the database, and how many match in all. */
  listForReview(criteria: ReviewListCriteria): Promise<{ rows: ReviewListRow[]; total: number }>;
  /** Distinct tellers, kiosks and products of the sessions the list can show. */
  reviewFilterOptions(): Promise<{ tellers: string[]; kiosks: string[]; products: string[] }>;
  /** Appends a decision (the table refuses updates and deletes). */
  addDecision(decision: Omit<ReviewDecisionRecord, 'id'>): Promise<ReviewDecisionRecord>;
  /** A session's decisions, oldest first: the last one is its review status. */
  decisionsFor(sessionId: string): Promise<ReviewDecisionRecord[]>;
  receiptFor(sessionId: string): Promise<{ verificationCode: string; evidenceId: number; issuedAt: string } | undefined>;
  /** When retention removed the session's media and personal data; null while kept. */
  purgedAt(sessionId: string): Promise<string | null>;
}

export type ReviewDecisionKindRecord = 'approved' | 'rejected' | 'follow-up';

export interface ReviewDecisionRecord {
  id: number;
  sessionId: string;
  decision: ReviewDecisionKindRecord;
  comment: string;
  reviewer: string;
  decidedAt: string;
}

/**
 * What the reviewer's list asks storage for. Dates are already instants: `createdFrom`
 * inclusive, `createdBefore` exclusive. Null means "any".
 */
export interface ReviewListCriteria {
  createdFrom: string | null;
  createdBefore: string | null;
  tellerName: string | null;
  kioskName: string | null;
  outcome: string | null;
  riskLevel: string | null;
  productCode: string | null;
  reviewStatus: 'pending' | ReviewDecisionKindRecord | null;
  quality: 'passed' | 'failed' | 'pending' | null;
  sort: 'createdAt' | 'endedAt' | 'kioskName' | 'tellerName' | 'riskLevel' | 'reviewStatus';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** One session as the reviewer's list reads it; personal data still whole (the service masks it). */
export interface ReviewListRow {
  id: string;
  state: SessionState;
  createdAt: string;
  endedAt: string | null;
  kioskName: string;
  tellerName: string | null;
  customerName: string | null;
  documentNumber: string | null;
  outcome: string | null;
  riskLevel: string | null;
  productCode: string | null;
  /** Null until finalisation is done. */
  qualityPassed: boolean | null;
  failedChecks: string[];
  reviewStatus: 'pending' | ReviewDecisionKindRecord;
  purgedAt: string | null;
}

/** A session past its retention period that has not been purged yet (see sfu/src/retention). */
export interface ExpiredSessionRecord {
  sessionId: string;
  endedAt: string;
  /** The latest review decision; null while there is none. */
  latestDecision: 'approved' | 'rejected' | 'follow-up' | null;
  /** Where its finalisation stands; null when it never started. */
  finalisation: FinalisationState | null;
}

export interface RetentionRepository {
  /** Ended, unpurged sessions that ended before `cutoff`, oldest first. */
  listExpired(cutoff: string): Promise<ExpiredSessionRecord[]>;
  /**
   * In one transaction: removes the customer's identity, replaces the outcome note and the
   * given events' payloads with their redacted versions, and marks the session purged.
   */
  purgePersonalData(sessionId: string, purge: { at: string; redactedNote: string; redactedEvents: Array<{ id: number; payload: unknown }> }): Promise<void>;
}

/** Which table describes a stored file, and the audit subject it goes by. */
export type StoredFileKind = 'recording' | 'playback' | 'evidence';

/** A stored file as the table describing it holds it (the size and SHA-256 of the bytes on disk). */
export interface StoredFileRecord {
  kind: StoredFileKind;
  id: number;
  sessionId: string;
  path: string;
  sizeBytes: number | null;
  sha256: string | null;
}

/** Every stored file across recordings, playable media and evidence (for `npm run data:encrypt`). */
export interface StoredFileRepository {
  /** Every file row with a hash (a recording that failed before it was sealed has none), in id order per kind. */
  listAll(): Promise<StoredFileRecord[]>;
  /** The file was rewritten (encrypted in place): its row takes the new size and hash. */
  updateStored(kind: StoredFileKind, id: number, stored: { sizeBytes: number; sha256: string }): Promise<void>;
}
