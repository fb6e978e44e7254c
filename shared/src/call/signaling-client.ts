/**
 * The browser end of the signaling WebSocket: typed requests that resolve with the
 * server's reply, and typed notifications.
 */
import {
  isNotificationFrame,
  type ErrorCode,
  type Method,
  type NotificationData,
  type NotificationName,
  type RequestData,
  type ResponseData,
  type ServerFrame,
} from '../protocol/signaling.ts';

/** Close code the client uses for a socket it gave up on (no reply in time). */
export const CLOSE_UNRESPONSIVE = 4001;

export class SignalingRequestError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SignalingRequestError';
    this.code = code;
  }
}

type Listener = (data: never) => void;

const REQUEST_TIMEOUT_MS = 15_000;
const OPEN_TIMEOUT_MS = 5000;

/** A request the server did not answer in time: the connection may be dead without the browser knowing. */
export class SignalingTimeoutError extends Error {
  constructor(method: string) {
    super(`${method}: no reply from the server`);
    this.name = 'SignalingTimeoutError';
  }
}

function openSocket(url: string, timeoutMs = OPEN_TIMEOUT_MS): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`cannot reach ${url}`));
    }, timeoutMs);
    socket.addEventListener(
      'open',
      () => {
        clearTimeout(timer);
        resolve(socket);
      },
      { once: true },
    );
    socket.addEventListener(
      'error',
      () => {
        clearTimeout(timer);
        reject(new Error(`cannot reach ${url}`));
      },
      { once: true },
    );
  });
}

/**
 * One signaling channel to the server. Its socket can be replaced (reconnect) without
 * losing the notification listeners, so a party that lost its connection rejoins its
 * session and every part of the page keeps hearing the server.
 */
export class SignalingClient {
  #socket!: WebSocket;
  readonly #url: string;
  readonly #pending = new Map<number, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Map<NotificationName, Set<Listener>>();
  readonly #closeListeners = new Set<(code: number) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket, url: string) {
    this.#url = url;
    this.#attach(socket);
  }

  /** Opens the signaling socket of the server this page came from. */
  static async connect(url = SignalingClient.defaultUrl()): Promise<SignalingClient> {
    return new SignalingClient(await openSocket(url), url);
  }

  static defaultUrl(): string {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN && !this.#lost.has(this.#socket);
  }

  /** Opens a new socket to the same server in place of the closed one; listeners stay. */
  async reconnect(): Promise<void> {
    const socket = await openSocket(this.#url);
    const old = this.#socket;
    this.#attach(socket);
    if (old.readyState === WebSocket.OPEN || old.readyState === WebSocket.CONNECTING) old.close(1000);
  }

  /**
   * Gives up on a socket that stopped answering (the browser may not notice a dead
   * connection for minutes): close listeners hear of it at once.
   */
  drop(): void {
    const socket = this.#socket;
    if (socket.readyState === WebSocket.CLOSED) return;
    // Closing first: whoever hears of the loss sees a socket that is no longer open.
    socket.close(CLOSE_UNRESPONSIVE);
    this.#closed(socket, CLOSE_UNRESPONSIVE);
  }

  request<M extends Method>(method: M, data: RequestData<M>, { timeoutMs = REQUEST_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<ResponseData<M>> {
    if (this.#socket.readyState !== WebSocket.OPEN || this.#lost.has(this.#socket)) {
      return Promise.reject(new Error(`${method}: signaling connection closed`));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SignalingTimeoutError(method));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply as ResponseData<M>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#socket.send(JSON.stringify({ id, method, data }));
    });
  }

  /** Listens to a notification; returns the function that stops listening. */
  on<N extends NotificationName>(name: N, listener: (data: NotificationData<N>) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /** Hears of every loss of the current socket (not of one replaced by reconnect). */
  onClose(listener: (code: number) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(): void {
    this.#closeListeners.clear();
    this.#socket.close(1000);
  }

  #attach(socket: WebSocket): void {
    this.#socket = socket;
    socket.addEventListener('message', (event) => {
      if (socket === this.#socket) this.#onMessage(String(event.data));
    });
    socket.addEventListener('close', (event) => this.#closed(socket, event.code));
  }

  /** The current socket is gone: pending requests fail, listeners are told (once per socket). */
  #closed(socket: WebSocket, code: number): void {
    if (socket !== this.#socket || this.#lost.has(socket)) return;
    this.#lost.add(socket);
    for (const { reject } of this.#pending.values()) reject(new Error('signaling connection closed'));
    this.#pending.clear();
    for (const listener of [...this.#closeListeners]) listener(code);
  }

  readonly #lost = new WeakSet<WebSocket>();

  #onMessage(text: string): void {
    const frame = JSON.parse(text) as ServerFrame;
    if (isNotificationFrame(frame)) {
      for (const listener of this.#listeners.get(frame.notification) ?? []) (listener as (d: unknown) => void)(frame.data);
      return;
    }
    if (frame.id === null) {
      console.warn('signaling error', frame.ok ? frame : frame.error);
      return;
    }
    const pending = this.#pending.get(frame.id);
    if (!pending) return;
    this.#pending.delete(frame.id);
    if (frame.ok) pending.resolve(frame.data);
    else pending.reject(new SignalingRequestError(frame.error.code, frame.error.message));
  }
}
