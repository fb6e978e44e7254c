/**
 * The teller's desk as reactive state: on duty with camera ready, the live queue, and
 * the call in progress.
 */
import {
  CallMedia,
  SignalingRequestError,
  connectAs,
  openCameraAndMicrophone,
  receiveCapabilities,
  summariseInbound,
  type SignalingSession,
} from '@vtm/shared/browser';
import type { NotificationData, QueueEntry, Role } from '@vtm/shared';

type RecordingState = NotificationData<'recording.state'>['state'] | 'off';

export interface ActiveCall {
  sessionId: string;
  kioskName: string;
}

export class TellerDesk {
  status = $state<'off-duty' | 'connecting' | 'on-duty' | 'disconnected'>('off-duty');
  queue = $state<QueueEntry[]>([]);
  call = $state<ActiveCall | null>(null);
  localStream = $state<MediaStream | null>(null);
  remoteStream = $state<MediaStream | null>(null);
  recording = $state<{ state: RecordingState; startedAt: string | null }>({ state: 'off', startedAt: null });
  notice = $state<string | null>(null);

  readonly tellerName: string;
  #connection: SignalingSession | null = null;
  #media: CallMedia | null = null;

  constructor(tellerName: string) {
    this.tellerName = tellerName;
  }

  async goOnDuty(): Promise<void> {
    this.status = 'connecting';
    this.localStream ??= await openCameraAndMicrophone();
    const connection = await connectAs('teller', this.tellerName);
    this.#connection = connection;
    const { signaling } = connection;
    signaling.on('queue.updated', ({ entries }) => (this.queue = entries));
    signaling.on('session.ended', ({ by }) => this.#endCall(by === 'kiosk' ? 'The customer ended the call.' : 'The call ended.'));
    signaling.on('recording.state', ({ state, startedAt }) => (this.recording = { state, startedAt }));
    signaling.onClose(() => {
      this.#endCall(null);
      this.status = 'disconnected';
    });
    this.status = 'on-duty';
  }

  async accept(entry: QueueEntry): Promise<void> {
    const connection = this.#requireConnection();
    this.notice = null;
    try {
      const { videoCodec } = await connection.signaling.request('session.accept', {
        sessionId: entry.sessionId,
        rtpCapabilities: receiveCapabilities(connection.device),
      });
      this.call = { sessionId: entry.sessionId, kioskName: entry.kioskName };
      this.recording = { state: 'starting', startedAt: null };
      const media = new CallMedia(connection.signaling, connection.device);
      this.#media = media;
      this.remoteStream = media.remoteStream;
      await media.start(this.localStream!, videoCodec);
    } catch (error) {
      if (error instanceof SignalingRequestError && error.code === 'conflict') {
        this.notice = 'Another teller has already taken this customer.';
        return;
      }
      throw error;
    }
  }

  async hangUp(): Promise<void> {
    if (this.call) await this.#requireConnection().signaling.request('session.hangup', {});
    this.#endCall(null);
  }

  /** How often the server moved this call to a new media worker (for diagnostics and tests). */
  get mediaResets(): number {
    return this.#media?.resets ?? 0;
  }

  /** For diagnostics and end-to-end tests: what is arriving from the kiosk. */
  async inboundStats() {
    return summariseInbound((await this.#media?.receiveStats()) ?? null);
  }

  #endCall(reason: string | null): void {
    this.#media?.close();
    this.#media = null;
    this.remoteStream = null;
    if (this.call && reason) this.notice = reason;
    this.call = null;
    this.recording = { state: 'off', startedAt: null };
  }

  #requireConnection(): SignalingSession {
    if (!this.#connection) throw new Error('not connected');
    return this.#connection;
  }
}

export type { Role };
