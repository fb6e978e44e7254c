import { describe, expect, it } from 'vitest';
import { GrowingCounter, MediaFlow } from './media-flow.ts';

describe('MediaFlow', () => {
  it('judges nothing before media first arrives', () => {
    const flow = new MediaFlow(1500);
    expect(flow.sample(0, 0)).toBeNull();
    expect(flow.sample(0, 5000)).toBeNull();
  });

  it('reports a stall after the threshold, dated from the last progress, and the recovery', () => {
    const flow = new MediaFlow(1500);
    expect(flow.sample(100, 0)).toBeNull();
    expect(flow.sample(200, 1000)).toBeNull();
    expect(flow.sample(200, 2000)).toBeNull();
    expect(flow.sample(200, 2600)).toEqual({ state: 'stalled', sinceMs: 1000 });
    expect(flow.sample(200, 3600)).toBeNull();
    expect(flow.sample(300, 4600)).toEqual({ state: 'flowing' });
    expect(flow.sample(400, 5600)).toBeNull();
  });

  it('starting stalled, reports flowing at the first media', () => {
    const flow = new MediaFlow(1500, { stalled: true });
    expect(flow.sample(0, 0)).toBeNull();
    expect(flow.sample(50, 500)).toEqual({ state: 'flowing' });
  });
});

describe('GrowingCounter', () => {
  it('keeps growing across counters that restart', () => {
    const counter = new GrowingCounter();
    expect([10, 20, 20, 5, 8].map((v) => counter.add(v))).toEqual([10, 20, 20, 25, 28]);
  });
});
