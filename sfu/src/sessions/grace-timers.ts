/**
 * The grace periods of parties whose connection dropped: one timer per session and role
 * that gives up on the party when it runs out, unless the party rejoins first (cancel).
 * A new drop of the same party starts its grace afresh.
 */
import type { Role } from '@vtm/shared';

export class GraceTimers {
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; since: number }>();
  readonly #onError: (error: unknown, sessionId: string, role: Role) => void;

  constructor(onError: (error: unknown, sessionId: string, role: Role) => void) {
    this.#onError = onError;
  }

  /** Calls `expire` after `ms` unless cancelled; replaces a grace already running for the party. */
  start(sessionId: string, role: Role, ms: number, expire: () => Promise<void>): void {
    this.cancel(sessionId, role);
    const key = `${sessionId}/${role}`;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      expire().catch((error: unknown) => this.#onError(error, sessionId, role));
    }, ms);
    timer.unref?.();
    this.#timers.set(key, { timer, since: Date.now() });
  }

  /** The party came back (or the session ended): no expiry. Returns how long the grace had run, or null. */
  cancel(sessionId: string, role: Role): number | null {
    const key = `${sessionId}/${role}`;
    const running = this.#timers.get(key);
    if (!running) return null;
    clearTimeout(running.timer);
    this.#timers.delete(key);
    return Date.now() - running.since;
  }

  running(sessionId: string, role: Role): boolean {
    return this.#timers.has(`${sessionId}/${role}`);
  }

  cancelAll(): void {
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
