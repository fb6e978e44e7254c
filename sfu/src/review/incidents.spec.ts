import { describe, expect, it } from 'vitest';
import { incidentsAround, incidentsOf } from './incidents.ts';

const T0 = Date.parse('2026-03-02T02:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const offset = (ms: number) => `+${((ms - T0) / 1000).toFixed(1)}s`;

describe('incidents of a call', () => {
  it('names what went wrong, in the order it happened, and nothing else on the timeline', () => {
    const incidents = incidentsOf([
      { type: 'session.accepted', at: at(0), payload: { tellerName: 'teller1' } },
      { type: 'answer.recorded', at: at(1), payload: {} },
      { type: 'media.reset', at: at(5), payload: { reason: 'worker-died' } },
      // Stored when noticed, with the time the outage began: before the reset above.
      { type: 'connection.lost', at: at(4), payload: { party: 'kiosk', via: 'media' } },
      { type: 'recording.started', at: at(1), payload: { segment: 1 } },
      { type: 'recording.gap', at: at(5.5), payload: { afterSegment: 1, segment: 2, gapMs: 600, cause: 'recorder-died' } },
      { type: 'recording.started', at: at(6), payload: { segment: 2 } },
      { type: 'connection.restored', at: at(7), payload: { party: 'kiosk', downMs: 3000, recoveredBy: 'ice-restart' } },
      { type: 'teller.lost', at: at(9), payload: { teller: 'teller1', how: 'dropped' } },
      { type: 'session.interrupted', at: at(12), payload: {} },
    ]);
    expect(incidents.map((i) => [(i.atMs - T0) / 1000, i.what])).toEqual([
      [0, 'teller1 took the call'],
      [4, "the kiosk's connection was lost"],
      [5, 'the media worker died and both parties reconnected'],
      [5.5, "the recorder's ffmpeg died after segment 1"],
      [6, 'the recorder started segment 2'],
      [7, "the kiosk's connection came back after 3.0 s (ice-restart)"],
      [9, "teller1's console dropped off the network"],
      [12, 'the server stopped'],
    ]);
  });

  it('names those from 3 s before a hole to 3 s after it, at most five', () => {
    const incidents = incidentsOf(
      [2, 10, 11, 12, 13, 14, 15, 30].map((s) => ({ type: 'connection.lost', at: at(s), payload: { party: `p${s}` } })),
    );
    expect(incidentsAround(incidents, T0 + 12_000, T0 + 13_000, offset)).toBe(
      " Around then: +10.0s the p10's connection was lost; +11.0s the p11's connection was lost; +12.0s the p12's connection was lost; +13.0s the p13's connection was lost; +14.0s the p14's connection was lost; 1 more on the timeline.",
    );
    expect(incidentsAround(incidents, T0 + 20_000, T0 + 25_000, offset)).toBe('');
  });
});
