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
  microphoneOn = $state(true);
  cameraOn = $state(true);

  readonly role: Role;
  readonly name: string;
  #connection: SignalingSession | null = null;
  #media: CallMedia | null = null;

  /** For a kiosk: where it stands, shown to tellers in the queue. */
  location = '';

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
    const connection = await connectAs(
      this.role === 'teller' ? { role: 'teller' } : { role: 'kiosk', name: this.name, location: this.location },
    );
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

  /** Mutes or unmutes the microphone (the track keeps flowing, silent, so the recording has no gap). */
  setMicrophone(on: boolean): void {
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = on;
    this.microphoneOn = on;
  }

  /** Turns the picture off or on (a disabled track sends black frames). */
  setCamera(on: boolean): void {
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = on;
    this.cameraOn = on;
  }

  closeCamera(): void {
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
  }

  /** One frame of the other party's video as a PNG (a still for the evidence file). */
  async remoteStill(): Promise<Blob> {
    if (!this.remoteStream || this.remoteStream.getVideoTracks().length === 0) throw new Error('no video from the other party');
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = new MediaStream(this.remoteStream.getVideoTracks());
    await video.play();
    if (video.videoWidth === 0) await new Promise((resolve) => video.addEventListener('resize', resolve, { once: true }));
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    video.srcObject = null;
    return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no frame'))), 'image/png'));
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
