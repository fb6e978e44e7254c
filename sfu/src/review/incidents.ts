/**
 * Things that went wrong during a call, as the timeline recorded them: a party's network
 * dropping and coming back, a teller's console going away, the recorder or the media worker
 * failing, the server stopping. A quality check that finds a hole in the recording names
 * the incidents around it, so the reviewer reads why, not just that.
 */
import type { ReviewEvent } from './review-facts.ts';

export interface Incident {
  /** Wall-clock time, epoch ms. */
  atMs: number;
  /** What happened, in a few words ("the kiosk's connection was lost"). */
  what: string;
}

/** How far before and after a hole an incident still counts as its likely cause or end. */
const NEARBY_MS = 3000;
/** A reason stays readable: the rest is on the timeline beside it. */
const MAX_NAMED = 5;

type Payload = Record<string, unknown>;
const party = (p: Payload) => (typeof p['party'] === 'string' ? p['party'] : 'party');
const after = (ms: unknown) => (typeof ms === 'number' ? ` after ${(ms / 1000).toFixed(1)} s` : '');
const how = (value: unknown) => (typeof value === 'string' ? ` (${value})` : '');
const HOW_TELLER_WAS_LOST: Record<string, string> = { closed: 'closed', dropped: 'dropped off the network' };

/** Event type → the incident it records; anything else on the timeline is not an incident. */
const DESCRIBE: Record<string, (p: Payload) => string | null> = {
  'connection.lost': (p) => `the ${party(p)}'s connection was lost`,
  'connection.restored': (p) => `the ${party(p)}'s connection came back${after(p['downMs'])}${how(p['recoveredBy'])}`,
  'connection.given-up': (p) => `the ${party(p)} did not come back in time`,
  'teller.lost': (p) => `${String(p['teller'])}'s console ${HOW_TELLER_WAS_LOST[String(p['how'])] ?? 'went away'}`,
  'session.requeued': () => 'the customer went back to the head of the queue',
  'session.accepted': (p) => `${String(p['tellerName'])} took the call`,
  'recording.started': (p) => (typeof p['segment'] === 'number' && p['segment'] > 1 ? `the recorder started segment ${p['segment']}` : null),
  'recording.failed': (p) => `recording segment ${String(p['segment'])} failed`,
  'recording.gap': (p) => `the recorder's ffmpeg died after segment ${String(p['afterSegment'])}`,
  'recording.interrupted': (p) => `recording segment ${String(p['segment'])} was cut off`,
  'media.reset': () => 'the media worker died and both parties reconnected',
  'session.interrupted': () => 'the server stopped',
};

/** The incidents of a session's timeline, oldest first. */
export function incidentsOf(events: Array<Pick<ReviewEvent, 'type' | 'at' | 'payload'>>): Incident[] {
  return events
    .flatMap((event) => {
      const what = DESCRIBE[event.type]?.((event.payload ?? {}) as Payload);
      return what ? [{ atMs: Date.parse(event.at), what }] : [];
    })
    .sort((a, b) => a.atMs - b.atMs); // an outage is stored when noticed, with the time it began
}

/**
 * " Around then: +1:02.3 the kiosk's connection was lost; +1:05.0 …" for the incidents from
 * shortly before `fromMs` to shortly after `toMs`, or "" when the timeline shows none.
 */
export function incidentsAround(incidents: Incident[], fromMs: number, toMs: number, at: (ms: number) => string): string {
  const near = incidents.filter((i) => i.atMs >= fromMs - NEARBY_MS && i.atMs <= toMs + NEARBY_MS);
  if (near.length === 0) return '';
  const named = near.slice(0, MAX_NAMED).map((i) => `${at(i.atMs)} ${i.what}`);
  if (near.length > MAX_NAMED) named.push(`${near.length - MAX_NAMED} more on the timeline`);
  return ` Around then: ${named.join('; ')}.`;
}
