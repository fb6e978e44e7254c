/**
 * The session's events on the playback timeline: where each marker sits on the bar, which
 * row its label goes in so that labels do not overlap, and a one-line summary for the list.
 */
import type { SessionDetail } from '@vtm/shared';

export type TimelineEvent = SessionDetail['events'][number];

export interface TimelineMarker {
  /** The event's position in the session's list of events. */
  index: number;
  type: string;
  offsetMs: number;
  /** 0…1 along the bar. */
  fraction: number;
  /** The label row, 0 at the top; null when every row is taken there (the marker keeps its tooltip). */
  lane: number | null;
  /** The label is drawn to the left of the marker, which is too near the right end for it. */
  flipped: boolean;
}

export interface MarkerLayout {
  /** How many label rows the bar has. */
  lanes?: number;
  /** The bar's width, and roughly how wide a label's character is, in px. */
  barWidthPx?: number;
  charWidthPx?: number;
}

/** The events that happened while recording, as markers on a bar `totalMs` long. */
export function timelineMarkers(events: readonly TimelineEvent[], totalMs: number, layout: MarkerLayout = {}): TimelineMarker[] {
  const { lanes = 4, barWidthPx = 800, charWidthPx = 6.5 } = layout;
  const laneEnds: number[] = Array.from({ length: lanes }, () => -Infinity);
  const markers: TimelineMarker[] = [];
  events.forEach((event, index) => {
    if (event.offsetMs === null) return;
    const fraction = totalMs > 0 ? Math.min(1, Math.max(0, event.offsetMs / totalMs)) : 0;
    const atPx = fraction * barWidthPx;
    const widthPx = event.type.length * charWidthPx + 8;
    const flipped = atPx + widthPx > barWidthPx;
    const fromPx = flipped ? atPx - widthPx : atPx;
    const lane = laneEnds.findIndex((end) => end <= fromPx);
    if (lane >= 0) laneEnds[lane] = fromPx + widthPx + 4;
    markers.push({ index, type: event.type, offsetMs: event.offsetMs, fraction, lane: lane >= 0 ? lane : null, flipped });
  });
  return markers;
}

/** The index of the last event at or before `positionMs`, or -1 before the first. */
export function currentEventIndex(markers: readonly TimelineMarker[], positionMs: number): number {
  let current = -1;
  for (const marker of markers) if (marker.offsetMs <= positionMs) current = marker.index;
  return current;
}

const MAX_SUMMARY = 120;

/** The payload in one line: `key: value` pairs, nested values as compact JSON, cut at 120 characters. */
export function eventSummary(event: Pick<TimelineEvent, 'payload'>): string {
  const payload = event.payload;
  if (payload === null || payload === undefined) return '';
  const text =
    typeof payload === 'object' && !Array.isArray(payload)
      ? Object.entries(payload as Record<string, unknown>)
          .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
          .join(', ')
      : JSON.stringify(payload);
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

export type EventCategory = 'call' | 'identity' | 'assessment' | 'sale' | 'signing' | 'problem';

const CATEGORY_BY_PREFIX: Readonly<Record<string, EventCategory>> = {
  session: 'call',
  call: 'call',
  recording: 'call',
  media: 'call',
  still: 'call',
  evidence: 'call',
  consent: 'identity',
  identity: 'identity',
  questionnaire: 'assessment',
  question: 'assessment',
  answer: 'assessment',
  level: 'assessment',
  assessment: 'assessment',
  product: 'sale',
  suitability: 'sale',
  disclosure: 'sale',
  acknowledgement: 'signing',
  signature: 'signing',
  receipt: 'signing',
};

const PROBLEMS = /\.(failed|interrupted|rejected|declined|retake-refused)$|^media\.reset$/;

/** The step of the sale an event belongs to, for its colour on the timeline. */
export function eventCategory(type: string): EventCategory {
  if (PROBLEMS.test(type)) return 'problem';
  return CATEGORY_BY_PREFIX[type.split('.')[0] ?? ''] ?? 'call';
}
