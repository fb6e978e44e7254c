/**
 * Whether each party of a session is reachable, from two sources: its signaling socket
 * (dropped without a close, taken back by a rejoin) and its media (RTP arriving from it
 * or not). A party is lost from the moment the first source went down and restored
 * once every source is up again; the session records both, with the time it was away.
 */
import type { Role } from '@vtm/shared';

export { MediaFlow } from '@vtm/shared';

export type LinkSource = 'signaling' | 'media';
export type Recovery = 'rejoin' | 'ice-restart' | 'ice';

export interface LinkLost {
  party: Role;
  via: LinkSource;
  at: Date;
}

export interface LinkRestored {
  party: Role;
  lostAt: Date;
  at: Date;
  downMs: number;
  /** The sources that were down during the outage. */
  via: LinkSource[];
  /** How it came back: a rejoin on a new socket, an ICE restart, or ICE on its own. */
  recoveredBy: Recovery;
}

/**
 * How long before the server sees a party's media stall a recovery it asked for still
 * counts: a browser notices its path is down (and restarts ICE) about as soon as the
 * server notices the packets stop, sometimes first.
 */
export const RECOVERY_LEAD_MS = 5000;

export class PartyLink {
  readonly party: Role;
  readonly #down = new Map<LinkSource, Date>();
  readonly #wasDown = new Set<LinkSource>();
  /** Recoveries asked for, with when: those from shortly before the loss count too. */
  #recoveries: Array<{ recovery: Exclude<Recovery, 'ice'>; at: Date }> = [];
  #lostAt: Date | null = null;

  constructor(party: Role) {
    this.party = party;
  }

  get lost(): boolean {
    return this.#lostAt !== null;
  }

  get lostAt(): Date | null {
    return this.#lostAt;
  }

  /** A source went down at `at`; returns the loss when the party was reachable until now. */
  down(source: LinkSource, at: Date): LinkLost | null {
    if (this.#down.has(source)) return null;
    this.#down.set(source, at);
    this.#wasDown.add(source);
    if (this.#lostAt) {
      if (at < this.#lostAt) this.#lostAt = at;
      return null;
    }
    this.#lostAt = at;
    return { party: this.party, via: source, at };
  }

  /** Something was done to bring the party back (kept for the restored event). */
  note(recovery: Exclude<Recovery, 'ice'>, at = new Date()): void {
    if (!this.#lostAt) this.#recoveries = this.#recoveries.filter((r) => at.getTime() - r.at.getTime() <= RECOVERY_LEAD_MS);
    this.#recoveries.push({ recovery, at });
  }

  /** A source is up again; returns the restoration once no source is down any more. */
  up(source: LinkSource, at: Date): LinkRestored | null {
    if (!this.#down.delete(source) || this.#down.size > 0 || !this.#lostAt) return null;
    const lostAt = this.#lostAt;
    const asked = new Set(this.#recoveries.filter((r) => r.at.getTime() >= lostAt.getTime() - RECOVERY_LEAD_MS).map((r) => r.recovery));
    const recoveredBy: Recovery = asked.has('rejoin') ? 'rejoin' : asked.has('ice-restart') ? 'ice-restart' : 'ice';
    const restored: LinkRestored = {
      party: this.party,
      lostAt,
      at,
      downMs: Math.max(0, at.getTime() - lostAt.getTime()),
      via: [...this.#wasDown].sort(),
      recoveredBy,
    };
    this.#lostAt = null;
    this.#wasDown.clear();
    this.#recoveries = [];
    return restored;
  }
}
