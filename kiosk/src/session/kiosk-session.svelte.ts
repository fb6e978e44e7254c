/**
 * The kiosk's side of one customer visit, as reactive state the screens read:
 * connect → call a teller → wait → in call → ended → back to the start.
 */
import { CallParty, receiveCapabilities } from '@vtm/shared/browser';
import type { AssessmentResult, NotificationData, Role, SuitabilityResult } from '@vtm/shared';
import type { Locale } from '../i18n/messages.ts';

export type KioskScreen = 'connecting' | 'attract' | 'waiting' | 'in-call' | 'ended' | 'error';

export class KioskSession {
  screen = $state<KioskScreen>('connecting');
  locale = $state<Locale>('zh-CN');
  sessionId = $state<string | null>(null);
  tellerName = $state('');
  endedBy = $state<Role | null>(null);
  errorKey = $state<'cameraError' | 'connectionLost' | null>(null);
  /** The question the teller has put on screen, and whether its answer has gone out. */
  question = $state<NotificationData<'question.shown'> | null>(null);
  answerSent = $state(false);
  identity = $state<boolean | null>(null);
  assessment = $state<AssessmentResult | null>(null);
  suitability = $state<SuitabilityResult | null>(null);
  readonly party: CallParty;

  constructor(kioskName: string) {
    this.party = new CallParty('kiosk', kioskName);
  }

  async connect(): Promise<void> {
    this.screen = 'connecting';
    const { signaling } = await this.party.connect();
    signaling.on('session.accepted', (data) => void this.#onAccepted(data));
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
    signaling.on('suitability.result', (result) => (this.suitability = result));
    signaling.onClose(() => {
      this.#release();
      this.errorKey = 'connectionLost';
      this.screen = 'error';
      setTimeout(() => void this.connect().then(() => (this.errorKey = null), () => {}), 2000);
    });
    this.screen = 'attract';
  }

  async callTeller(): Promise<void> {
    try {
      await this.party.openCamera();
    } catch {
      this.errorKey = 'cameraError';
      this.screen = 'error';
      return;
    }
    const { signaling, device } = this.party.connection;
    const { sessionId } = await signaling.request('session.create', {
      language: this.locale,
      rtpCapabilities: receiveCapabilities(device),
    });
    this.sessionId = sessionId;
    this.screen = 'waiting';
  }

  /** The customer's own answer to the question on screen. */
  async answer(optionIds: string[]): Promise<void> {
    if (!this.question) return;
    await this.party.connection.signaling.request('question.answer', { questionId: this.question.question.id, optionIds });
    this.answerSent = true;
  }

  async hangUp(): Promise<void> {
    if (this.sessionId) await this.party.connection.signaling.request('session.hangup', {});
    this.#finish('kiosk');
  }

  /** Back to the attract screen with nothing of the last customer left. */
  reset(): void {
    this.#release();
    this.sessionId = null;
    this.tellerName = '';
    this.endedBy = null;
    this.#forgetCustomer();
    this.screen = this.party.connected ? 'attract' : 'connecting';
  }

  async #onAccepted({ tellerName, videoCodec }: NotificationData<'session.accepted'>): Promise<void> {
    this.tellerName = tellerName;
    this.screen = 'in-call';
    await this.party.startMedia(videoCodec);
  }

  #finish(by: Role | null): void {
    this.#release();
    this.sessionId = null;
    this.endedBy = by;
    this.#forgetCustomer();
    this.screen = 'ended';
  }

  /** Nothing of the customer's answers or results stays on the kiosk. */
  #forgetCustomer(): void {
    this.question = null;
    this.answerSent = false;
    this.identity = null;
    this.assessment = null;
    this.suitability = null;
  }

  #release(): void {
    this.party.stopMedia();
    this.party.closeCamera();
  }
}
