/**
 * A signaling client for fuzzing: sends any bytes (text, binary, fragmented, not UTF-8),
 * many at a time, and pairs each with what came back. The server answers the frames of a
 * connection one at a time and in order, so the n-th reply is the answer to the n-th frame;
 * when the server closes the connection, every frame still waiting was refused by that close.
 */
import WebSocket from 'ws';
import { kioskHello } from '../kiosks.ts';

export interface ReplyFrame {
  id: number | null;
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string };
}

export type Outcome = { kind: 'reply'; reply: ReplyFrame } | { kind: 'closed'; code: number; reason: string };

export interface Notification {
  notification: string;
  data: unknown;
}

export class FuzzSocket {
  readonly socket: WebSocket;
  readonly notifications: Notification[] = [];
  /** Replies that came when no frame was waiting for one, and frames from the server that were not JSON. */
  readonly anomalies: string[] = [];
  /** Set once the connection is closed. */
  closedWith: { code: number; reason: string } | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Replies to frames the server counts as bad (bad-frame, unknown-method, invalid-data by the schema). */
  badReplies = 0;
  /** Called for each notification (e.g. to learn consumer ids). */
  onNotification: ((n: Notification) => void) | null = null;
  readonly #waiting: Array<(outcome: Outcome) => void> = [];
  #nextRequestId = 1_000_000_000;
  readonly #url: string;

  private constructor(socket: WebSocket, url: string) {
    this.socket = socket;
    this.#url = url;
    socket.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        this.anomalies.push(`not JSON from the server: ${String(data).slice(0, 100)}`);
        return;
      }
      if ('notification' in frame) {
        const n = frame as unknown as Notification;
        this.notifications.push(n);
        if (this.notifications.length > 500) this.notifications.shift();
        this.onNotification?.(n);
        return;
      }
      const waiter = this.#waiting.shift();
      if (!waiter) {
        this.anomalies.push(`a reply nobody asked for: ${JSON.stringify(frame).slice(0, 200)}`);
        return;
      }
      waiter({ kind: 'reply', reply: frame as unknown as ReplyFrame });
    });
    // Writes after the server closed (EPIPE, ECONNRESET) end in the close event.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.closedWith = { code, reason: String(reason) };
        for (const waiter of this.#waiting.splice(0)) waiter({ kind: 'closed', code, reason: String(reason) });
        resolve(this.closedWith);
      });
    });
  }

  static async open(url: string, cookie?: string): Promise<FuzzSocket> {
    const socket = new WebSocket(url, { headers: cookie ? { cookie } : {}, maxPayload: 16 * 1024 * 1024 });
    const client = new FuzzSocket(socket, url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
    return client;
  }

  get open(): boolean {
    return this.closedWith === null && this.socket.readyState === WebSocket.OPEN;
  }

  get inFlight(): number {
    return this.#waiting.length;
  }

  /** Sends one message (as text unless `binary`, in `fragments` pieces if given); resolves with its answer. */
  send(payload: string | Buffer, options: { binary?: boolean; fragments?: number } = {}): Promise<Outcome> {
    if (!this.open) return Promise.resolve({ kind: 'closed', code: this.closedWith?.code ?? 1006, reason: 'already closed' });
    const outcome = new Promise<Outcome>((resolve) => this.#waiting.push(resolve));
    const binary = options.binary ?? false;
    const pieces = options.fragments ?? 1;
    if (pieces <= 1) {
      this.socket.send(payload, { binary });
    } else {
      const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
      const size = Math.ceil(bytes.length / pieces);
      for (let at = 0; at < bytes.length; at += size) {
        this.socket.send(bytes.subarray(at, at + size), { binary, fin: at + size >= bytes.length });
      }
    }
    return outcome;
  }

  /** A well-formed request; resolves with its answer. */
  request(method: string, data: unknown): Promise<Outcome> {
    return this.send(JSON.stringify({ id: this.#nextRequestId++, method, data }));
  }

  /** A request that must succeed (set-up steps); returns its data. */
  async must<T = Record<string, unknown>>(method: string, data: unknown): Promise<T> {
    // A kiosk's hello by name is sent with the credential of the enrolled kiosk of that name.
    const outcome = await this.request(method, method === 'hello' ? await kioskHello(this.#url, data) : data);
    if (outcome.kind !== 'reply' || !outcome.reply.ok) throw new Error(`${method} failed: ${JSON.stringify(outcome)}`);
    return outcome.reply.data as T;
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.closedWith) return Promise.resolve(this.closedWith);
    this.socket.close(1000, 'done');
    return this.closed;
  }
}
