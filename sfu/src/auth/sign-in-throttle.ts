/**
 * Slows password guessing down, in memory (one server process):
 *
 * - **Per username** (known or not, so a lockout reveals nothing about who exists):
 *   `maxFailuresPerUser` failed sign-ins, each within `lockoutMs` of the one before, lock
 *   the name for `lockoutMs`. While locked, every attempt is refused without looking at
 *   the password, the right one included. A successful sign-in forgets the name's failures.
 * - **Per client address**: the first `freeFailuresPerAddress` failures cost nothing; each
 *   one after that makes the address wait before its next attempt, twice as long each
 *   time (1 s, 2 s, 4 s, ...), at most `lockoutMs`. Successes do not reset it (an attacker
 *   with one account of their own could otherwise wipe their trail); it is forgotten after
 *   `lockoutMs` without a failure.
 *
 * Attempts still being checked count too: a burst of parallel guesses gets no more tries
 * than the same guesses one after the other.
 */

export interface SignInLimits {
  /** Failed sign-ins for one username before it is locked. */
  maxFailuresPerUser: number;
  /** How long a username stays locked; also how long failures are remembered. */
  lockoutMs: number;
  /** Failed sign-ins from one address before each further one makes it wait (1 s, 2 s, 4 s, ... up to lockoutMs). */
  freeFailuresPerAddress: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { maxFailuresPerUser: 5, lockoutMs: 15 * 60_000, freeFailuresPerAddress: 10 };

/** Why an attempt may not go ahead now, and when to try again. */
export interface SignInRefusal {
  scope: 'user' | 'address';
  retryAfterMs: number;
}

/** What a failed attempt set off, for the audit trail. */
export interface FailureOutcome {
  /** The username is locked from now on, for this long. */
  userLockedForMs: number | null;
  /** The address has used up its free failures and now waits this long before its next attempt. */
  addressWaitsMs: number | null;
  /** This is the address's first wait since it was last quiet (audited once, not on every failure). */
  addressBackOffStarted: boolean;
}

interface Counter {
  failures: number;
  pending: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Beyond this many names or addresses, the least recently failed that are not locked are forgotten. */
const MAX_TRACKED = 10_000;
/** How long an attempt refused only because others are still being checked should wait. */
const IN_FLIGHT_RETRY_MS = 1000;

export class SignInThrottle {
  readonly limits: SignInLimits;
  readonly #now: () => number;
  readonly #users = new Map<string, Counter>();
  readonly #addresses = new Map<string, Counter>();

  constructor(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS, now: () => number = Date.now) {
    this.limits = limits;
    this.#now = now;
  }

  /**
   * Starts an attempt: a refusal, or null when it may go ahead (then `finish` must follow,
   * whatever the outcome).
   */
  begin(username: string, address: string): SignInRefusal | null {
    const now = this.#now();
    const user = this.#counter(this.#users, userKey(username), now);
    const client = this.#counter(this.#addresses, address, now);
    const blocked = [
      { scope: 'user' as const, counter: user, limit: this.limits.maxFailuresPerUser },
      { scope: 'address' as const, counter: client, limit: this.limits.freeFailuresPerAddress },
    ];
    const refusal = this.#refusal(blocked, now);
    if (refusal) {
      // A refused attempt leaves no trace of its own (a flood of made-up names fills nothing).
      this.#forgetIfIdle(this.#users, userKey(username), user, now);
      this.#forgetIfIdle(this.#addresses, address, client, now);
      return refusal;
    }
    user.pending++;
    client.pending++;
    return null;
  }

  #refusal(blocked: Array<{ scope: SignInRefusal['scope']; counter: Counter; limit: number }>, now: number): SignInRefusal | null {
    for (const { scope, counter } of blocked) {
      if (counter.blockedUntil > now) return { scope, retryAfterMs: counter.blockedUntil - now };
    }
    // At most as many attempts in flight as there are failures left before the next block.
    for (const { scope, counter, limit } of blocked) {
      if (counter.pending >= Math.max(1, limit - counter.failures)) return { scope, retryAfterMs: IN_FLIGHT_RETRY_MS };
    }
    return null;
  }

  /** Ends an attempt that `begin` let go ahead. */
  finish(username: string, address: string, succeeded: boolean): FailureOutcome {
    const now = this.#now();
    const user = this.#counter(this.#users, userKey(username), now);
    const client = this.#counter(this.#addresses, address, now);
    user.pending = Math.max(0, user.pending - 1);
    client.pending = Math.max(0, client.pending - 1);
    const outcome: FailureOutcome = { userLockedForMs: null, addressWaitsMs: null, addressBackOffStarted: false };
    if (succeeded) {
      user.failures = 0;
      this.#forgetIfIdle(this.#users, userKey(username), user, now);
      this.#forgetIfIdle(this.#addresses, address, client, now);
      return outcome;
    }
    for (const [map, key, counter] of [[this.#users, userKey(username), user], [this.#addresses, address, client]] as const) {
      counter.failures++;
      counter.lastFailureAt = now;
      // Most recently failed last: the first entry is the one to forget when there are too many.
      map.delete(key);
      map.set(key, counter);
      this.#evictIfFull(map, now);
    }
    if (user.failures >= this.limits.maxFailuresPerUser) {
      user.blockedUntil = now + this.limits.lockoutMs;
      user.failures = 0;
      outcome.userLockedForMs = this.limits.lockoutMs;
    }
    const beyond = client.failures - this.limits.freeFailuresPerAddress;
    if (beyond > 0) {
      const wait = Math.min(1000 * 2 ** Math.min(beyond - 1, 30), this.limits.lockoutMs);
      client.blockedUntil = now + wait;
      outcome.addressWaitsMs = wait;
      outcome.addressBackOffStarted = beyond === 1;
    }
    return outcome;
  }

  /** Ends an attempt that could not be decided (the server failed): neither a failure nor a success. */
  cancel(username: string, address: string): void {
    const now = this.#now();
    const user = this.#counter(this.#users, userKey(username), now);
    const client = this.#counter(this.#addresses, address, now);
    user.pending = Math.max(0, user.pending - 1);
    client.pending = Math.max(0, client.pending - 1);
  }

  /** The counter for a key, reset when its failures are older than the lockout (it was quiet). */
  #counter(map: Map<string, Counter>, key: string, now: number): Counter {
    let counter = map.get(key);
    if (counter && counter.pending === 0 && counter.blockedUntil <= now && now - counter.lastFailureAt > this.limits.lockoutMs) {
      map.delete(key);
      counter = undefined;
    }
    if (!counter) {
      counter = { failures: 0, pending: 0, lastFailureAt: 0, blockedUntil: 0 };
      map.set(key, counter);
      this.#evictIfFull(map, now);
    }
    return counter;
  }

  /**
   * Keeps memory bounded: past MAX_TRACKED entries, the least recently failed one that is
   * neither locked nor being checked is forgotten. A lock is never forgotten early, so a
   * flood of other names cannot lift it; locks cost an attacker failures and expire.
   */
  #evictIfFull(map: Map<string, Counter>, now: number): void {
    if (map.size <= MAX_TRACKED) return;
    for (const [key, counter] of map) {
      if (counter.blockedUntil <= now && counter.pending === 0) {
        map.delete(key);
        return;
      }
    }
  }

  #forgetIfIdle(map: Map<string, Counter>, key: string, counter: Counter, now: number): void {
    if (counter.failures === 0 && counter.pending === 0 && counter.blockedUntil <= now) map.delete(key);
  }
}

/** Usernames are matched without regard to case, as the users table does. */
const userKey = (username: string) => username.trim().toLowerCase();
