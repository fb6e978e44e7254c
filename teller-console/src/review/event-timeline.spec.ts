import { describe, expect, it } from 'vitest';
import { currentEventIndex, eventCategory, eventSummary, timelineMarkers, type TimelineEvent } from './event-timeline.ts';

const event = (type: string, offsetMs: number | null, payload: unknown = {}): TimelineEvent => ({ type, at: '2026-11-25T10:00:00.000Z', offsetMs, payload });

describe('timelineMarkers', () => {
  it('places every recorded event on the bar and leaves out those before the recording', () => {
    const markers = timelineMarkers([event('session.created', null), event('call.connected', 0), event('answer.given', 5_000), event('session.ended', 10_000)], 10_000);
    expect(markers.map((m) => [m.index, m.type, m.fraction])).toEqual([
      [1, 'call.connected', 0],
      [2, 'answer.given', 0.5],
      [3, 'session.ended', 1],
    ]);
  });

  it('puts labels that would overlap in the next row, and none when the rows are full', () => {
    const events = [event('a.long-event-name', 0), event('b.long-event-name', 100), event('c', 200), event('far.away', 9_000)];
    const markers = timelineMarkers(events, 10_000, { lanes: 2, barWidthPx: 1000, charWidthPx: 10 });
    expect(markers.map((m) => m.lane)).toEqual([0, 1, null, 0]);
  });

  it('draws a label near the right end to the left of its marker, and keeps it clear of the others', () => {
    const layout = { lanes: 2, barWidthPx: 1000, charWidthPx: 10 };
    const markers = timelineMarkers([event('left.of.end', 8_500), event('end', 10_000)], 10_000, layout);
    // "end" is drawn leftwards, where it would overlap the first label: next row.
    expect(markers.map((m) => [m.flipped, m.lane])).toEqual([
      [false, 0],
      [true, 1],
    ]);
    expect(timelineMarkers([event('left.of.end', 9_000)], 10_000, layout)[0]).toMatchObject({ flipped: true, lane: 0 });
  });

  it('keeps a marker past the end on the bar', () => {
    expect(timelineMarkers([event('late', 12_000)], 10_000)[0]!.fraction).toBe(1);
    expect(timelineMarkers([event('x', 0)], 0)[0]!.fraction).toBe(0);
  });
});

describe('currentEventIndex', () => {
  it('is the last event reached', () => {
    const markers = timelineMarkers([event('a', null), event('b', 1_000), event('c', 2_000)], 3_000);
    expect(currentEventIndex(markers, 500)).toBe(-1);
    expect(currentEventIndex(markers, 1_000)).toBe(1);
    expect(currentEventIndex(markers, 2_500)).toBe(2);
  });
});

describe('eventSummary', () => {
  it('writes the payload as key: value pairs', () => {
    expect(eventSummary(event('level.computed', 1, { level: 'C4', score: 72 }))).toBe('level: C4, score: 72');
    expect(eventSummary(event('x', 1, { answer: { questionId: 'age', optionIds: ['a'] } }))).toBe('answer: {"questionId":"age","optionIds":["a"]}');
    expect(eventSummary(event('x', 1, null))).toBe('');
  });

  it('cuts a long payload', () => {
    const summary = eventSummary(event('x', 1, { text: 'z'.repeat(500) }));
    expect(summary).toHaveLength(120);
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe('eventCategory', () => {
  it('groups events by the step of the sale, problems apart', () => {
    expect(['call.connected', 'identity.verified', 'answer.given', 'disclosure.shown', 'signature.submitted', 'recording.failed', 'acknowledgement.rejected', 'unheard.of'].map(eventCategory)).toEqual([
      'call',
      'identity',
      'assessment',
      'sale',
      'signing',
      'problem',
      'problem',
      'call',
    ]);
  });
});
