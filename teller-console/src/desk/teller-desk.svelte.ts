/**
 * The teller's desk as reactive state: on duty with camera ready, the live queue, and
 * the call in progress.
 */
import { CallParty, SignalingRequestError, receiveCapabilities } from '@vtm/shared/browser';
import type { QueueEntry, TellerPresence } from '@vtm/shared';

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
    signaling.on('session.ended', ({ by }) => this.#endCall(by === 'kiosk' ? 'The customer ended the call.' : 'The call ended.'));
    signaling.onClose(() => {
      this.#endCall(null);
      this.status = 'disconnected';
    });
    this.status = 'on-duty';
  }

  async setPresence(presence: TellerPresence): Promise<void> {
    ({ presence: this.presence } = await this.party.connection.signaling.request('presence.set', { presence }));
  }

  async accept(entry: QueueEntry): Promise<void> {
    const { signaling, device } = this.party.connection;
    this.notice = null;
    try {
      const { videoCodec } = await signaling.request('session.accept', {
        sessionId: entry.sessionId,
        rtpCapabilities: receiveCapabilities(device),
      });
      this.call = { sessionId: entry.sessionId, kioskName: entry.kioskName };
      this.presence = 'busy';
      await this.party.startMedia(videoCodec);
    } catch (error) {
      if (error instanceof SignalingRequestError && error.code === 'conflict') {
        this.notice = 'Another teller has already taken this customer.';
        return;
      }
      throw error;
    }
  }

  async hangUp(): Promise<void> {
    if (this.call) await this.party.connection.signaling.request('session.hangup', {});
    this.#endCall(null);
  }

  #endCall(reason: string | null): void {
    this.party.stopMedia();
    if (this.call && reason) this.notice = reason;
    if (this.call) this.presence = 'available';
    this.call = null;
  }
}
