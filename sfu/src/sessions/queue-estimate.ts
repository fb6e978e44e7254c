/**
 * How long a waiting customer will probably wait: customers ahead of them are served by
 * the tellers taking calls, each call lasting about as long as recent ones did.
 */

/** Until calls have been measured, assume a risk-assessment session takes about this long. */
export const DEFAULT_HANDLING_SECONDS = 8 * 60;
const RECENT_CALLS = 20;

export function estimateWaitSeconds(input: { position: number; tellersTakingCalls: number; averageHandlingSeconds: number }): number {
  const tellers = Math.max(1, input.tellersTakingCalls);
  // The customer at position p waits for the (p - 1) ahead of them, shared among the tellers,
  // plus, on average, half a call until the first teller frees up.
  const callsAhead = (input.position - 1) / tellers + 0.5;
  return Math.round(callsAhead * input.averageHandlingSeconds);
}

/** A rolling average of how long recent calls lasted. */
export class HandlingTimeAverage {
  readonly #recent: number[] = [];

  add(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    this.#recent.push(seconds);
    if (this.#recent.length > RECENT_CALLS) this.#recent.shift();
  }

  get seconds(): number {
    if (this.#recent.length === 0) return DEFAULT_HANDLING_SECONDS;
    return this.#recent.reduce((a, b) => a + b, 0) / this.#recent.length;
  }
}
