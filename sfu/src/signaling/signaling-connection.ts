/**
 * One WebSocket: parses and validates every frame against the shared protocol, runs the
 * handler, and answers. A bad frame gets an error reply and changes nothing.
 */
import type { WebSocket } from 'ws';
import {
  MAX_SIGNALING_FRAME_DEPTH,
  RequestFrame,
  isMethod,
  requests,
  type ErrorCode,
  type NotificationData,
  type NotificationName,
  type ServerFrame,
} from '@vtm/shared';
import { RequestError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { UserRecord } from '../storage/repositories.ts';
import { handlers, type HandlerContext } from './handlers.ts';
import { nestsDeeperThan } from './frame-depth.ts';
import { CLOSE_KIOSK_UNAUTHENTICATED, type KioskConnections } from './kiosk-connections.ts';

/** A client that keeps sending garbage is cut off rather than answered forever. */
const MAX_BAD_FRAMES = 50;
export const CLOSE_TOO_MANY_BAD_FRAMES = 4400;
/**
 * Close codes of a page that went (closed, navigated away, or its app hung up): 1000,
 * 1001 and 1005 (a close frame without a code). Anything else — 1006 (no close frame:
 * the network went, the browser was killed, a heartbeat was missed) or a client's own
 * code for a socket it gave up on — is a dropped connection, which may come back.
 */
const CLEAN_CLOSES = new Set([1000, 1001, 1005]);

export class SignalingConnection {
  readonly #socket: WebSocket;
  readonly #logger: Logger;
  readonly #ctx: HandlerContext;
  #badFrames = 0;
  readonly #kioskConnections: KioskConnections | null;
  /** Forgets this connection among its kiosk's (set once a kiosk said hello). */
  #forgetKioskConnection: (() => void) | null = null;
  /** The kiosk was revoked: the socket is closing, and nothing more it sent is done. */
  #revoked = false;
  /**
   * The server cut the client off on purpose (bad frames, no valid credential, revoked, or
   * a frame ws refused: over the size limit, bad UTF-8, bad protocol), so its session gets
   * no grace to come back. Known here, not from the close code: the server side of a socket
   * ws closed for a protocol error sees 1006.
   */
  #refused = false;
  /** Requests run one at a time, in order, so a client sees its own effects in sequence. */
  #queue: Promise<void> = Promise.resolve();

  constructor(
    socket: WebSocket,
    ctx: Omit<HandlerContext, 'peer' | 'channel' | 'user'>,
    user: Promise<UserRecord | undefined>,
    logger: Logger,
    kioskConnections: KioskConnections | null = null,
  ) {
    this.#socket = socket;
    this.#kioskConnections = kioskConnections;
    this.#logger = logger;
    this.#ctx = {
      ...ctx,
      user: null,
      peer: null,
      channel: { notify: (name, data) => this.notify(name, data), close: () => socket.terminate() },
    };
    // Frames wait for the sign-in lookup: the queue starts with it.
    this.#queue = user.then(
      (u) => void (this.#ctx.user = u ?? null),
      () => undefined,
    );
    socket.on('message', (raw, isBinary) => {
      this.#queue = this.#queue.then(() => this.#onFrame(raw, isBinary));
    });
    // ws reports a frame it refused (size, UTF-8, protocol) as an error, then closes.
    socket.on('error', () => (this.#refused = true));
    socket.once('close', (code) => {
      this.#forgetKioskConnection?.();
      this.#queue = this.#queue.then(() => this.#onClose(CLEAN_CLOSES.has(code) || this.#refused));
    });
  }

  notify<N extends NotificationName>(notification: N, data: NotificationData<N>): void {
    this.#send({ notification, data });
  }

  async #onFrame(raw: unknown, isBinary: boolean): Promise<void> {
    // Frames that arrived before a revocation closed the socket are not acted on.
    if (this.#revoked) return;
    const text = isBinary ? null : String(raw);
    if (text !== null && nestsDeeperThan(text, MAX_SIGNALING_FRAME_DEPTH)) {
      return this.#reject(null, 'bad-frame', `frames may nest at most ${MAX_SIGNALING_FRAME_DEPTH} levels deep`);
    }
    let json: unknown;
    try {
      if (text === null) throw new Error('binary');
      json = JSON.parse(text);
    } catch {
      return this.#reject(null, 'bad-frame', text === null ? 'binary frames are not accepted' : 'frame is not valid JSON');
    }
    const frame = RequestFrame.safeParse(json);
    if (!frame.success) return this.#reject(idOf(json), 'bad-frame', 'frame must be {id, method, data}');
    const { id, method } = frame.data;
    if (!isMethod(method)) return this.#reject(id, 'unknown-method', `unknown method "${method.slice(0, 64)}"`);
    const data = requests[method].data.safeParse(frame.data.data ?? {});
    if (!data.success) {
      const where = data.error.issues[0];
      return this.#reject(id, 'invalid-data', `${method}: ${where?.path.join('.') || 'data'}: ${where?.message ?? 'invalid'}`);
    }
    try {
      const handler = handlers[method] as (ctx: HandlerContext, d: unknown) => Promise<unknown>;
      const result = await handler(this.#ctx, data.data);
      this.#send({ id, ok: true, data: result });
      if (method === 'hello') this.#watchKiosk();
    } catch (error) {
      if (error instanceof RequestError) {
        this.#send({ id, ok: false, error: { code: error.code, message: error.message } });
        // A kiosk without a valid credential gets nothing more: the answer, then the socket closes.
        if (method === 'hello' && error.code === 'unauthenticated' && (data.data as { role: string }).role === 'kiosk') {
          this.#refuse(CLOSE_KIOSK_UNAUTHENTICATED, 'kiosk not enrolled');
        }
        return;
      }
      if (error instanceof TypeError) {
        // mediasoup rejects semantically invalid parameters with TypeError.
        return this.#send({ id, ok: false, error: { code: 'invalid-data', message: error.message } });
      }
      this.#logger.error({ err: error, method }, 'request failed');
      this.#send({ id, ok: false, error: { code: 'internal', message: 'the server could not do this' } });
    }
  }

  /** An enrolled kiosk's connection is kept among its kiosk's, for a revocation to close. */
  #watchKiosk(): void {
    const kioskId = this.#ctx.peer?.kioskId;
    if (kioskId == null || !this.#kioskConnections || this.#socket.readyState !== this.#socket.OPEN) return;
    this.#forgetKioskConnection = this.#kioskConnections.add(kioskId, () => {
      this.#revoked = true;
      this.#refuse(CLOSE_KIOSK_UNAUTHENTICATED, 'kiosk revoked');
    });
  }

  #reject(id: number | null, code: ErrorCode, message: string): void {
    this.#send({ id, ok: false, error: { code, message } });
    if (++this.#badFrames >= MAX_BAD_FRAMES) this.#refuse(CLOSE_TOO_MANY_BAD_FRAMES, 'too many bad frames');
  }

  #refuse(code: number, reason: string): void {
    this.#refused = true;
    this.#socket.close(code, reason);
  }

  /** `clean`: the connection is not coming back (the page went, or the server refused it). */
  async #onClose(clean: boolean): Promise<void> {
    const peer = this.#ctx.peer;
    if (!peer) return;
    try {
      await this.#ctx.sessions.disconnected(peer, { clean });
    } catch (error) {
      this.#logger.error({ err: error }, 'cleanup after disconnect failed');
    }
  }

  #send(frame: ServerFrame): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(frame));
  }
}

function idOf(json: unknown): number | null {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}
