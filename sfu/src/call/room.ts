/**
 * A call in progress: one mediasoup router, the kiosk and the teller peers, and who
 * receives whose tracks. The recorder follows a room through its events.
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { DtlsParameters, MediaKind, Role, RtpParameters, TransportOptions, VideoCodec } from '@vtm/shared';
import { notAllowed } from '../errors.ts';
import type { Peer } from './peer.ts';

export interface RtcListenConfig {
  minPort: number;
  maxPort: number;
  announcedAddress: string;
}

export interface RoomEvents {
  /** The set of producers changed (one added or closed). */
  'producers-changed': [];
  /** The router was replaced after its worker died; peers must set up media again. */
  'media-reset': [];
  /** Both parties' transports completed DTLS: media can flow both ways (again, after a reset). */
  connected: [];
}

export interface RoomProducer {
  role: Role;
  kind: MediaKind;
  producer: types.Producer;
}

export class Room extends EventEmitter<RoomEvents> {
  readonly sessionId: string;
  readonly videoCodec: VideoCodec;
  readonly #listen: RtcListenConfig;
  readonly #peers = new Map<Role, Peer>();
  #router: types.Router;
  #closed = false;
  /** Transports whose DTLS handshake completed, since the last (re)connection. */
  readonly #connectedTransports = new Set<string>();
  #announcedConnected = false;

  constructor(init: { sessionId: string; router: types.Router; videoCodec: VideoCodec; listen: RtcListenConfig }) {
    super();
    this.sessionId = init.sessionId;
    this.videoCodec = init.videoCodec;
    this.#router = init.router;
    this.#listen = init.listen;
  }

  get router(): types.Router {
    return this.#router;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peers(): Peer[] {
    return [...this.#peers.values()];
  }

  peer(role: Role): Peer | undefined {
    return this.#peers.get(role);
  }

  /** Every producer in the call, kiosk first, audio before video. */
  get producers(): RoomProducer[] {
    const order = (p: RoomProducer) => (p.role === 'kiosk' ? 0 : 2) + (p.kind === 'audio' ? 0 : 1);
    return this.peers
      .flatMap((peer) => peer.producers.map((producer) => ({ role: peer.role, kind: producer.kind, producer })))
      .sort((a, b) => order(a) - order(b));
  }

  join(peer: Peer): void {
    this.#peers.set(peer.role, peer);
  }

  leave(peer: Peer): void {
    if (this.#peers.get(peer.role) !== peer) return;
    peer.closeMedia();
    this.#peers.delete(peer.role);
  }

  async createTransport(peer: Peer, direction: 'send' | 'recv'): Promise<TransportOptions> {
    this.#assertMember(peer);
    const listenInfo = {
      ip: '0.0.0.0',
      announcedAddress: this.#listen.announcedAddress,
      portRange: { min: this.#listen.minPort, max: this.#listen.maxPort },
    };
    const transport = await this.#router.createWebRtcTransport({
      listenInfos: [
        { ...listenInfo, protocol: 'udp' },
        { ...listenInfo, protocol: 'tcp' },
      ],
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { direction },
    });
    peer.addTransport(transport);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'connected') this.#transportConnected(transport.id);
    });
    if (direction === 'recv') {
      // The other party may already be sending: receive what exists now.
      for (const other of this.#others(peer)) {
        for (const producer of other.producers) await this.#consume(peer, other.role, producer);
      }
    }
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters as DtlsParameters,
    };
  }

  async connectTransport(peer: Peer, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    this.#assertMember(peer);
    await peer.transport(transportId).connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
  }

  async restartIce(peer: Peer, transportId: string) {
    this.#assertMember(peer);
    return peer.transport(transportId).restartIce();
  }

  async produce(peer: Peer, transportId: string, kind: MediaKind, rtpParameters: RtpParameters): Promise<string> {
    this.#assertMember(peer);
    const transport = peer.transport(transportId);
    if (transport.appData['direction'] !== 'send') throw notAllowed('produce needs a send transport');
    if (peer.producers.some((p) => p.kind === kind)) throw notAllowed(`already sending ${kind}`);
    const producer = await transport.produce({ kind, rtpParameters: rtpParameters as types.RtpParameters });
    peer.addProducer(producer);
    producer.observer.once('close', () => {
      if (!this.#closed) this.emit('producers-changed');
    });
    for (const other of this.#others(peer)) await this.#consume(other, peer.role, producer);
    this.emit('producers-changed');
    return producer.id;
  }

  async resumeConsumer(peer: Peer, consumerId: string): Promise<void> {
    this.#assertMember(peer);
    await peer.consumer(consumerId).resume();
  }

  /** Moves the call to a new router after the old one died with its worker. */
  replaceRouter(router: types.Router): void {
    for (const peer of this.peers) peer.closeMedia();
    this.#connectedTransports.clear();
    this.#announcedConnected = false;
    this.#router = router;
    this.emit('media-reset');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.peers) peer.closeMedia();
    this.#peers.clear();
    this.#router.close();
  }

  #transportConnected(transportId: string): void {
    this.#connectedTransports.add(transportId);
    const everyone = this.peers.length === 2 && this.peers.every((p) => p.transportIds.every((id) => this.#connectedTransports.has(id)) && p.transportIds.length === 2);
    if (everyone && !this.#announcedConnected) {
      this.#announcedConnected = true;
      this.emit('connected');
    }
  }

  #others(peer: Peer): Peer[] {
    return this.peers.filter((p) => p !== peer);
  }

  #assertMember(peer: Peer): void {
    if (this.#closed || this.#peers.get(peer.role) !== peer) throw notAllowed('not in this call');
  }

  async #consume(receiver: Peer, from: Role, producer: types.Producer): Promise<void> {
    const transport = receiver.recvTransport;
    if (!transport) return; // it will consume when it creates its receive transport
    const rtpCapabilities = receiver.rtpCapabilities as types.RtpCapabilities;
    if (!this.#router.canConsume({ producerId: producer.id, rtpCapabilities })) return;
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    receiver.addConsumer(consumer);
    consumer.on('producerclose', () => {
      consumer.close();
      receiver.notify('consumer.closed', { consumerId: consumer.id });
    });
    receiver.notify('consumer.new', {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as RtpParameters,
      from,
    });
  }
}
