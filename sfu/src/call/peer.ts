/**
 * One party on the signaling channel (a kiosk or a teller) and the media objects it owns
 * in its current call.
 */
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { NotificationData, NotificationName, RtpCapabilities, Role, TellerPresence } from '@vtm/shared';
import { notFound } from '../errors.ts';

/** What a peer needs from its signaling connection. */
export interface PeerChannel {
  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void;
  /** Closes the connection (a peer replaced by its own rejoin on a new one). */
  close?(): void;
}

export class Peer {
  readonly id = randomUUID();
  readonly role: Role;
  readonly name: string;
  /** What this browser can receive; given when it creates or accepts a session. */
  rtpCapabilities: RtpCapabilities = {};
  /** The session this peer is waiting in or taking part in. */
  sessionId: string | null = null;
  /** For kiosks: where the machine stands (branch, mall...), shown in the queue. */
  location = '';
  /** For kiosks: the enrolled kiosk whose credential opened this connection. */
  kioskId: number | null = null;
  /** For tellers: whether they take calls. Busy while in a call. */
  presence: TellerPresence = 'available';

  readonly #channel: PeerChannel;
  readonly #transports = new Map<string, types.WebRtcTransport>();
  readonly #producers = new Map<string, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();

  constructor(init: { role: Role; name: string; channel: PeerChannel }) {
    this.role = init.role;
    this.name = init.name;
    this.#channel = init.channel;
  }

  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    this.#channel.notify(name, data);
  }

  get producers(): types.Producer[] {
    return [...this.#producers.values()];
  }

  get transportIds(): string[] {
    return [...this.#transports.keys()];
  }

  get sendTransport(): types.WebRtcTransport | undefined {
    return [...this.#transports.values()].find((t) => t.appData['direction'] === 'send');
  }

  /** This peer's connection was taken over by a rejoin on a new one: it stops mattering. */
  disconnect(): void {
    this.#channel.close?.();
  }

  get recvTransport(): types.WebRtcTransport | undefined {
    return [...this.#transports.values()].find((t) => t.appData['direction'] === 'recv');
  }

  addTransport(transport: types.WebRtcTransport): void {
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
  }

  transport(id: string): types.WebRtcTransport {
    const transport = this.#transports.get(id);
    if (!transport) throw notFound('transport');
    return transport;
  }

  addProducer(producer: types.Producer): void {
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer): void {
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
  }

  consumer(id: string): types.Consumer {
    const consumer = this.#consumers.get(id);
    if (!consumer) throw notFound('consumer');
    return consumer;
  }

  /** Closes every transport, and with them all producers and consumers. */
  closeMedia(): void {
    for (const transport of this.#transports.values()) transport.close();
  }
}
