/**
 * The teller's desk as reactive state: on duty with camera ready, the live queue, and
 * the call in progress.
 */
import { CallParty, SignalingRequestError, receiveCapabilities } from '@vtm/shared/browser';
import { WRITE_HEADERS } from '../auth/auth-client.ts';
import type {
  AssessmentResult,
  NotificationData,
  Question,
  QueueEntry,
  RequestData,
  ResponseData,
  SessionOutcome,
  PeerLinkState,
  SuitabilityResult,
  TellerPresence,
  TellerWorkflowView,
} from '@vtm/shared';

/** What the teller has done and seen in the regulated part of the current call. */
export interface CallWorkflow {
  identity: 'pending' | 'verified' | 'failed';
  questions: Question[];
  shownQuestionId: string | null;
  answers: Record<string, NotificationData<'answer.received'>>;
  /** Every change of an answer, in order, for the teller to see. */
  changes: NotificationData<'answer.received'>[];
  assessment: AssessmentResult | null;
  suitability: SuitabilityResult | null;
  disclosure: 'not-shown' | 'shown' | 'confirmed';
  acknowledgement: null | 'requested' | NotificationData<'acknowledgement.received'> | 'accepted';
  signature: null | 'requested' | NotificationData<'signature.received'>;
}

const freshWorkflow = (): CallWorkflow => ({
  identity: 'pending',
  questions: [],
  shownQuestionId: null,
  answers: {},
  changes: [],
  assessment: null,
  suitability: null,
  disclosure: 'not-shown',
  acknowledgement: null,
  signature: null,
});

/** The console's view of the steps, from where the server says they stand (a session taken over or rejoined). */
export function workflowFromView(view: TellerWorkflowView): CallWorkflow {
  return {
    identity: view.identity,
    questions: view.questions,
    shownQuestionId: view.shownQuestionId,
    answers: Object.fromEntries(view.answers.map((a) => [a.questionId, a])),
    changes: view.changes,
    assessment: view.assessment,
    suitability: view.suitability,
    disclosure: view.disclosure,
    acknowledgement: view.acknowledgement,
    signature: view.signature,
  };
}

export interface ActiveCall {
  sessionId: string;
  kioskName: string;
}

export class TellerDesk {
  status = $state<'off-duty' | 'connecting' | 'on-duty' | 'disconnected'>('off-duty');
  queue = $state<QueueEntry[]>([]);
  call = $state<ActiveCall | null>(null);
  notice = $state<string | null>(null);
  presence = $state<TellerPresence>('available');
  workflow = $state<CallWorkflow>(freshWorkflow());
  /** The customer's connection: reconnecting while their network is down. */
  customerLink = $state<PeerLinkState>('connected');
  /** Stills taken in the current call. */
  stills = $state(0);
  /** The customer's document as captured at the kiosk, and any earlier assessment of theirs. */
  customer = $state<ResponseData<'customer.details'> | null>(null);
  readonly party: CallParty;

  constructor(tellerName: string) {
    this.party = new CallParty('teller', tellerName);
  }

  get tellerName(): string {
    return this.party.name;
  }

  async goOnDuty(): Promise<void> {
    this.status = 'connecting';
    await this.party.openCamera();
    const { signaling } = await this.party.connect();
    signaling.on('queue.updated', ({ entries }) => (this.queue = entries));
    signaling.on('answer.received', (answer) => {
      this.workflow.answers[answer.questionId] = answer;
      if (answer.previous) this.workflow.changes.push(answer);
    });
    signaling.on('assessment.result', (result) => (this.workflow.assessment = result));
    signaling.on('suitability.result', (result) => (this.workflow.suitability = result));
    signaling.on('disclosure.confirmed', () => (this.workflow.disclosure = 'confirmed'));
    signaling.on('acknowledgement.received', (received) => (this.workflow.acknowledgement = received));
    signaling.on('signature.received', (received) => (this.workflow.signature = received));
    signaling.on('session.ended', ({ by, reason }) =>
      this.#endCall(
        reason === 'kiosk-revoked' ? 'The kiosk was revoked by an administrator: the call was cut off.' : by === 'kiosk' ? 'The customer ended the call.' : 'The call ended.',
      ),
    );
    signaling.on('peer.connection', ({ role, state }) => {
      if (role === 'kiosk') this.customerLink = state;
    });
    // A dropped connection during a call is rejoined by the party (see CallParty).
    this.party.onRejoined = (reply) => {
      if (reply.tellerView) this.workflow = workflowFromView(reply.tellerView);
    };
    this.party.onLost = () => {
      this.#endCall(this.call ? 'The connection to the server was lost; the customer goes to the next teller.' : null);
      this.status = 'disconnected';
    };
    this.status = 'on-duty';
  }

  async setPresence(presence: TellerPresence): Promise<void> {
    ({ presence: this.presence } = await this.party.connection.signaling.request('presence.set', { presence }));
  }

  async accept(entry: QueueEntry): Promise<void> {
    const { signaling, device } = this.party.connection;
    this.notice = null;
    try {
      const { videoCodec, resumed } = await signaling.request('session.accept', {
        sessionId: entry.sessionId,
        rtpCapabilities: receiveCapabilities(device),
      });
      this.call = { sessionId: entry.sessionId, kioskName: entry.kioskName };
      this.party.session = { sessionId: entry.sessionId, token: '' };
      this.presence = 'busy';
      this.customerLink = 'connected';
      // A session taken over from a teller who was lost goes on from where it stands.
      this.workflow = resumed ? workflowFromView(resumed) : freshWorkflow();
      if (resumed) this.notice = 'Resumed: the previous teller was disconnected. Identity, answers and steps so far are kept.';
      this.stills = 0;
      this.customer = await signaling.request('customer.details', {}).catch(() => null);
      await this.party.startMedia(videoCodec);
    } catch (error) {
      if (error instanceof SignalingRequestError && error.code === 'conflict') {
        this.notice = 'Another teller has already taken this customer.';
        return;
      }
      throw error;
    }
  }

  async recordIdentity(check: RequestData<'identity.record'>): Promise<void> {
    await this.#request('identity.record', check);
    this.workflow.identity = check.verified ? 'verified' : 'failed';
  }

  async beginQuestionnaire(): Promise<void> {
    const { questions } = await this.#request('questionnaire.begin', {});
    this.workflow.questions = questions;
  }

  async showQuestion(questionId: string): Promise<void> {
    await this.#request('question.show', { questionId });
    this.workflow.shownQuestionId = questionId;
  }

  /** A returning customer's assessment is still valid: use it instead of the questionnaire. */
  async reuseEarlierAssessment(): Promise<void> {
    this.workflow.assessment = await this.#request('assessment.reuse', {});
  }

  async finishAssessment(): Promise<void> {
    this.workflow.assessment = await this.#request('assessment.finish', {});
    this.workflow.shownQuestionId = null;
  }

  async proposeProduct(productCode: string): Promise<void> {
    this.workflow.suitability = await this.#request('product.propose', { productCode });
    this.workflow.disclosure = 'not-shown';
    this.workflow.acknowledgement = null;
    this.workflow.signature = null;
  }

  async showDisclosure(): Promise<void> {
    await this.#request('disclosure.show', {});
    this.workflow.disclosure = 'shown';
  }

  async requestAcknowledgement(): Promise<void> {
    await this.#request('acknowledgement.request', {});
    this.workflow.acknowledgement = 'requested';
  }

  async reviewAcknowledgement(accepted: boolean): Promise<void> {
    await this.#request('acknowledgement.review', { accepted });
    this.workflow.acknowledgement = accepted ? 'accepted' : 'requested';
  }

  async requestSignature(): Promise<void> {
    await this.#request('signature.request', {});
    this.workflow.signature = 'requested';
  }

  /** Where the console shows an evidence file of the current call. */
  evidenceUrl(evidenceId: number): string {
    return `/api/sessions/${this.call?.sessionId}/evidence/${evidenceId}`;
  }

  async complete(outcome: SessionOutcome, note: string): Promise<void> {
    await this.#request('session.complete', { outcome, note });
    this.#endCall(`Session closed: ${outcome}.`);
  }

  /** A request whose refusal is shown to the teller as a notice. */
  async #request<
    M extends
      | 'identity.record'
      | 'questionnaire.begin'
      | 'question.show'
      | 'assessment.finish'
      | 'assessment.reuse'
      | 'product.propose'
      | 'disclosure.show'
      | 'acknowledgement.request'
      | 'acknowledgement.review'
      | 'signature.request'
      | 'session.complete',
  >(
    method: M,
    data: RequestData<M>,
  ) {
    this.notice = null;
    try {
      return await this.party.connection.signaling.request(method, data);
    } catch (error) {
      this.notice = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** Takes a still of the customer and stores it with the session as evidence. */
  async takeStill(): Promise<void> {
    if (!this.call) return;
    const image = await this.party.remoteStill();
    const response = await fetch(`/api/sessions/${this.call.sessionId}/stills`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', ...WRITE_HEADERS },
      body: image,
    });
    if (!response.ok) throw new Error(`the still was not stored (HTTP ${response.status})`);
    this.stills++;
  }

  async hangUp(): Promise<void> {
    if (this.call) await this.party.connection.signaling.request('session.hangup', {});
    this.#endCall(null);
  }

  #endCall(reason: string | null): void {
    this.party.session = null;
    this.party.stopMedia();
    if (this.call && reason) this.notice = reason;
    if (this.call) this.presence = 'available';
    this.call = null;
  }
}
