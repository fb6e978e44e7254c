/**
 * The life of a session: a kiosk asks for a teller and waits in the queue, a teller
 * accepts, the call runs in a Room while it is recorded, and either side ends it. Every
 * step is stored as an event, timed against the start of the recording.
 */
import type { types } from 'mediasoup';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hashUploadToken, type EvidenceService } from '../evidence/evidence.service.ts';
import type { ReceiptService } from '../receipt/receipt.service.ts';
import type { CustomerIdentityService } from '../customers/customer-identity.service.ts';
import { maskName } from '@vtm/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  EndReason,
  Language,
  QueueEntry,
  QueuePosition,
  RequestData,
  ResponseData,
  Role,
  TellerWorkflowView,
  RtpCapabilities,
  CustomerIdentity,
  FieldCheck,
  Service,
  SessionOutcome,
  TellerPresence,
  VideoCodec,
} from '@vtm/shared';
import { HandlingTimeAverage, estimateWaitSeconds } from './queue-estimate.ts';
import { SessionWorkflow } from '../workflow/session-workflow.ts';
import { Room, type RtcListenConfig } from '../call/room.ts';
import type { Peer } from '../call/peer.ts';
import { MediaFlow, PartyLink, type LinkSource } from '../call/party-link.ts';
import { GraceTimers } from './grace-timers.ts';
import { RequestError, notAllowed, notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { chooseVideoCodec } from '../media/choose-video-codec.ts';
import type { WorkerPool } from '../media/worker-pool.ts';
import type { RecordingService } from '../recording/recording.service.ts';
import type { SessionRecorder } from '../recording/session-recorder.ts';
import type { Repositories } from '../storage/repositories.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR, jsonSha256, kioskActor, userActor, type Actor } from '../audit/audit-entry.ts';

/** How long the recorder may take to close its file before the other party is told. */
const RECORDER_HEAD_START_MS = 400;
/** How often the media of each party in a call is looked at (RTP arriving or not). */
const MEDIA_WATCH_INTERVAL_MS = 1000;

/** How long a party whose connection dropped (no close frame) may take to rejoin. */
export interface ReconnectGrace {
  /** The kiosk: its session waits this long, then ends. */
  kioskGraceMs: number;
  /** The teller: after this, the customer goes back to the head of the queue. */
  tellerGraceMs: number;
}

const DEFAULT_GRACE: ReconnectGrace = { kioskGraceMs: 30_000, tellerGraceMs: 2000 };

interface LiveCall {
  room: Room;
  recorder: SessionRecorder;
  workflow: SessionWorkflow;
  acceptedAt: Date;
  /** Time zero for event offsets: when the first recording segment started. */
  recordingStartedAt: Date | null;
  /** The customer's queue entry, to put back at the head of the queue if the teller is lost. */
  entry: QueueEntry;
  /** Set while the session is back in the queue after its teller was lost. */
  requeued: { at: Date; previousTeller: string } | null;
}

export class SessionService {
  readonly #repos: Repositories;
  readonly #audit: AuditLog;
  readonly #workers: WorkerPool;
  readonly #recording: RecordingService;
  readonly #listen: RtcListenConfig;
  readonly #logger: Logger;
  readonly #tellers = new Set<Peer>();
  /** Sessions a customer has started at a kiosk but not yet queued (consent, documents). */
  readonly #drafts = new Map<
    string,
    { kiosk: Peer; language: Language; consented: boolean; documentKind: QueueEntry['documentKind'] }
  >();
  readonly #waiting = new Map<string, { kiosk: Peer; entry: QueueEntry }>();
  readonly #handlingTime = new HandlingTimeAverage();
  #evidence: EvidenceService | null = null;
  #receipts: ReceiptService | null = null;
  #customers: CustomerIdentityService | null = null;

  /** Evidence, receipts and identities are kept by services that themselves record on sessions' timelines. */
  useEvidence(evidence: EvidenceService, receipts: ReceiptService, customers: CustomerIdentityService): void {
    this.#evidence = evidence;
    this.#receipts = receipts;
    this.#customers = customers;
  }

  /** The customer's confirmed identity document, after consent and before the queue. */
  async identifyCustomer(kiosk: Peer, identity: CustomerIdentity): Promise<FieldCheck[]> {
    const draft = this.#draftOf(kiosk);
    if (!draft.consented) throw notAllowed('the customer has not consented to recording');
    const sessionId = kiosk.sessionId!;
    const checks = await this.#customers!.record(sessionId, identity);
    draft.documentKind = identity.document.kind;
    await this.recordEvent(
      sessionId,
      'identity.captured',
      {
        documentKind: identity.document.kind,
        correctedByCustomer: identity.customerCorrections.map((c) => c.field),
        correctedAutomatically: identity.automaticCorrections.map((c) => c.field),
        checks: { pass: checks.filter((c) => c.status === 'pass').length, fail: checks.filter((c) => c.status === 'fail').length },
      },
      { actor: actorOf(kiosk) },
    );
    return checks;
  }

  /** The customer's full identity for the teller in the call: a view of personal data, audited. */
  async customerDetails(teller: Peer) {
    const workflow = this.workflowOf(teller, 'teller');
    const details = await this.#customers!.details(workflow.sessionId);
    await this.#audit.record({
      actor: actorOf(teller),
      action: 'customer-identity.viewed',
      sessionId: workflow.sessionId,
      subject: `session:${workflow.sessionId}`,
    });
    return details;
  }
  readonly #calls = new Map<string, LiveCall>();
  /** Kiosks of sessions a teller is taking: out of the queue, not yet in a call. */
  readonly #accepting = new Map<string, Peer>();
  /** Sessions being ended, so that both sides hanging up at once end it once. */
  readonly #ending = new Map<string, Promise<void>>();
  /** The enrolled kiosk that opened each open session: only it may rejoin, and revoking it ends the session. */
  readonly #sessionKiosks = new Map<string, number>();
  /** Told of each session once it has ended and its recording is sealed (finalisation). */
  #afterEnd: ((sessionId: string) => void) | null = null;

  afterEnd(listener: (sessionId: string) => void): void {
    this.#afterEnd = listener;
  }

  readonly #grace: ReconnectGrace;
  /** Parties whose connection dropped: the timer that gives up on each. */
  readonly #graceTimers: GraceTimers;
  /** Whether each party of each session is reachable (signaling and media). */
  readonly #links = new Map<string, Map<Role, PartyLink>>();
  /** RTP arriving from each party in a call, by `${sessionId}/${role}`. */
  readonly #flows = new Map<string, { peer: Peer; flow: MediaFlow }>();
  readonly #mediaWatch: NodeJS.Timeout;
  #watching = false;

  constructor(init: {
    repos: Repositories;
    audit: AuditLog;
    workers: WorkerPool;
    recording: RecordingService;
    listen: RtcListenConfig;
    logger: Logger;
    reconnect?: ReconnectGrace;
  }) {
    this.#grace = init.reconnect ?? DEFAULT_GRACE;
    this.#graceTimers = new GraceTimers((error, sessionId, role) =>
      this.#logger.error({ err: error, sessionId, role }, 'ending after a lost connection failed'),
    );
    this.#mediaWatch = setInterval(() => void this.#watchMedia(), MEDIA_WATCH_INTERVAL_MS);
    this.#mediaWatch.unref();
    this.#repos = init.repos;
    this.#audit = init.audit;
    this.#workers = init.workers;
    this.#recording = init.recording;
    this.#listen = init.listen;
    this.#logger = init.logger.child({ component: 'sessions' });
    this.#workers.on('worker-replaced', this.#onWorkerReplaced);
  }

  readonly #onWorkerReplaced = () => void this.#moveCallsOffDeadRouters();

  get liveCallCount(): number {
    return this.#calls.size;
  }

  /** The call's room, for media requests; refuses peers that are not in a call. */
  roomOf(peer: Peer): Room {
    const call = peer.sessionId ? this.#calls.get(peer.sessionId) : undefined;
    if (!call) throw notAllowed('not in a call');
    return call.room;
  }

  /** The regulated steps of the peer's call; only the given role may call this. */
  workflowOf(peer: Peer, role: Role): SessionWorkflow {
    if (peer.role !== role) throw notAllowed(`only the ${role} may do this`);
    const call = peer.sessionId ? this.#calls.get(peer.sessionId) : undefined;
    if (!call) throw notAllowed('not in a call');
    return call.workflow;
  }

  /** The teller closes the session with its outcome; the call ends. */
  async complete(teller: Peer, outcome: SessionOutcome, note: string): Promise<void> {
    const workflow = this.workflowOf(teller, 'teller');
    if (outcome === 'completed' && !workflow.signed) throw notAllowed('a session is completed only once the customer has signed');
    await this.#repos.assessments.recordOutcome(workflow.sessionId, outcome, note);
    await this.recordEvent(workflow.sessionId, 'session.outcome', { outcome, note, teller: teller.name }, { actor: actorOf(teller) });
    const sale = workflow.signedSale;
    if (outcome === 'completed' && sale) {
      const kiosk = this.#calls.get(workflow.sessionId)?.room.peer('kiosk');
      const { verificationCode, evidenceId } = await this.#receipts!.issue({
        sessionId: workflow.sessionId,
        kioskName: kiosk?.name ?? 'kiosk',
        tellerId: teller.name,
        level: sale.level.level,
        product: sale.product,
        documentHash: sale.documentHash,
        customerName: maskName((await this.#customers!.details(workflow.sessionId)).identity?.name ?? '客户'),
      });
      await this.recordEvent(workflow.sessionId, 'receipt.issued', { verificationCode, evidenceId });
      kiosk?.notify('receipt.ready', { verificationCode, receiptUrl: `/api/sessions/${workflow.sessionId}/receipt` });
    }
    await this.end(workflow.sessionId, 'completed', 'teller');
  }

  addTeller(teller: Peer): void {
    this.#tellers.add(teller);
    teller.notify('queue.updated', { entries: this.queue() });
  }

  /** A teller in a call stays busy until it ends, whatever they ask. */
  setPresence(teller: Peer, presence: TellerPresence): TellerPresence {
    if (!teller.sessionId) teller.presence = presence;
    return teller.presence;
  }

  queue(): QueueEntry[] {
    return [...this.#waiting.values()].map((w) => w.entry);
  }

  /** The customer chose a service: a draft session, not yet in the queue. */
  async create(
    kiosk: Peer,
    request: { language: Language; service: Service; rtpCapabilities: RtpCapabilities },
  ): Promise<{ sessionId: string; uploadToken: string }> {
    if (kiosk.sessionId) throw notAllowed('this kiosk already has a session');
    const { language, service } = request;
    kiosk.rtpCapabilities = request.rtpCapabilities;
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    await this.#repos.sessions.create({ id, kioskName: kiosk.name, language, createdAt });
    await this.#repos.participants.add({ sessionId: id, role: 'kiosk', displayName: kiosk.name, joinedAt: createdAt });
    const uploadToken = randomBytes(24).toString('base64url');
    await this.#repos.sessions.setKioskTokenHash(id, hashUploadToken(uploadToken));
    kiosk.sessionId = id;
    if (kiosk.kioskId !== null) this.#sessionKiosks.set(id, kiosk.kioskId);
    this.#drafts.set(id, { kiosk, language, consented: false, documentKind: null });
    await this.recordEvent(id, 'session.created', { kioskName: kiosk.name, language, service }, { actor: actorOf(kiosk) });
    return { sessionId: id, uploadToken };
  }

  /** Consent to recording comes before anything else; declining ends the session. */
  async recordConsent(kiosk: Peer, accepted: boolean, consentVersion: string): Promise<void> {
    const draft = this.#draftOf(kiosk);
    if (draft.consented) throw notAllowed('consent was already given');
    await this.recordEvent(kiosk.sessionId!, accepted ? 'consent.given' : 'consent.declined', { consentVersion }, { actor: actorOf(kiosk) });
    if (accepted) draft.consented = true;
    else await this.end(kiosk.sessionId!, 'consent-declined', 'kiosk');
  }

  /** The customer joins the queue for a teller. */
  async queueForTeller(kiosk: Peer): Promise<QueuePosition> {
    const draft = this.#draftOf(kiosk);
    if (!draft.consented) throw notAllowed('the customer has not consented to recording');
    // The only service sold here needs a known customer: no teller's time goes to an anonymous call.
    if (draft.documentKind === null) throw notAllowed('the customer has not been identified');
    const id = kiosk.sessionId!;
    const at = new Date().toISOString();
    if (!(await this.#repos.sessions.queue(id, at))) throw new RequestError('conflict', 'this session is not a draft');
    this.#drafts.delete(id);
    this.#waiting.set(id, {
      kiosk,
      entry: {
        sessionId: id,
        kioskName: kiosk.name,
        kioskLocation: kiosk.location,
        language: draft.language,
        documentKind: draft.documentKind,
        waitingSince: at,
      },
    });
    await this.recordEvent(id, 'session.queued', {}, { actor: actorOf(kiosk) });
    this.#broadcastQueue();
    return this.#queuePosition(id)!;
  }

  /** The customer walked away before a teller took the call. */
  async abandon(kiosk: Peer): Promise<void> {
    if (!kiosk.sessionId) throw notAllowed('not in a session');
    if (this.#calls.has(kiosk.sessionId)) throw notAllowed('a call in progress is ended by hanging up');
    await this.end(kiosk.sessionId, 'abandoned', 'kiosk');
  }

  #draftOf(kiosk: Peer) {
    const draft = kiosk.sessionId ? this.#drafts.get(kiosk.sessionId) : undefined;
    if (!draft || draft.kiosk !== kiosk) throw notAllowed('no session being prepared at this kiosk');
    return draft;
  }

  #queuePosition(sessionId: string): QueuePosition | null {
    const index = [...this.#waiting.keys()].indexOf(sessionId);
    if (index < 0) return null;
    const tellersTakingCalls = [...this.#tellers].filter((t) => t.presence !== 'away').length;
    return {
      position: index + 1,
      estimatedWaitSeconds: estimateWaitSeconds({ position: index + 1, tellersTakingCalls, averageHandlingSeconds: this.#handlingTime.seconds }),
    };
  }

  async accept(
    teller: Peer,
    request: { sessionId: string; rtpCapabilities: RtpCapabilities },
  ): Promise<{ videoCodec: VideoCodec; resumed: TellerWorkflowView | null }> {
    if (teller.sessionId) throw notAllowed('finish the current call first');
    if (teller.presence !== 'available') throw notAllowed('set yourself available to take calls');
    const { sessionId } = request;
    const waiting = this.#waiting.get(sessionId);
    if (!waiting) {
      const known = await this.#repos.sessions.get(sessionId);
      throw known ? new RequestError('conflict', 'this customer has already been taken') : notFound('session');
    }
    const live = this.#calls.get(sessionId);
    if (live) return this.#resume(teller, live, request.rtpCapabilities);
    teller.rtpCapabilities = request.rtpCapabilities;
    const videoCodec = chooseVideoCodec(waiting.kiosk.rtpCapabilities, teller.rtpCapabilities);
    const at = new Date().toISOString();
    // Claim the session in memory before the first await: a second accept sees it gone,
    // and an ending in the meantime (the kiosk left or was revoked) still finds the kiosk.
    this.#waiting.delete(sessionId);
    this.#accepting.set(sessionId, waiting.kiosk);
    let router: types.Router;
    try {
      const won = await this.#repos.sessions.accept(sessionId, { tellerName: teller.name, videoCodec, at });
      if (!won) throw new RequestError('conflict', 'this customer has already been taken');
      this.#broadcastQueue();
      router = await this.#workers.createRouter();
    } finally {
      this.#accepting.delete(sessionId);
    }
    if (waiting.kiosk.sessionId !== sessionId) {
      // The kiosk left while the call was being set up.
      router.close();
      throw new RequestError('conflict', 'the customer has left');
    }
    teller.sessionId = sessionId;
    teller.presence = 'busy';
    const room = new Room({ sessionId, router, videoCodec, listen: this.#listen });
    room.join(waiting.kiosk);
    room.join(teller);
    const recorder = this.#recording.recorderFor(room);
    const workflow = new SessionWorkflow(sessionId, {
      repos: this.#repos,
      evidence: (evidenceId, kind) => this.#evidence!.require(sessionId, evidenceId, kind),
      customer: () => this.#customers!.details(sessionId),
      record: (type, payload) => this.recordEvent(sessionId, type, payload),
      notify: (role, name, data) => room.peer(role)?.notify(name, data),
    });
    const call: LiveCall = { room, recorder, workflow, acceptedAt: new Date(at), recordingStartedAt: null, entry: waiting.entry, requeued: null };
    this.#calls.set(sessionId, call);
    this.#followRecorder(sessionId, call);
    room.on('connected', () => void this.recordEvent(sessionId, 'call.connected', { videoCodec }));
    await this.#repos.participants.add({ sessionId, role: 'teller', displayName: teller.name, joinedAt: at });
    await this.recordEvent(sessionId, 'session.accepted', { tellerName: teller.name, videoCodec }, { actor: actorOf(teller) });
    await recorder.start();
    // The session ended while the recorder started: #end has told both parties already.
    if (this.#calls.get(sessionId) !== call) throw new RequestError('conflict', 'the customer has left');
    waiting.kiosk.notify('session.accepted', { sessionId, tellerName: teller.name, videoCodec });
    return { videoCodec, resumed: null };
  }

  /**
   * A teller takes over a session whose teller was lost: the call, its recording and its
   * workflow go on; the kiosk's media never stopped. The new teller starts from where the
   * steps stand.
   */
  async #resume(teller: Peer, call: LiveCall, rtpCapabilities: RtpCapabilities): Promise<{ videoCodec: VideoCodec; resumed: TellerWorkflowView }> {
    const sessionId = call.room.sessionId;
    const videoCodec = call.room.videoCodec;
    teller.rtpCapabilities = rtpCapabilities;
    const at = new Date();
    this.#waiting.delete(sessionId);
    const won = await this.#repos.sessions.accept(sessionId, { tellerName: teller.name, videoCodec, at: at.toISOString() });
    if (!won) throw new RequestError('conflict', 'this customer has already been taken');
    this.#broadcastQueue();
    const kiosk = call.room.peer('kiosk');
    if (call.room.closed || !kiosk || kiosk.sessionId !== sessionId) throw new RequestError('conflict', 'the customer has left');
    teller.sessionId = sessionId;
    teller.presence = 'busy';
    call.room.join(teller);
    const requeued = call.requeued;
    call.requeued = null;
    await this.#repos.participants.add({ sessionId, role: 'teller', displayName: teller.name, joinedAt: at.toISOString() });
    await this.recordEvent(
      sessionId,
      'session.resumed',
      { tellerName: teller.name, previousTeller: requeued?.previousTeller ?? null, waitedMs: requeued ? at.getTime() - requeued.at.getTime() : null },
      { at, actor: actorOf(teller) },
    );
    call.room.peer('kiosk')?.notify('session.accepted', { sessionId, tellerName: teller.name, videoCodec, resumed: true });
    this.#logger.info({ sessionId, teller: teller.name }, 'session resumed by a new teller');
    return { videoCodec, resumed: call.workflow.tellerView() };
  }

  /**
   * A party whose connection dropped comes back on a new one and takes its place in the
   * session again. The kiosk proves it is the session's own with its session token; the
   * teller is the signed-in user who has the call. The old connection's media is closed:
   * the party sets up new transports.
   */
  async rejoin(peer: Peer, request: RequestData<'session.rejoin'>): Promise<ResponseData<'session.rejoin'>> {
    if (peer.sessionId) throw notAllowed('this connection already has a session');
    const { sessionId } = request;
    if (!this.#isOpen(sessionId)) throw notFound('session');
    if (peer.role === 'kiosk') {
      if (this.#sessionKiosks.get(sessionId) !== (peer.kioskId ?? undefined)) throw notAllowed("this is not the session's kiosk");
      const expected = await this.#repos.sessions.kioskTokenHash(sessionId);
      const given = Buffer.from(hashUploadToken(request.token));
      if (!expected || !request.token || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
        throw notAllowed("this is not the session's kiosk");
      }
    } else if (this.#calls.get(sessionId)?.room.peer('teller')?.name !== peer.name) {
      throw notAllowed("this is not the session's teller");
    }
    // The session may have ended while the token was checked.
    if (!this.#isOpen(sessionId)) throw notFound('session');
    const call = this.#calls.get(sessionId);
    const waiting = this.#waiting.get(sessionId);
    const draft = this.#drafts.get(sessionId);
    const old = this.#currentPeer(sessionId, peer.role);
    this.#clearGrace(sessionId, peer.role);
    peer.rtpCapabilities = request.rtpCapabilities;
    peer.sessionId = sessionId;
    if (old && old !== peer) {
      peer.location = old.location;
      peer.presence = old.presence;
      old.sessionId = null;
    }
    if (draft) draft.kiosk = peer;
    if (waiting) waiting.kiosk = peer;
    if (call) {
      if (old) call.room.leave(old);
      call.room.join(peer);
    }
    old?.disconnect();
    // The server may not have noticed the old connection die before the new one came.
    this.#linkDown(sessionId, peer.role, 'signaling', new Date());
    this.#link(sessionId, peer.role).note('rejoin');
    this.#linkUp(sessionId, peer.role, 'signaling');
    this.#logger.info({ sessionId, role: peer.role }, 'party rejoined its session');
    return {
      state: draft ? 'draft' : waiting ? 'waiting' : 'in-call',
      media: call ? { videoCodec: call.room.videoCodec } : null,
      tellerName: call?.room.peer('teller')?.name ?? null,
      queuePosition: this.#queuePosition(sessionId),
      kioskView: call && peer.role === 'kiosk' ? call.workflow.kioskView() : null,
      tellerView: call && peer.role === 'teller' ? call.workflow.tellerView() : null,
    };
  }

  /** The party asked for an ICE restart of one of its transports (kept for the restored event). */
  noteIceRestart(peer: Peer): void {
    if (peer.sessionId && this.#isOpen(peer.sessionId)) this.#link(peer.sessionId, peer.role).note('ice-restart');
  }

  #isOpen(sessionId: string): boolean {
    return !this.#ending.has(sessionId) && (this.#calls.has(sessionId) || this.#waiting.has(sessionId) || this.#drafts.has(sessionId));
  }

  /** The peer that holds this role in the session now. */
  #currentPeer(sessionId: string, role: Role): Peer | undefined {
    const call = this.#calls.get(sessionId);
    if (call) return call.room.peer(role);
    if (role !== 'kiosk') return undefined;
    return this.#waiting.get(sessionId)?.kiosk ?? this.#drafts.get(sessionId)?.kiosk;
  }

  /** Either side ends the call; a customer leaving the queue cancels the session. */
  async hangup(peer: Peer): Promise<void> {
    if (!peer.sessionId) throw notAllowed('not in a session');
    await this.end(peer.sessionId, this.#calls.has(peer.sessionId) ? 'hung-up' : 'cancelled', peer.role);
  }

  /**
   * A signaling connection closed. A page that closed (its browser sent a close frame)
   * ends what it was doing: the kiosk's session ends; a teller's customer goes back to
   * the head of the queue at once. A connection that dropped without a close frame gets
   * a grace period to rejoin (session.rejoin) before the same happens.
   */
  async disconnected(peer: Peer, { clean }: { clean: boolean } = { clean: true }): Promise<void> {
    this.#tellers.delete(peer);
    const sessionId = peer.sessionId;
    // A peer replaced by its own rejoin no longer holds the session.
    if (!sessionId || this.#currentPeer(sessionId, peer.role) !== peer) return;
    const call = this.#calls.get(sessionId);
    if (peer.role === 'teller' && call) {
      if (clean || this.#grace.tellerGraceMs <= 0) return this.#tellerLost(sessionId, peer, clean ? 'closed' : 'dropped');
      this.#linkDown(sessionId, 'teller', 'signaling', new Date());
      this.#startGrace(sessionId, 'teller', this.#grace.tellerGraceMs, () => this.#tellerLost(sessionId, peer, 'dropped'));
      return;
    }
    const beforeCall = !call && (this.#waiting.has(sessionId) || this.#drafts.has(sessionId));
    if (peer.role === 'kiosk' && !clean && this.#grace.kioskGraceMs > 0) {
      const droppedAt = new Date();
      this.#linkDown(sessionId, 'kiosk', 'signaling', droppedAt);
      this.#startGrace(sessionId, 'kiosk', this.#grace.kioskGraceMs, async () => {
        if (this.#currentPeer(sessionId, 'kiosk') !== peer) return;
        await this.recordEvent(sessionId, 'connection.given-up', { party: 'kiosk', afterMs: Date.now() - droppedAt.getTime() });
        await this.end(sessionId, beforeCall ? 'cancelled' : 'peer-disconnected', 'kiosk');
      });
      return;
    }
    await this.end(sessionId, beforeCall ? 'cancelled' : 'peer-disconnected', peer.role);
  }

  /**
   * The teller is gone: the customer is told and goes back to the head of the queue, with
   * the call (the kiosk's media and the recording, as a new segment) and the workflow kept
   * for the teller who takes it next.
   */
  async #tellerLost(sessionId: string, teller: Peer, how: 'closed' | 'dropped'): Promise<void> {
    this.#clearGrace(sessionId, 'teller');
    const call = this.#calls.get(sessionId);
    if (!call || call.room.peer('teller') !== teller || this.#ending.has(sessionId)) return;
    const kiosk = call.room.peer('kiosk');
    const at = new Date();
    call.room.leave(teller);
    teller.sessionId = null;
    if (teller.presence === 'busy') teller.presence = 'available';
    this.#links.get(sessionId)?.delete('teller');
    this.#flows.delete(`${sessionId}/teller`);
    await this.#repos.participants.markLeft(sessionId, 'teller', at.toISOString());
    await this.recordEvent(sessionId, 'teller.lost', { teller: teller.name, how }, { at, actor: actorOf(teller) });
    if (!kiosk || !(await this.#repos.sessions.requeue(sessionId))) {
      await this.end(sessionId, 'peer-disconnected', 'teller');
      return;
    }
    call.requeued = { at, previousTeller: teller.name };
    // Back at the head of the queue, ahead of customers who have not been served yet.
    const others = [...this.#waiting];
    this.#waiting.clear();
    this.#waiting.set(sessionId, { kiosk, entry: { ...call.entry, interrupted: true } });
    for (const [id, waiting] of others) this.#waiting.set(id, waiting);
    const position = this.#queuePosition(sessionId)!;
    kiosk.notify('session.requeued', { sessionId, reason: 'teller-lost', position });
    this.#broadcastQueue();
    await this.recordEvent(sessionId, 'session.requeued', { reason: 'teller-lost', position: position.position, teller: teller.name });
    this.#logger.warn({ sessionId, teller: teller.name, how }, 'teller lost: session back at the head of the queue');
  }

  #startGrace(sessionId: string, role: Role, ms: number, onExpiry: () => Promise<void>): void {
    this.#graceTimers.start(sessionId, role, ms, onExpiry);
  }

  #clearGrace(sessionId: string, role: Role): void {
    this.#graceTimers.cancel(sessionId, role);
  }

  #link(sessionId: string, role: Role): PartyLink {
    let links = this.#links.get(sessionId);
    if (!links) this.#links.set(sessionId, (links = new Map()));
    let link = links.get(role);
    if (!link) links.set(role, (link = new PartyLink(role)));
    return link;
  }

  /** A source of a party's link went down: the first one puts the loss on the timeline and tells the other party. */
  #linkDown(sessionId: string, role: Role, source: LinkSource, at: Date): void {
    const lost = this.#link(sessionId, role).down(source, at);
    if (!lost) return;
    this.#logger.warn({ sessionId, party: role, via: source }, 'party connection lost');
    void this.recordEvent(sessionId, 'connection.lost', { party: role, via: source }, { at });
    this.#calls.get(sessionId)?.room.peer(role === 'kiosk' ? 'teller' : 'kiosk')?.notify('peer.connection', { role, state: 'reconnecting' });
  }

  #linkUp(sessionId: string, role: Role, source: LinkSource): void {
    const restored = this.#links.get(sessionId)?.get(role)?.up(source, new Date());
    if (!restored) return;
    this.#logger.info({ sessionId, party: role, downMs: restored.downMs, recoveredBy: restored.recoveredBy }, 'party connection restored');
    const { party, downMs, lostAt, via, recoveredBy } = restored;
    void this.recordEvent(sessionId, 'connection.restored', { party, downMs, lostAt: lostAt.toISOString(), via, recoveredBy }, { at: restored.at });
    const call = this.#calls.get(sessionId);
    call?.room.peer(role === 'kiosk' ? 'teller' : 'kiosk')?.notify('peer.connection', { role, state: 'connected' });
    // The recording's picture recovers at once rather than at the next periodic keyframe.
    call?.recorder.requestKeyFrames();
  }

  /** Looks at how much RTP each party of each call has sent since the last look. */
  async #watchMedia(): Promise<void> {
    if (this.#watching) return;
    this.#watching = true;
    try {
      for (const [sessionId, call] of this.#calls) {
        for (const peer of call.room.peers) {
          const transport = peer.sendTransport;
          if (!transport || transport.closed || peer.producers.length === 0 || peer.sessionId !== sessionId) continue;
          const key = `${sessionId}/${peer.role}`;
          let watched = this.#flows.get(key);
          if (!watched || watched.peer !== peer) {
            const stalled = this.#links.get(sessionId)?.get(peer.role)?.lost ?? false;
            watched = { peer, flow: new MediaFlow(1500, { stalled }) };
            this.#flows.set(key, watched);
          }
          const stats = await transport.getStats().catch(() => []);
          const bytes = stats[0]?.rtpBytesReceived;
          if (bytes === undefined) continue;
          const change = watched.flow.sample(bytes, Date.now());
          if (change?.state === 'stalled') this.#linkDown(sessionId, peer.role, 'media', new Date(change.sinceMs));
          else if (change?.state === 'flowing') this.#linkUp(sessionId, peer.role, 'media');
        }
      }
    } finally {
      this.#watching = false;
    }
  }

  /**
   * Ends a session: tells the other side at once, then stops and seals the recording
   * and releases every media object.
   */
  end(sessionId: string, reason: EndReason, by: Role | null): Promise<void> {
    const pending = this.#ending.get(sessionId);
    if (pending) return pending;
    const ending = this.#end(sessionId, reason, by)
      .then(() => this.#afterEnd?.(sessionId))
      .finally(() => {
        this.#ending.delete(sessionId);
        // Kept until now so that a revocation meanwhile waits for this ending too.
        this.#sessionKiosks.delete(sessionId);
      });
    this.#ending.set(sessionId, ending);
    return ending;
  }

  /**
   * The kiosk was revoked: each session it opened ends at once ('kiosk-revoked'; the
   * teller is told, the recording is sealed as usual). The ending is under way (its
   * parties detached) when this returns; `done` settles when it has finished, an ending
   * already under way for another reason included.
   */
  endForKiosk(kioskId: number): { sessions: string[]; done: Promise<void> } {
    const sessions = [...this.#sessionKiosks].filter(([, id]) => id === kioskId).map(([sessionId]) => sessionId);
    const done = Promise.all(sessions.map((sessionId) => this.end(sessionId, 'kiosk-revoked', null))).then(() => undefined);
    return { sessions, done };
  }

  /**
   * Sessions still waiting or active in the database when the server starts were cut off
   * by a crash: nobody is connected to them any more. Close them as interrupted; what
   * they recorded and stored stays as it is.
   */
  async closeInterrupted(): Promise<string[]> {
    const open = [
      ...(await this.#repos.sessions.listByState('draft')),
      ...(await this.#repos.sessions.listByState('waiting')),
      ...(await this.#repos.sessions.listByState('active')),
    ];
    const at = new Date();
    for (const session of open) {
      await this.#repos.sessions.end(session.id, { reason: 'interrupted', at: at.toISOString() });
      await this.recordEvent(session.id, 'session.interrupted', { previousState: session.state }, { at });
      for (const role of ['kiosk', 'teller'] as const) await this.#repos.participants.markLeft(session.id, role, at.toISOString());
    }
    return open.map((s) => s.id);
  }

  async shutdown(): Promise<void> {
    this.#workers.off('worker-replaced', this.#onWorkerReplaced);
    clearInterval(this.#mediaWatch);
    this.#graceTimers.cancelAll();
    const ids = [...this.#drafts.keys(), ...this.#waiting.keys(), ...this.#calls.keys()];
    await Promise.all(ids.map((id) => this.end(id, 'server-shutdown', null)));
  }

  /**
   * Puts a step on the session's timeline and in the audit trail. The trail keeps the
   * payload's hash, not the payload: payloads can hold a customer's data, which retention
   * removes, while audit entries are kept for ever.
   */
  async recordEvent(
    sessionId: string,
    type: string,
    payload: unknown = {},
    { at = new Date(), actor = SYSTEM_ACTOR }: { at?: Date; actor?: Actor } = {},
  ): Promise<void> {
    const started = this.#calls.get(sessionId)?.recordingStartedAt;
    const event = { sessionId, type, at: at.toISOString(), offsetMs: started ? at.getTime() - started.getTime() : null, payload };
    const eventId = await this.#repos.events.append(event);
    await this.#audit.record({
      actor,
      action: 'session.event',
      sessionId,
      subject: type,
      details: { eventId, at: event.at, offsetMs: event.offsetMs, payloadSha256: await jsonSha256(payload) },
    });
  }

  async #end(sessionId: string, reason: EndReason, by: Role | null): Promise<void> {
    const at = new Date();
    const waiting = this.#waiting.get(sessionId);
    const draft = this.#drafts.get(sessionId);
    const call = this.#calls.get(sessionId);
    const accepting = this.#accepting.get(sessionId);
    const peers = call ? call.room.peers : waiting ? [waiting.kiosk] : draft ? [draft.kiosk] : accepting ? [accepting] : [];
    this.#drafts.delete(sessionId);
    for (const role of ['kiosk', 'teller'] as const) {
      this.#clearGrace(sessionId, role);
      this.#flows.delete(`${sessionId}/${role}`);
    }
    this.#links.delete(sessionId);
    if (call?.acceptedAt) this.#handlingTime.add((at.getTime() - call.acceptedAt.getTime()) / 1000);
    for (const peer of peers) {
      peer.sessionId = null;
      if (peer.presence === 'busy') peer.presence = 'available';
    }
    // ffmpeg finishes a file only while packets still arrive: start stopping the
    // recorder before the parties are told (and stop sending), but tell them promptly.
    const recordingStopped = call?.recorder.stop();
    if (recordingStopped) await Promise.race([recordingStopped.catch(() => {}), sleep(RECORDER_HEAD_START_MS)]);
    for (const peer of peers) if (peer.role !== by) peer.notify('session.ended', { sessionId, reason, by });
    if (waiting) {
      this.#waiting.delete(sessionId);
      this.#broadcastQueue();
    }
    const ended = await this.#repos.sessions.end(sessionId, { reason, at: at.toISOString() });
    if (ended || call) {
      const ender = peers.find((p) => p.role === by);
      await this.recordEvent(sessionId, 'session.ended', { reason, by }, { at, actor: ender ? actorOf(ender) : SYSTEM_ACTOR });
      for (const role of ['kiosk', 'teller'] as const) await this.#repos.participants.markLeft(sessionId, role, at.toISOString());
    }
    if (!call) return;
    try {
      await recordingStopped;
    } finally {
      call.room.close();
      this.#calls.delete(sessionId);
    }
    this.#logger.info({ sessionId, reason, by }, 'session ended');
  }

  #followRecorder(sessionId: string, call: LiveCall): void {
    const notifyAll = (state: 'starting' | 'recording' | 'stopped' | 'failed') => {
      for (const peer of call.room.peers) {
        peer.notify('recording.state', { state, startedAt: call.recordingStartedAt?.toISOString() ?? null });
      }
    };
    call.recorder.on('segment-started', ({ segment, startedAt, tracks }) => {
      call.recordingStartedAt ??= startedAt;
      void this.recordEvent(sessionId, 'recording.started', { segment, tracks }, { at: startedAt });
      notifyAll('starting');
    });
    // The indicator says "recording" only once ffmpeg is writing the file.
    call.recorder.on('segment-writing', ({ segment }) => {
      void this.recordEvent(sessionId, 'recording.writing', { segment });
      notifyAll('recording');
    });
    call.recorder.on('segment-sealed', ({ segment, endedAt, durationMs, sha256, interrupted }) => {
      void this.recordEvent(sessionId, interrupted ? 'recording.interrupted' : 'recording.sealed', { segment, durationMs, sha256 }, { at: endedAt });
    });
    call.recorder.on('segment-failed', ({ segment, error }) => {
      void this.recordEvent(sessionId, 'recording.failed', { segment, error });
      notifyAll('failed');
    });
    // The recorder's ffmpeg died and a new segment took over: the hole goes on the timeline.
    call.recorder.on('segment-gap', ({ afterSegment, segment, from, until, gapMs, restartMs }) => {
      void this.recordEvent(
        sessionId,
        'recording.gap',
        { afterSegment, segment, from: from.toISOString(), until: until.toISOString(), gapMs, restartMs, cause: 'recorder-died' },
        { at: from },
      );
    });
  }

  #broadcastQueue(): void {
    const entries = this.queue();
    for (const teller of this.#tellers) teller.notify('queue.updated', { entries });
    for (const [sessionId, { kiosk }] of this.#waiting) kiosk.notify('queue.position', this.#queuePosition(sessionId)!);
  }

  /** A worker died: move its calls to fresh routers and have both sides set up media again. */
  async #moveCallsOffDeadRouters(): Promise<void> {
    for (const [sessionId, call] of this.#calls) {
      if (!call.room.router.closed) continue;
      try {
        call.room.replaceRouter(await this.#workers.createRouter());
        await this.recordEvent(sessionId, 'media.reset', { reason: 'worker-died' });
        for (const peer of call.room.peers) peer.notify('media.reset', { sessionId });
      } catch (error) {
        this.#logger.error({ err: error, sessionId }, 'could not move a call to a new worker');
        await this.end(sessionId, 'media-failure', null);
      }
    }
  }
}

/** Who a connected peer is in the audit trail. */
function actorOf(peer: Peer): Actor {
  return peer.role === 'teller' ? userActor(peer.name) : kioskActor(peer.name);
}
