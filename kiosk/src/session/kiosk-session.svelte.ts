/**
 * The kiosk's side of one customer visit, as reactive state the screens read:
 * attract → service → recording consent → ID capture → confirm the fields → queue → in call
 * → ended → back to the start. Outside a call, a customer who walks away is noticed and
 * every trace of them wiped.
 */
import { CallParty, receiveCapabilities, SignalingRequestError, type RejoinReply } from '@vtm/shared/browser';
import {
  KIOSK_UPLOAD_TOKEN_HEADER,
  KIOSK_CREDENTIAL_STORAGE_KEY,
  type EnrolledKiosk,
  acknowledgementMatchScore,
  type AssessmentResult,
  type KioskConfig,
  type KioskUploadKind,
  type NotificationData,
  type QueuePosition,
  type Role,
  type Service,
  type Strokes,
  type SuitabilityResult,
  type UploadedEvidence,
} from '@vtm/shared';
import { handwritingRecognizer } from '../ocr/tesseract-browser.ts';
import { recogniseHandwriting, tesseractRecognizer } from '../signing/handwriting-recognition.ts';
import type { ConfirmedHandwriting } from '../signing/types.ts';
import { kioskDocumentReader, type ReaderStatus } from '../ocr/browser-recognizer.ts';
import {
  chooseDocument,
  INITIAL_FLOW,
  keepRejected,
  readingDone,
  readingFailed,
  recapture,
  retry,
  startReading,
  type DocumentChoice,
  type IdFlow,
} from '../id-capture/capture-flow.ts';
import { buildIdentity, type EvidenceIds, type FieldValues } from '../id-capture/document-fields.ts';
import type { CapturedFrame } from '../id-capture/frame-grabber.ts';
import type { Locale } from '../i18n/messages.ts';
import { IdleWatcher } from './idle-watcher.ts';

export type KioskScreen =
  /** Not enrolled (no credential, or the server refused it): staff type the enrollment code. */
  | 'enroll'
  | 'connecting'
  | 'attract'
  | 'consent'
  | 'declined'
  | 'id-capture'
  | 'confirm-id'
  | 'waiting'
  | 'in-call'
  | 'ended'
  | 'error';

/** Times of the kiosk's document reading (no personal data), for `window.vtm.ocr`. */
export interface OcrTimings {
  status: ReaderStatus;
  /** From kiosk start to every OCR engine loaded and warm, ms. */
  readyMs: number | null;
  /** Load and warm-up time per engine, ms. */
  engineLoadMs: Record<string, number>;
  /** The latest readings: document kind and time to read, ms. */
  reads: { kind: string; ms: number }[];
}

/** Why the enrollment screen shows: the kept credential was refused (revoked), or a typed code was. */
export type EnrollError = 'enrollRevoked' | 'enrollWrongCode' | 'enrollTooMany' | 'enrollFailed';

export class KioskSession {
  screen = $state<KioskScreen>('connecting');
  locale = $state<Locale>('zh-CN');
  sessionId = $state<string | null>(null);
  tellerName = $state('');
  endedBy = $state<Role | null>(null);
  errorKey = $state<'cameraError' | 'connectionLost' | null>(null);
  /** Why the enrollment screen shows: the server refused the kept credential (revoked), or a code was refused. */
  enrollError = $state<EnrollError | null>(null);
  enrolling = $state(false);
  /** The question the teller has put on screen, and whether its answer has gone out. */
  question = $state<NotificationData<'question.shown'> | null>(null);
  answerSent = $state(false);
  identity = $state<boolean | null>(null);
  assessment = $state<AssessmentResult | null>(null);
  suitability = $state<SuitabilityResult | null>(null);
  queuePosition = $state<QueuePosition | null>(null);
  disclosure = $state<NotificationData<'disclosure.shown'> | null>(null);
  disclosureConfirmed = $state(false);
  acknowledgement = $state<(NotificationData<'acknowledgement.requested'> & { state: 'writing' | 'submitted' | 'accepted' }) | null>(null);
  signature = $state<(NotificationData<'signature.requested'> & { submitted: boolean }) | null>(null);
  receipt = $state<NotificationData<'receipt.ready'> | null>(null);
  /** The teller was lost mid-session: the customer waits for the next one, who resumes it. */
  tellerLost = $state(false);
  largeText = $state(false);
  /** Seconds left before an idle kiosk wipes the customer's data; null when not counting. */
  idleSecondsLeft = $state<number | null>(null);
  /** The ID steps: document choice, captured sides and their readings (immutable updates). */
  idFlow = $state.raw<IdFlow>(INITIAL_FLOW);
  /** Why the server refused the confirmed identity, or null. */
  identifyError = $state<'identifyRefused' | 'identifyFailed' | null>(null);
  identifySending = $state(false);
  ocr = $state<OcrTimings>({ status: 'idle', readyMs: null, engineLoadMs: {}, reads: [] });
  readonly party: CallParty;
  #config: KioskConfig = { idleTimeoutSeconds: 90, idleCountdownSeconds: 15, consentVersion: 'unknown' };
  #idle: IdleWatcher | null = null;
  #uploadToken: string | null = null;
  /** Kept past the end of the session, until the next customer, to fetch the receipt. */
  #receiptToken: string | null = null;
  /** Changes whenever the customer's data is wiped: work started for an earlier visit is dropped. */
  #visit = 0;
  /** Evidence ids of captured images already uploaded (a refused identity is confirmed again without re-uploading). */
  #uploadedImages = new WeakMap<Blob, number>();

  constructor(kioskName: string) {
    this.party = new CallParty('kiosk', kioskName);
  }

  /** Every touch on the screen: the customer is still there. */
  touched(): void {
    this.idleSecondsLeft = null;
    this.#idle?.touch();
  }

  /**
   * Starts the kiosk: with the credential it was given at enrollment (kept in localStorage,
   * which the idle wipe leaves alone), connect; without one, show the enrollment screen.
   */
  async start(): Promise<void> {
    const credential = localStorage.getItem(KIOSK_CREDENTIAL_STORAGE_KEY);
    if (!credential) {
      this.screen = 'enroll';
      return;
    }
    this.party.credential = credential;
    await this.connect().catch(() => this.#connectionLost());
  }

  /** Staff typed the enrollment code: redeem it for the credential, keep it, connect. */
  async enroll(code: string): Promise<void> {
    if (this.enrolling) return;
    this.enrolling = true;
    try {
      const response = await fetch('/api/kiosks/enroll', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      if (!response.ok) {
        this.enrollError = response.status === 401 ? 'enrollWrongCode' : response.status === 429 ? 'enrollTooMany' : 'enrollFailed';
        return;
      }
      const enrolled = (await response.json()) as EnrolledKiosk;
      localStorage.setItem(KIOSK_CREDENTIAL_STORAGE_KEY, enrolled.credential);
      this.enrollError = null;
      this.party.credential = enrolled.credential;
    } catch {
      this.enrollError = 'enrollFailed';
      return;
    } finally {
      this.enrolling = false;
    }
    // Enrolled: from here on a failure is the connection's, shown as on any start.
    await this.connect().catch(() => this.#connectionLost());
  }

  /** The kiosk could not reach the server: say so (staff reload it). */
  #connectionLost(): void {
    this.errorKey = 'connectionLost';
    this.screen = 'error';
  }

  /** The server refused this kiosk's credential (revoked): forget it and ask to be enrolled again. */
  #credentialRefused(): void {
    this.#idle?.stop();
    this.idleSecondsLeft = null;
    this.party.stopMedia();
    this.reset();
    localStorage.removeItem(KIOSK_CREDENTIAL_STORAGE_KEY);
    this.party.credential = '';
    this.enrollError = 'enrollRevoked';
    this.screen = 'enroll';
  }

  async connect(): Promise<void> {
    this.screen = 'connecting';
    // The OCR engines load in their own workers while the kiosk waits for its first customer.
    void this.#warmDocumentReader();
    this.#config = (await (await fetch('/api/kiosk/config')).json()) as KioskConfig;
    this.#idle = new IdleWatcher({
      idleMs: this.#config.idleTimeoutSeconds * 1000,
      countdownMs: this.#config.idleCountdownSeconds * 1000,
      onCountdown: (seconds) => (this.idleSecondsLeft = seconds),
      onExpired: () => void this.#walkedAway(),
    });
    let signaling;
    try {
      ({ signaling } = await this.party.connect());
    } catch (error) {
      if (error instanceof SignalingRequestError && error.code === 'unauthenticated') return this.#credentialRefused();
      throw error;
    }
    signaling.on('queue.position', (position) => (this.queuePosition = position));
    signaling.on('session.accepted', (data) => void this.#onAccepted(data));
    signaling.on('session.requeued', ({ position }) => {
      // The camera stays on and keeps sending (it is recorded); the next teller resumes.
      this.tellerLost = true;
      this.tellerName = '';
      this.queuePosition = position;
      this.screen = 'waiting';
    });
    signaling.on('session.ended', ({ by }) => this.#finish(by));
    signaling.on('identity.recorded', ({ verified }) => (this.identity = verified));
    signaling.on('question.shown', (shown) => {
      this.question = shown;
      this.answerSent = false;
    });
    signaling.on('assessment.result', (result) => {
      this.assessment = result;
      this.question = null;
    });
    signaling.on('suitability.result', (result) => {
      this.suitability = result;
      this.disclosure = null;
      this.disclosureConfirmed = false;
      this.acknowledgement = null;
      this.signature = null;
    });
    signaling.on('disclosure.shown', (shown) => {
      this.disclosure = shown;
      this.disclosureConfirmed = false;
    });
    signaling.on('acknowledgement.requested', (request) => (this.acknowledgement = { ...request, state: 'writing' }));
    signaling.on('acknowledgement.accepted', () => {
      if (this.acknowledgement) this.acknowledgement.state = 'accepted';
    });
    signaling.on('signature.requested', (request) => (this.signature = { ...request, submitted: false }));
    signaling.on('receipt.ready', (receipt) => {
      this.receipt = receipt;
      this.#receiptToken = this.#uploadToken;
    });
    // A dropped connection during a session is rejoined by the party (see CallParty);
    // only when there is nothing to rejoin does the kiosk start over.
    this.party.onRejoined = (reply) => this.#rejoined(reply);
    this.party.onLost = (reason) => {
      if (reason === 'revoked') return this.#credentialRefused();
      if (this.sessionId && reason !== 'closed') {
        // The session ended while the kiosk was away.
        this.#finish(null);
        return;
      }
      this.#release();
      this.errorKey = 'connectionLost';
      this.screen = 'error';
      setTimeout(() => void this.connect().then(() => (this.errorKey = null), () => {}), 2000);
    };
    this.screen = 'attract';
  }

  /** The customer picked a service: a draft session starts, and consent is asked first. */
  async chooseService(service: Service): Promise<void> {
    const { signaling, device } = this.party.connection;
    const { sessionId, uploadToken } = await signaling.request('session.create', {
      language: this.locale,
      service,
      rtpCapabilities: receiveCapabilities(device),
    });
    this.sessionId = sessionId;
    this.#uploadToken = uploadToken;
    this.party.session = { sessionId, token: uploadToken };
    this.screen = 'consent';
    this.#idle?.start();
  }

  async answerConsent(accepted: boolean): Promise<void> {
    await this.party.connection.signaling.request('consent.record', { accepted, consentVersion: this.#config.consentVersion });
    if (!accepted) {
      this.#idle?.stop();
      this.#forgetCustomer();
      this.sessionId = null;
      this.party.session = null;
      this.screen = 'declined';
      return;
    }
    this.idFlow = INITIAL_FLOW;
    this.identifyError = null;
    this.screen = 'id-capture';
  }

  async #warmDocumentReader(): Promise<void> {
    if (this.ocr.status === 'loading' || this.ocr.status === 'ready') return;
    this.ocr.status = 'loading';
    try {
      const { recognizer, readyMs } = await kioskDocumentReader();
      this.ocr.readyMs = readyMs;
      this.ocr.engineLoadMs = { ...recognizer.loadMs };
      this.ocr.status = 'ready';
    } catch (error) {
      console.error('OCR engines could not be loaded', error);
      this.ocr.status = 'failed';
    }
  }

  // --- ID capture and confirmation --------------------------------------------------------

  chooseDocument(document: DocumentChoice): void {
    this.idFlow = chooseDocument(document);
    // A failed load is tried again when a customer needs it.
    if (this.ocr.status === 'failed') void this.#warmDocumentReader();
  }

  /** Back to the choice of document; whatever was captured is dropped. */
  changeDocument(): void {
    this.idFlow = INITIAL_FLOW;
    this.identifyError = null;
    this.screen = 'id-capture';
  }

  /** Capture every side of the same document again (from the confirm screen). */
  recaptureDocument(): void {
    this.idFlow = recapture(this.idFlow);
    this.identifyError = null;
    this.screen = 'id-capture';
  }

  /** The document camera could not be opened. */
  cameraFailed(): void {
    this.errorKey = 'cameraError';
    this.screen = 'error';
  }

  /** Dismiss a capture problem and scan again. */
  retryCapture(): void {
    this.idFlow = retry(this.idFlow);
  }

  /** After a few failed attempts: keep the last reading and correct it by hand. */
  keepRejectedReading(): void {
    this.idFlow = keepRejected(this.idFlow);
    if (this.idFlow.step === 'confirm') this.screen = 'confirm-id';
  }

  /** A frame from the document camera (taken automatically or by the button): read it, judge the reading. */
  async readFrame(frame: CapturedFrame): Promise<void> {
    if (this.idFlow.step !== 'capture' || this.idFlow.reading) return;
    const visit = this.#visit;
    this.idFlow = startReading(this.idFlow);
    try {
      const { reader } = await kioskDocumentReader();
      const started = performance.now();
      const reading = await reader.read(frame.image);
      const ms = Math.round(performance.now() - started);
      const image = await frame.jpeg;
      if (visit !== this.#visit) return;
      this.ocr.reads = [...this.ocr.reads.slice(-19), { kind: reading.kind, ms }];
      this.idFlow = readingDone(this.idFlow, { kind: reading.kind, reading, image, ms });
      if (this.idFlow.step === 'confirm') this.screen = 'confirm-id';
    } catch (error) {
      if (visit !== this.#visit) return;
      console.error('document reading failed', error);
      if (this.ocr.status !== 'ready') void this.#warmDocumentReader();
      this.idFlow = readingFailed(this.idFlow, this.ocr.status === 'ready' ? 'unreadable' : 'reader-unavailable');
    }
  }

  /**
   * The customer confirmed the fields (as read or corrected): the images go to the evidence
   * store, the identity to the server (which validates it again), then the queue.
   */
  async confirmIdentity(values: FieldValues): Promise<void> {
    const flow = this.idFlow;
    if (flow.step !== 'confirm' || this.identifySending) return;
    const visit = this.#visit;
    this.identifySending = true;
    this.identifyError = null;
    try {
      const evidence: EvidenceIds = {};
      for (const side of flow.captured) {
        let id = this.#uploadedImages.get(side.image);
        if (id === undefined) {
          const kind = side.kind === 'cn-resident-id-front' ? 'id-front' : side.kind === 'cn-resident-id-back' ? 'id-back' : 'passport-page';
          id = (await this.#upload(kind, side.image, side.image.type || 'image/jpeg')).evidenceId;
          this.#uploadedImages.set(side.image, id);
        }
        if (side.kind === 'cn-resident-id-front') evidence.front = id;
        else if (side.kind === 'cn-resident-id-back') evidence.back = id;
        else evidence.page = id;
      }
      await this.party.connection.signaling.request('customer.identify', buildIdentity(flow.document, flow.captured, values, evidence));
    } catch (error) {
      if (visit !== this.#visit) return;
      // The server's message may quote the customer's fields: only its code is logged.
      console.error('identity not accepted:', error instanceof SignalingRequestError ? error.code : 'not sent');
      this.identifyError = error instanceof SignalingRequestError && (error.code === 'invalid-data' || error.code === 'conflict') ? 'identifyRefused' : 'identifyFailed';
      return;
    } finally {
      if (visit === this.#visit) this.identifySending = false;
    }
    if (visit !== this.#visit) return;
    // Stored with the session: the images and fields need not stay on the kiosk.
    this.idFlow = INITIAL_FLOW;
    await this.#queue();
  }

  async #queue(): Promise<void> {
    try {
      await this.party.openCamera();
    } catch {
      this.errorKey = 'cameraError';
      this.screen = 'error';
      return;
    }
    this.queuePosition = await this.party.connection.signaling.request('session.queue', {});
    this.screen = 'waiting';
  }

  /** Nobody touched the kiosk for too long: close the session and wipe the screen. */
  async #walkedAway(): Promise<void> {
    this.idleSecondsLeft = null;
    if (this.sessionId && this.screen !== 'in-call') {
      await this.party.connection.signaling.request('session.abandon', {}).catch(() => {});
    }
    this.reset();
  }

  /** The customer's own answer to the question on screen. */
  async answer(optionIds: string[]): Promise<void> {
    if (!this.question) return;
    await this.party.connection.signaling.request('question.answer', { questionId: this.question.question.id, optionIds });
    this.answerSent = true;
  }

  async confirmDisclosure(extraConfirmed: boolean): Promise<void> {
    if (!this.disclosure) return;
    await this.party.connection.signaling.request('disclosure.confirm', {
      productCode: this.disclosure.productCode,
      disclosureVersion: this.disclosure.disclosure.version,
      extraConfirmed,
    });
    this.disclosureConfirmed = true;
  }

  /** The handwritten sentence: recognised here, stored with its strokes, scored against what was asked. */
  async submitAcknowledgement(written: ConfirmedHandwriting): Promise<void> {
    if (!this.acknowledgement) return;
    const expected = this.acknowledgement.sentence['zh-CN'];
    // The grid's rows are lined up into one line first: the recogniser reads one line of text.
    const recognised = await handwritingRecognizer()
      .then((worker) => recogniseHandwriting(written, expected, tesseractRecognizer(worker)))
      .catch(() => ({ text: '' }));
    const [image, strokes] = await Promise.all([
      this.#upload('acknowledgement-image', written.png, 'image/png'),
      this.#upload('acknowledgement-strokes', JSON.stringify(written.strokes), 'application/json'),
    ]);
    await this.party.connection.signaling.request('acknowledgement.submit', {
      imageEvidenceId: image.evidenceId,
      strokesEvidenceId: strokes.evidenceId,
      recognisedText: recognised.text.replace(/\s+/g, '').slice(0, 200),
      matchScore: acknowledgementMatchScore(expected, recognised.text).score,
    });
    this.acknowledgement.state = 'submitted';
  }

  /** The signature, stored as PNG, SVG and raw strokes, bound to the hash of the document shown. */
  async submitSignature(signed: { strokes: Strokes; png: Blob; svg: string }): Promise<void> {
    if (!this.signature) return;
    const [image, svg, strokes] = await Promise.all([
      this.#upload('signature-image', signed.png, 'image/png'),
      this.#upload('signature-svg', signed.svg, 'image/svg+xml'),
      this.#upload('signature-strokes', JSON.stringify(signed.strokes), 'application/json'),
    ]);
    await this.party.connection.signaling.request('signature.submit', {
      imageEvidenceId: image.evidenceId,
      svgEvidenceId: svg.evidenceId,
      strokesEvidenceId: strokes.evidenceId,
      documentHash: this.signature.documentHash,
    });
    this.signature.submitted = true;
  }

  /** The receipt PDF of the session this kiosk ran. */
  async loadReceipt(url: string): Promise<Blob> {
    const response = await fetch(url, { headers: { [KIOSK_UPLOAD_TOKEN_HEADER]: this.#receiptToken ?? '' } });
    if (!response.ok) throw new Error(`receipt not available (HTTP ${response.status})`);
    return response.blob();
  }

  async #upload(kind: KioskUploadKind, body: Blob | string, contentType: string): Promise<UploadedEvidence> {
    if (!this.sessionId || !this.#uploadToken) throw new Error('no session to upload to');
    const response = await fetch(`/api/sessions/${this.sessionId}/kiosk-uploads/${kind}`, {
      method: 'POST',
      headers: { 'content-type': contentType, [KIOSK_UPLOAD_TOKEN_HEADER]: this.#uploadToken },
      body,
    });
    if (!response.ok) throw new Error(`upload of ${kind} failed (HTTP ${response.status})`);
    return (await response.json()) as UploadedEvidence;
  }

  async hangUp(): Promise<void> {
    // While reconnecting the request cannot go out: the server ends the session when its grace runs out.
    if (this.sessionId) await this.party.connection.signaling.request('session.hangup', {}).catch(() => {});
    this.#finish('kiosk');
  }

  /** Back to the attract screen with nothing of the last customer left. */
  reset(): void {
    this.#idle?.stop();
    this.idleSecondsLeft = null;
    this.#release();
    this.sessionId = null;
    this.party.session = null;
    this.tellerLost = false;
    this.tellerName = '';
    this.endedBy = null;
    this.receipt = null;
    this.#receiptToken = null;
    this.#forgetCustomer();
    this.screen = this.party.connected ? 'attract' : 'connecting';
  }

  async #onAccepted({ tellerName, videoCodec, resumed }: NotificationData<'session.accepted'>): Promise<void> {
    // In a call the teller looks after the customer: no idle timeout.
    this.#idle?.stop();
    this.idleSecondsLeft = null;
    this.tellerName = tellerName;
    this.tellerLost = false;
    this.screen = 'in-call';
    // A teller taking over after the first was lost: the kiosk's media never stopped.
    if (!resumed) await this.party.startMedia(videoCodec);
  }

  /** Back in the session on a new connection: the server says where things stand. */
  #rejoined(reply: RejoinReply): void {
    if (reply.queuePosition) this.queuePosition = reply.queuePosition;
    if (reply.tellerName) this.tellerName = reply.tellerName;
    const view = reply.kioskView;
    if (view) {
      this.identity = view.identity;
      this.question = view.question;
      this.answerSent = view.answered;
      this.assessment = view.assessment;
      this.suitability = view.suitability;
      this.disclosure = view.disclosure;
      this.disclosureConfirmed = view.disclosureConfirmed;
      this.acknowledgement = view.acknowledgement;
      this.signature = view.signature;
    }
    if (reply.state === 'in-call') this.screen = 'in-call';
    else if (reply.state === 'waiting' && this.screen === 'in-call') this.screen = 'waiting';
    // Back in the queue with the call's media: the teller was lost while the kiosk was away.
    if (reply.state === 'waiting' && reply.media) this.tellerLost = true;
  }

  /** The network dropped and the kiosk is getting back into the session (or its media is). */
  get reconnecting(): boolean {
    return this.party.link === 'reconnecting' || (this.screen === 'in-call' && this.party.mediaLink === 'interrupted');
  }

  #finish(by: Role | null): void {
    this.#release();
    this.sessionId = null;
    this.party.session = null;
    this.tellerLost = false;
    this.endedBy = by;
    this.#forgetCustomer();
    this.screen = 'ended';
  }

  /** Nothing of the customer's document, answers or results stays on the kiosk. */
  #forgetCustomer(): void {
    this.#visit++;
    this.idFlow = INITIAL_FLOW;
    this.identifyError = null;
    this.identifySending = false;
    this.#uploadedImages = new WeakMap();
    this.question = null;
    this.answerSent = false;
    this.identity = null;
    this.assessment = null;
    this.suitability = null;
    this.queuePosition = null;
    this.disclosure = null;
    this.disclosureConfirmed = false;
    this.acknowledgement = null;
    this.signature = null;
    this.#uploadToken = null;
  }

  #release(): void {
    this.party.stopMedia();
    this.party.closeCamera();
  }
}
