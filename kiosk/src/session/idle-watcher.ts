/**
 * Notices a customer who walked away: after `idleMs` without a touch it starts a
 * countdown (so someone still there can carry on), and when that runs out it calls
 * `onExpired` so the kiosk wipes every trace of them.
 */
export interface IdleWatcherOptions {
  idleMs: number;
  countdownMs: number;
  onCountdown: (secondsLeft: number) => void;
  onExpired: () => void;
}

export class IdleWatcher {
  readonly #options: IdleWatcherOptions;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #tick: ReturnType<typeof setInterval> | null = null;
  #active = false;

  constructor(options: IdleWatcherOptions) {
    this.#options = options;
  }

  /** Starts (or restarts) watching; call on every touch while a customer is being served. */
  touch(): void {
    if (!this.#active) return;
    this.#clear();
    this.#idleTimer = setTimeout(() => this.#startCountdown(), this.#options.idleMs);
  }

  start(): void {
    this.#active = true;
    this.touch();
  }

  /** Stops watching (in a call, or back at the attract screen). */
  stop(): void {
    this.#active = false;
    this.#clear();
  }

  get counting(): boolean {
    return this.#tick !== null;
  }

  #startCountdown(): void {
    let left = Math.ceil(this.#options.countdownMs / 1000);
    this.#options.onCountdown(left);
    this.#tick = setInterval(() => {
      left -= 1;
      if (left > 0) return this.#options.onCountdown(left);
      this.stop();
      this.#options.onExpired();
    }, 1000);
  }

  #clear(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    if (this.#tick) clearInterval(this.#tick);
    this.#idleTimer = null;
    this.#tick = null;
  }
}
