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

export class SignalingClient {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Map<NotificationName, Set<Listener>>();
  readonly #closeListeners = new Set<(code: number) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => this.#onMessage(String(event.data)));
    socket.addEventListener('close', (event) => {
      for (const { reject } of this.#pending.values()) reject(new Error('signaling connection closed'));
      this.#pending.clear();
      for (const listener of this.#closeListeners) listener(event.code);
    });
  }

  /** Opens the signaling socket of the server this page came from. */
  static connect(url = SignalingClient.defaultUrl()): Promise<SignalingClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new SignalingClient(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot reach ${url}`)), { once: true });
    });
  }

  static defaultUrl(): string {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no reply from the server`));
      }, REQUEST_TIMEOUT_MS);
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

  onClose(listener: (code: number) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(): void {
    this.#socket.close(1000);
  }

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
