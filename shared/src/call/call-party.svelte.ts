/**
 * One end of a call in the browser, kiosk or teller alike, as reactive state: the
 * signaling connection, the local and remote streams, and the recording state the
 * server reports. The kiosk's visit and the teller's desk each build on one.
 */
import type { NotificationData, Role, VideoCodec } from '../protocol/index.ts';
import { CallMedia } from './call-media.ts';
import { summariseInbound, type InboundSummary } from './call-stats.ts';
import { connectAs, openCameraAndMicrophone, type SignalingSession } from './connect.ts';

export type RecordingStatus = { state: NotificationData<'recording.state'>['state'] | 'off'; startedAt: string | null };

const NOT_RECORDING: RecordingStatus = { state: 'off', startedAt: null };

export class CallParty {
  localStream = $state<MediaStream | null>(null);
  remoteStream = $state<MediaStream | null>(null);
  recording = $state<RecordingStatus>(NOT_RECORDING);

  readonly role: Role;
  readonly name: string;
  #connection: SignalingSession | null = null;
  #media: CallMedia | null = null;

  constructor(role: Role, name: string) {
    this.role = role;
    this.name = name;
  }

  /** The open signaling session; throws before connect(). */
  get connection(): SignalingSession {
    if (!this.#connection) throw new Error('not connected');
    return this.#connection;
  }

  get connected(): boolean {
    return this.#connection?.signaling.open ?? false;
  }

  async connect(): Promise<SignalingSession> {
    // The teller is whoever is signed in on this browser; the kiosk says its name.
    const connection = await connectAs(this.role === 'teller' ? { role: 'teller' } : { role: 'kiosk', name: this.name });
    this.#connection = connection;
    connection.signaling.on('recording.state', ({ state, startedAt }) => (this.recording = { state, startedAt }));
    return connection;
  }

  async openCamera(): Promise<MediaStream> {
    this.localStream ??= await openCameraAndMicrophone();
    return this.localStream;
  }

  /** Sends the local tracks and receives the other party's, once the call is set up. */
  async startMedia(videoCodec: VideoCodec): Promise<void> {
    const { signaling, device } = this.connection;
    this.recording = { state: 'starting', startedAt: null };
    const media = new CallMedia(signaling, device);
    this.#media = media;
    this.remoteStream = media.remoteStream;
    await media.start(this.localStream!, videoCodec);
  }

  stopMedia(): void {
    this.#media?.close();
    this.#media = null;
    this.remoteStream = null;
    this.recording = NOT_RECORDING;
  }

  closeCamera(): void {
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
  }

  /** How often the server moved this call to a new media worker (diagnostics, tests). */
  get mediaResets(): number {
    return this.#media?.resets ?? 0;
  }

  /** What is arriving from the other party (diagnostics, tests, quality indicator). */
  async inboundStats(): Promise<InboundSummary> {
    return summariseInbound((await this.#media?.receiveStats()) ?? null);
  }
}
