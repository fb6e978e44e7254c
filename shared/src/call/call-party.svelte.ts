/**
 * One end of a call in the browser, kiosk or teller alike, as reactive state: the
 * signaling connection, the local and remote streams, and the recording state the
 * server reports. The kiosk's visit and the teller's desk each build on one.
 */
import type { NotificationData, RequestData, ResponseData, Role, VideoCodec } from '../protocol/index.ts';
import { CallMedia, receiveCapabilities } from './call-media.ts';
import { GiveUp, retryUntil } from './reconnection.ts';
import { GrowingCounter, MediaFlow } from './media-flow.ts';
import { SignalingRequestError } from './signaling-client.ts';
import { CLOSE_KIOSK_UNAUTHENTICATED } from '../protocol/kiosks.ts';
import { summariseInbound, type InboundSummary } from './call-stats.ts';
import { connectAs, openCameraAndMicrophone, type SignalingSession } from './connect.ts';

export type RecordingStatus = { state: NotificationData<'recording.state'>['state'] | 'off'; startedAt: string | null };

const NOT_RECORDING: RecordingStatus = { state: 'off', startedAt: null };

/** How long a party keeps trying to get back into its session (the server waits 30 s by default). */
const REJOIN_DEADLINE_MS = 45_000;
/** How long each step of a rejoin may take before the attempt is given up and tried again. */
const REJOIN_REQUEST_TIMEOUT_MS = 5000;

/**
 * The signaling link: online; reconnecting (the socket dropped during a session and the
 * party is getting back into it); offline (not connected, or it could not get back).
 */
export type LinkState = 'online' | 'reconnecting' | 'offline';

/** The call's media: not started, connecting, flowing, or interrupted (a transport dropped). */
export type MediaLinkState = 'none' | 'connecting' | 'connected' | 'interrupted';

export type RejoinReply = ResponseData<'session.rejoin'>;

export class CallParty {
  localStream = $state<MediaStream | null>(null);
  remoteStream = $state<MediaStream | null>(null);
  recording = $state<RecordingStatus>(NOT_RECORDING);
  microphoneOn = $state(true);
  cameraOn = $state(true);
  link = $state<LinkState>('offline');
  mediaLink = $state<MediaLinkState>('none');
  /** When the current interruption of the signaling or the media began (ms since epoch), else null. */
  interruptedSince = $state<number | null>(null);
  /** How many times this party rejoined its session on a new connection. */
  rejoins = 0;

  /**
   * The session this party is in, to rejoin if its connection drops: set once a session
   * exists (the kiosk's token proves it is the session's own), cleared when it ends.
   */
  session: { sessionId: string; token: string } | null = null;
  /** Told when the party is back in its session on a new connection (after media is set up again). */
  onRejoined: ((reply: RejoinReply) => void) | null = null;
  /** Told when the connection is gone for good: there was no session to rejoin, or it could not be rejoined. */
  onLost: ((reason: 'closed' | 'session-gone' | 'gave-up' | 'revoked') => void) | null = null;
  #hello: RequestData<'hello'> | null = null;
  #closing = false;
  #rejoining = false;
  /** The other party's media arriving or not (a path can die while ICE still says connected). */
  #inboundWatch: ReturnType<typeof setInterval> | null = null;
  #inboundStalled = false;

  readonly role: Role;
  readonly name: string;
  #connection: SignalingSession | null = null;
  #media: CallMedia | null = null;

  /** For a kiosk: where it stands, shown to tellers in the queue. */
  location = '';
  /** For a kiosk: the credential it was given at enrollment (its name and location are the server's record). */
  credential = '';

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
    // A new connection replaces any earlier one (which is closed without a reconnection).
    if (this.#connection) {
      this.#closing = true;
      this.#connection.signaling.close();
      this.#closing = false;
    }
    // The teller is whoever is signed in on this browser; the kiosk says its name.
    this.#hello = this.role === 'teller' ? { role: 'teller' } : { role: 'kiosk', credential: this.credential };
    const connection = await connectAs(this.#hello);
    this.#connection = connection;
    connection.signaling.on('recording.state', ({ state, startedAt }) => (this.recording = { state, startedAt }));
    connection.signaling.onClose((code) => void this.#onSignalingLost(connection, code));
    this.link = 'online';
    return connection;
  }

  /**
   * The signaling socket closed without being asked to. In a session, reconnect and rejoin
   * it (the server keeps the party's place for a grace period); otherwise it is lost.
   */
  async #onSignalingLost(connection: SignalingSession, code?: number): Promise<void> {
    // A socket lost while rejoining is the rejoin's own business (it tries again).
    if (this.#closing || connection !== this.#connection || this.#rejoining) return;
    // The server refused this kiosk's credential (revoked): nothing to rejoin.
    if (code === CLOSE_KIOSK_UNAUTHENTICATED) {
      this.link = 'offline';
      this.session = null;
      this.onLost?.('revoked');
      return;
    }
    const session = this.session;
    if (!session) {
      this.link = 'offline';
      this.onLost?.('closed');
      return;
    }
    this.link = 'reconnecting';
    this.interruptedSince ??= Date.now();
    const { signaling, device } = connection;
    const since = Date.now();
    console.info('signaling connection lost: rejoining the session');
    this.#rejoining = true;
    let revoked = false;
    try {
      const reply = await retryUntil(
        async (attempt) => {
          if (connection !== this.#connection || this.session?.sessionId !== session.sessionId) throw new GiveUp('the session changed');
          if (attempt > 0) console.info(`rejoin attempt ${attempt + 1} (${Date.now() - since} ms)`);
          if (!signaling.open) await signaling.reconnect();
          try {
            await signaling.request('hello', this.#hello!, { timeoutMs: REJOIN_REQUEST_TIMEOUT_MS });
          } catch (error) {
            if (error instanceof SignalingRequestError && error.code === 'unauthenticated') {
              revoked = true;
              throw new GiveUp(error.message);
            }
            // A new socket that does not answer is dropped and the next attempt opens another.
            signaling.drop();
            throw error;
          }
          try {
            return await signaling.request('session.rejoin', { ...session, rtpCapabilities: receiveCapabilities(device) }, { timeoutMs: REJOIN_REQUEST_TIMEOUT_MS });
          } catch (error) {
            // The session ended meanwhile, or is not this party's any more: nothing to go back to.
            if (error instanceof SignalingRequestError && (error.code === 'not-found' || error.code === 'not-allowed')) throw new GiveUp(error.message);
            throw error;
          }
        },
        { deadlineMs: REJOIN_DEADLINE_MS, onError: (error) => console.info('rejoin attempt failed:', error instanceof Error ? error.message : error) },
      );
      this.rejoins++;
      this.link = 'online';
      console.info(`rejoined the session after ${Date.now() - since} ms`);
      if (reply.media) await this.#media?.rejoined();
      this.#updateMediaLink();
      this.onRejoined?.(reply);
    } catch (error) {
      console.warn('could not rejoin the session:', error instanceof Error ? error.message : error);
      this.link = 'offline';
      this.interruptedSince = null;
      this.onLost?.(revoked ? 'revoked' : error instanceof GiveUp ? 'session-gone' : 'gave-up');
    } finally {
      this.#rejoining = false;
    }
  }

  #updateMediaLink(): void {
    const media = this.#media;
    if (!media) {
      this.mediaLink = 'none';
    } else {
      const states = [media.sendState, media.recvState];
      this.mediaLink = this.#inboundStalled || states.some((s) => s === 'disconnected' || s === 'failed')
        ? 'interrupted'
        : states.every((s) => s === 'connected')
          ? 'connected'
          : 'connecting';
    }
    if (this.link === 'online' && this.mediaLink !== 'interrupted' && this.mediaLink !== 'connecting') this.interruptedSince = null;
    else if (this.mediaLink === 'interrupted' || this.link === 'reconnecting') this.interruptedSince ??= Date.now();
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
    media.onChange = () => this.#updateMediaLink();
    this.remoteStream = media.remoteStream;
    this.#watchInbound(media);
    await media.start(this.localStream!, videoCodec);
  }

  /** Every second: has anything arrived from the other party since the last look? */
  #watchInbound(media: CallMedia): void {
    if (this.#inboundWatch) clearInterval(this.#inboundWatch);
    const flow = new MediaFlow(2000);
    const counter = new GrowingCounter();
    this.#inboundStalled = false;
    this.#inboundWatch = setInterval(async () => {
      if (media !== this.#media) return;
      const { audioPacketsReceived, videoFramesDecoded } = await this.inboundStats();
      const change = flow.sample(counter.add(audioPacketsReceived + videoFramesDecoded), Date.now());
      if (!change) return;
      this.#inboundStalled = change.state === 'stalled';
      this.#updateMediaLink();
    }, 1000);
  }

  stopMedia(): void {
    if (this.#inboundWatch) clearInterval(this.#inboundWatch);
    this.#inboundWatch = null;
    this.#inboundStalled = false;
    this.#media?.close();
    this.#media = null;
    this.remoteStream = null;
    this.recording = NOT_RECORDING;
    this.#updateMediaLink();
  }

  /** ICE restarts of this call's transports (diagnostics, tests). */
  get iceRestarts(): number {
    return this.#media?.iceRestarts ?? 0;
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
