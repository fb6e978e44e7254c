/**
 * Tells from successive samples of a byte counter (RTP received from one party) whether
 * its media flows: stalled once nothing arrived for `stallMs` after it had been flowing,
 * flowing again at the first progress. Nothing is judged before media first arrives.
 */
export class MediaFlow {
  readonly #stallMs: number;
  #bytes = -1;
  #lastProgressMs: number | null = null;
  #stalled: boolean;

  /** `stalled`: the party's media was already judged stalled (a new peer after a rejoin). */
  constructor(stallMs = 1500, { stalled = false }: { stalled?: boolean } = {}) {
    this.#stallMs = stallMs;
    this.#stalled = stalled;
  }

  /** Returns 'stalled' (with when media last arrived) or 'flowing' on a change, else null. */
  sample(bytes: number, nowMs: number): { state: 'stalled'; sinceMs: number } | { state: 'flowing' } | null {
    const progressed = this.#bytes >= 0 && bytes > this.#bytes;
    const first = this.#bytes < 0;
    this.#bytes = bytes;
    if (first) {
      // The first sample is the baseline; media that already arrived counts as flowing.
      if (bytes === 0) return null;
      this.#lastProgressMs = nowMs;
      if (!this.#stalled) return null;
      this.#stalled = false;
      return { state: 'flowing' };
    }
    if (progressed) {
      this.#lastProgressMs = nowMs;
      if (this.#stalled) {
        this.#stalled = false;
        return { state: 'flowing' };
      }
      return null;
    }
    if (!this.#stalled && this.#lastProgressMs !== null && nowMs - this.#lastProgressMs > this.#stallMs) {
      this.#stalled = true;
      return { state: 'stalled', sinceMs: this.#lastProgressMs };
    }
    return null;
  }
}

/**
 * Turns counters that restart from zero when their source is replaced (a consumer closed
 * and a new one made) into one that only grows, for MediaFlow.
 */
export class GrowingCounter {
  #last = 0;
  total = 0;

  add(value: number): number {
    this.total += value >= this.#last ? value - this.#last : value;
    this.#last = value;
    return this.total;
  }
}
