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

export class PartyLink {
  readonly party: Role;
  readonly #down = new Map<LinkSource, Date>();
  readonly #wasDown = new Set<LinkSource>();
  readonly #recoveries = new Set<Recovery>();
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
  note(recovery: Exclude<Recovery, 'ice'>): void {
    if (this.#lostAt) this.#recoveries.add(recovery);
  }

  /** A source is up again; returns the restoration once no source is down any more. */
  up(source: LinkSource, at: Date): LinkRestored | null {
    if (!this.#down.delete(source) || this.#down.size > 0 || !this.#lostAt) return null;
    const lostAt = this.#lostAt;
    const recoveredBy: Recovery = this.#recoveries.has('rejoin') ? 'rejoin' : this.#recoveries.has('ice-restart') ? 'ice-restart' : 'ice';
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
    this.#recoveries.clear();
    return restored;
  }
}
