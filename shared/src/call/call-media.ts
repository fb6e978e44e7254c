/**
 * The media half of a call in the browser (kiosk and console alike): a mediasoup-client
 * Device, one send and one receive transport, the local tracks sent and the remote
 * tracks received.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { RtpCapabilities, VideoCodec } from '../protocol/media.ts';
import type { NotificationData } from '../protocol/signaling.ts';
import { SignalingTimeoutError, type SignalingClient } from './signaling-client.ts';
import { IceRecovery } from './reconnection.ts';

/** How long a request for new ICE parameters may take before the signaling socket is judged dead. */
const RESTART_ICE_TIMEOUT_MS = 4000;

export async function loadDevice(routerRtpCapabilities: RtpCapabilities): Promise<Device> {
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
  return device;
}

/** What the receiving browser can decode, to send with session.create / session.accept. */
export function receiveCapabilities(device: Device): RtpCapabilities {
  return device.rtpCapabilities as RtpCapabilities;
}

export type ConnectionState = types.ConnectionState;

export class CallMedia {
  /** The other party's audio and video, filled as their tracks arrive. */
  readonly remoteStream = new MediaStream();
  readonly #signaling: SignalingClient;
  readonly #device: Device;
  #sendTransport: types.Transport | null = null;
  #recvTransport: types.Transport | null = null;
  readonly #producers: types.Producer[] = [];
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #unsubscribe: Array<() => void> = [];
  #onChange: () => void = () => {};
  /** consumer.new can arrive before the transport.create reply: consumers wait for this. */
  #recvReady!: Promise<types.Transport>;
  #resolveRecv: (transport: types.Transport) => void = () => {};
  #local: MediaStream | null = null;
  #videoCodec: VideoCodec = 'vp8';
  /** How many times the server moved the call to a new media worker. */
  resets = 0;
  /** How many times the transports were set up again after this party rejoined the session. */
  rejoins = 0;
  readonly #ice = new Map<string, IceRecovery>();
  /** ICE restarts of transports already replaced. */
  #earlierIceRestarts = 0;
  #closed = false;

  constructor(signaling: SignalingClient, device: Device) {
    this.#signaling = signaling;
    this.#device = device;
    this.#expectRecvTransport();
    this.#unsubscribe.push(
      signaling.on('consumer.new', (data) => void this.#consume(data)),
      signaling.on('consumer.closed', ({ consumerId }) => this.#dropConsumer(consumerId)),
      signaling.on('media.reset', () => void this.#restart()),
    );
  }

  /** Called whenever the remote stream or a connection state changes. */
  set onChange(listener: () => void) {
    this.#onChange = listener;
  }

  get sendState(): ConnectionState | 'new' {
    return this.#sendTransport?.connectionState ?? 'new';
  }

  get recvState(): ConnectionState | 'new' {
    return this.#recvTransport?.connectionState ?? 'new';
  }

  /** Creates both transports and sends the local tracks, video with the agreed codec. */
  async start(local: MediaStream, videoCodec: VideoCodec): Promise<void> {
    this.#local = local;
    this.#videoCodec = videoCodec;
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const local = this.#local!;
    const videoCodec = this.#videoCodec;
    this.#recvTransport = await this.#createTransport('recv');
    this.#resolveRecv(this.#recvTransport);
    this.#sendTransport = await this.#createTransport('send');
    const codec = this.#device.rtpCapabilities.codecs?.find(
      (c) => c.mimeType.toLowerCase() === `video/${videoCodec}`,
    );
    for (const track of local.getTracks()) {
      const producer = await this.#sendTransport.produce({
        track,
        stopTracks: false,
        ...(track.kind === 'video' && codec ? { codec } : {}),
        ...(track.kind === 'audio' ? { codecOptions: { opusFec: true, opusDtx: false } } : {}),
      });
      this.#producers.push(producer);
    }
  }

  /**
   * The server lost the media worker hosting the call and moved it to a new one: every
   * transport is gone, so set them up again and send the same tracks.
   */
  async #restart(): Promise<void> {
    if (this.#closed || !this.#local) return;
    this.resets++;
    await this.#rebuild();
  }

  /**
   * This party rejoined its session on a new signaling connection: the server closed the
   * old transports, so set up new ones and send the same tracks.
   */
  async rejoined(): Promise<void> {
    if (this.#closed || !this.#local) return;
    this.rejoins++;
    await this.#rebuild();
  }

  /** ICE restarts done so far (diagnostics, tests). */
  get iceRestarts(): number {
    return this.#earlierIceRestarts + [...this.#ice.values()].reduce((n, ice) => n + ice.restarts, 0);
  }

  async #rebuild(): Promise<void> {
    this.#closeTransports();
    this.#expectRecvTransport();
    this.#onChange();
    await this.#connect();
  }

  #expectRecvTransport(): void {
    this.#recvReady = new Promise((resolve) => (this.#resolveRecv = resolve));
  }

  #closeTransports(): void {
    for (const ice of this.#ice.values()) {
      ice.stop();
      this.#earlierIceRestarts += ice.restarts;
    }
    this.#ice.clear();
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#sendTransport = null;
    this.#recvTransport = null;
    this.#producers.length = 0;
    this.#consumers.clear();
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
  }

  /** The RTCPeerConnection stats of the receive transport (for quality and tests). */
  async receiveStats(): Promise<RTCStatsReport | null> {
    return this.#recvTransport ? this.#recvTransport.getStats() : null;
  }

  async sendStats(): Promise<RTCStatsReport | null> {
    return this.#sendTransport ? this.#sendTransport.getStats() : null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of this.#unsubscribe) stop();
    this.#closeTransports();
    this.#onChange();
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const options = await this.#signaling.request('transport.create', { direction });
    const transport =
      direction === 'send'
        ? this.#device.createSendTransport(options as types.TransportOptions)
        : this.#device.createRecvTransport(options as types.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signaling
        .request('transport.connect', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      this.#signaling
        .request('produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as never })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    // A transport whose network dropped gets new ICE parameters from the server.
    const ice = new IceRecovery({
      restart: async () => {
        console.info(`restarting ICE on the ${direction} transport (${transport.connectionState})`);
        try {
          const { iceParameters } = await this.#signaling.request('transport.restartIce', { transportId: transport.id }, { timeoutMs: RESTART_ICE_TIMEOUT_MS });
          if (!transport.closed) await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
        } catch (error) {
          // No answer: the signaling socket is dead too; dropping it starts the rejoin.
          if (error instanceof SignalingTimeoutError) this.#signaling.drop();
          throw error;
        }
      },
    });
    this.#ice.set(transport.id, ice);
    transport.on('connectionstatechange', (state) => {
      ice.onState(state);
      this.#onChange();
    });
    return transport;
  }

  async #consume(data: NotificationData<'consumer.new'>): Promise<void> {
    const recvTransport = await this.#recvReady;
    if (this.#closed) return;
    const consumer = await recvTransport.consume({
      id: data.consumerId,
      producerId: data.producerId,
      kind: data.kind,
      rtpParameters: data.rtpParameters as types.RtpParameters,
    });
    this.#consumers.set(consumer.id, consumer);
    this.remoteStream.addTrack(consumer.track);
    await this.#signaling.request('consumer.resume', { consumerId: consumer.id });
    this.#onChange();
  }

  #dropConsumer(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) return;
    this.#consumers.delete(consumerId);
    this.remoteStream.removeTrack(consumer.track);
    consumer.close();
    this.#onChange();
  }
}
