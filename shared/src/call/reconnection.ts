/**
 * How a party of a call gets back after its network drops, as plain logic with injected
 * timers (the browser parts are in CallMedia and CallParty):
 *
 *  - media: a transport that goes 'disconnected' often comes back by itself within a
 *    second or two; if it has not after `disconnectedGraceMs`, or it went 'failed', ask
 *    the server for new ICE parameters and restart ICE on it, again every `retryMs` until
 *    it connects (IceRecovery);
 *  - signaling: a WebSocket that closed without being asked to is reopened, with short
 *    growing pauses, until the session is rejoined or the deadline passes (retryUntil).
 */

export type TransportState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface IceRecoveryOptions {
  /** Restarts ICE on the transport (asks the server for new parameters and applies them). */
  restart: () => Promise<void>;
  /** How long a 'disconnected' transport may recover by itself before an ICE restart. */
  disconnectedGraceMs?: number;
  /** Pause between restarts while the transport stays down. */
  retryMs?: number;
  timers?: Timers;
}

export class IceRecovery {
  readonly #restart: () => Promise<void>;
  readonly #graceMs: number;
  readonly #retryMs: number;
  readonly #timers: Timers;
  #state: TransportState = 'new';
  #timer: unknown = null;
  #restarting = false;
  /** ICE restarts asked for since the transport last connected. */
  attempts = 0;
  /** ICE restarts over the transport's life (diagnostics, tests). */
  restarts = 0;

  constructor(options: IceRecoveryOptions) {
    this.#restart = options.restart;
    this.#graceMs = options.disconnectedGraceMs ?? 1500;
    this.#retryMs = options.retryMs ?? 3000;
    this.#timers = options.timers ?? realTimers;
  }

  get state(): TransportState {
    return this.#state;
  }

  /** Feed every connection state change of the transport. */
  onState(state: TransportState): void {
    this.#state = state;
    switch (state) {
      case 'connected':
        this.#cancel();
        this.attempts = 0;
        break;
      case 'disconnected':
        this.#schedule(this.#graceMs);
        break;
      case 'failed':
        this.#cancel();
        void this.#attempt();
        break;
      case 'closed':
        this.#cancel();
        break;
      default:
        break;
    }
  }

  /** Stops for good (the transport is being replaced). */
  stop(): void {
    this.#state = 'closed';
    this.#cancel();
  }

  #down(): boolean {
    return this.#state === 'disconnected' || this.#state === 'failed';
  }

  #schedule(ms: number): void {
    if (this.#timer !== null || this.#restarting) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      void this.#attempt();
    }, ms);
  }

  #cancel(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #attempt(): Promise<void> {
    if (this.#restarting || !this.#down()) return;
    this.#restarting = true;
    this.attempts++;
    this.restarts++;
    try {
      await this.#restart();
    } catch {
      // Tried again below while the transport stays down.
    } finally {
      this.#restarting = false;
    }
    if (this.#down()) this.#schedule(this.#retryMs);
  }
}

/** Pauses between reconnection attempts: at once, then growing to `maxMs`. */
export function reconnectDelay(attempt: number, maxMs = 2000): number {
  if (attempt <= 0) return 0;
  return Math.min(maxMs, 250 * 2 ** (attempt - 1));
}

export class GiveUp extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GiveUp';
  }
}

/**
 * Calls `attempt` until it resolves, pausing `reconnectDelay(n)` between tries. An
 * attempt that throws GiveUp ends the loop at once (e.g. the session has ended); past
 * `deadlineMs` the last error is thrown.
 */
export async function retryUntil<T>(
  attempt: (n: number) => Promise<T>,
  options: { deadlineMs: number; now?: () => number; sleep?: (ms: number) => Promise<void>; maxDelayMs?: number; onError?: (error: unknown) => void },
): Promise<T> {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.deadlineMs;
  for (let n = 0; ; n++) {
    const pause = reconnectDelay(n, options.maxDelayMs);
    if (pause > 0) await sleep(pause);
    try {
      return await attempt(n);
    } catch (error) {
      if (error instanceof GiveUp || now() >= deadline) throw error;
      options.onError?.(error);
    }
  }
}
