import type { CallParty } from './call-party.svelte.ts';

/**
 * `window.vtm` in the kiosk and the console: what the call is doing, for support staff
 * in the browser's devtools and for the end-to-end tests and benchmarks.
 */
export interface CallDiagnostics {
  readonly sessionId: string | null;
  readonly mediaResets: number;
  /** The signaling link and the media, as the reconnection logic sees them. */
  readonly link: CallParty['link'];
  readonly mediaLink: CallParty['mediaLink'];
  readonly iceRestarts: number;
  readonly rejoins: number;
  inboundStats: CallParty['inboundStats'];
}

export function exposeDiagnostics(party: CallParty, session: { sessionId: () => string | null }): void {
  const diagnostics: CallDiagnostics = {
    get sessionId() {
      return session.sessionId();
    },
    get mediaResets() {
      return party.mediaResets;
    },
    get link() {
      return party.link;
    },
    get mediaLink() {
      return party.mediaLink;
    },
    get iceRestarts() {
      return party.iceRestarts;
    },
    get rejoins() {
      return party.rejoins;
    },
    inboundStats: () => party.inboundStats(),
  };
  (window as unknown as { vtm: CallDiagnostics }).vtm = diagnostics;
}
