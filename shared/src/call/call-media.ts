/**
 * The media half of a call in the browser (kiosk and console alike): a mediasoup-client
 * Device, one send and one receive transport, the local tracks sent and the remote
 * tracks received.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { RtpCapabilities, VideoCodec } from '../protocol/media.ts';
import type { NotificationData } from '../protocol/signaling.ts';
import type { SignalingClient } from './signaling-client.ts';

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
    this.#closeTransports();
    this.#expectRecvTransport();
    this.#onChange();
    await this.#connect();
  }

  #expectRecvTransport(): void {
    this.#recvReady = new Promise((resolve) => (this.#resolveRecv = resolve));
  }

  #closeTransports(): void {
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
    transport.on('connectionstatechange', () => this.#onChange());
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
