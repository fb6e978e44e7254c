/**
 * The kiosk's side of one customer visit, as reactive state the screens read:
 * connect → call a teller → wait → in call → ended → back to the start.
 */
import {
  CallMedia,
  connectAs,
  openCameraAndMicrophone,
  receiveCapabilities,
  summariseInbound,
  type SignalingSession,
} from '@vtm/shared/browser';
import type { NotificationData, Role } from '@vtm/shared';
import type { Locale } from '../i18n/messages.ts';

export type KioskScreen = 'connecting' | 'attract' | 'waiting' | 'in-call' | 'ended' | 'error';
type RecordingState = NotificationData<'recording.state'>['state'] | 'off';

export class KioskSession {
  screen = $state<KioskScreen>('connecting');
  locale = $state<Locale>('zh-CN');
  sessionId = $state<string | null>(null);
  tellerName = $state('');
  localStream = $state<MediaStream | null>(null);
  remoteStream = $state<MediaStream | null>(null);
  recording = $state<{ state: RecordingState; startedAt: string | null }>({ state: 'off', startedAt: null });
  endedBy = $state<Role | null>(null);
  errorKey = $state<'cameraError' | 'connectionLost' | null>(null);

  readonly kioskName: string;
  #connection: SignalingSession | null = null;
  #media: CallMedia | null = null;

  constructor(kioskName: string) {
    this.kioskName = kioskName;
  }

  async connect(): Promise<void> {
    this.screen = 'connecting';
    const connection = await connectAs('kiosk', this.kioskName);
    this.#connection = connection;
    const { signaling } = connection;
    signaling.on('session.accepted', (data) => void this.#onAccepted(data));
    signaling.on('session.ended', ({ by }) => this.#finish(by));
    signaling.on('recording.state', ({ state, startedAt }) => (this.recording = { state, startedAt }));
    signaling.onClose(() => {
      this.#releaseMedia();
      this.errorKey = 'connectionLost';
      this.screen = 'error';
      setTimeout(() => void this.connect().then(() => (this.errorKey = null), () => {}), 2000);
    });
    this.screen = 'attract';
  }

  async callTeller(): Promise<void> {
    const connection = this.#requireConnection();
    try {
      this.localStream = await openCameraAndMicrophone();
    } catch {
      this.errorKey = 'cameraError';
      this.screen = 'error';
      return;
    }
    const { sessionId } = await connection.signaling.request('session.create', {
      language: this.locale,
      rtpCapabilities: receiveCapabilities(connection.device),
    });
    this.sessionId = sessionId;
    this.screen = 'waiting';
  }

  async hangUp(): Promise<void> {
    if (this.sessionId) await this.#requireConnection().signaling.request('session.hangup', {});
    this.#finish('kiosk');
  }

  /** Back to the attract screen with nothing of the last customer left. */
  reset(): void {
    this.#releaseMedia();
    this.sessionId = null;
    this.tellerName = '';
    this.endedBy = null;
    this.recording = { state: 'off', startedAt: null };
    this.screen = this.#connection?.signaling.open ? 'attract' : 'connecting';
  }

  /** How often the server moved this call to a new media worker (for diagnostics and tests). */
  get mediaResets(): number {
    return this.#media?.resets ?? 0;
  }

  /** For diagnostics and end-to-end tests: what is arriving from the teller. */
  async inboundStats() {
    return summariseInbound((await this.#media?.receiveStats()) ?? null);
  }

  async #onAccepted({ tellerName, videoCodec }: NotificationData<'session.accepted'>): Promise<void> {
    const connection = this.#requireConnection();
    this.tellerName = tellerName;
    this.recording = { state: 'starting', startedAt: null };
    const media = new CallMedia(connection.signaling, connection.device);
    this.#media = media;
    this.remoteStream = media.remoteStream;
    this.screen = 'in-call';
    await media.start(this.localStream!, videoCodec);
  }

  #finish(by: Role | null): void {
    this.#releaseMedia();
    this.sessionId = null;
    this.endedBy = by;
    this.screen = 'ended';
  }

  #releaseMedia(): void {
    this.#media?.close();
    this.#media = null;
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
    this.remoteStream = null;
  }

  #requireConnection(): SignalingSession {
    if (!this.#connection) throw new Error('not connected');
    return this.#connection;
  }
}
