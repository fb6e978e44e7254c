import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDLING_SECONDS, HandlingTimeAverage, estimateWaitSeconds } from './queue-estimate.ts';

describe('estimateWaitSeconds', () => {
  it.each([
    { position: 1, tellersTakingCalls: 1, averageHandlingSeconds: 600, expected: 300 },
    { position: 3, tellersTakingCalls: 1, averageHandlingSeconds: 600, expected: 1500 },
    { position: 3, tellersTakingCalls: 2, averageHandlingSeconds: 600, expected: 900 },
    { position: 2, tellersTakingCalls: 0, averageHandlingSeconds: 100, expected: 150 },
  ])('position $position with $tellersTakingCalls teller(s) → $expected s', ({ expected, ...input }) => {
    expect(estimateWaitSeconds(input)).toBe(expected);
  });
});

describe('HandlingTimeAverage', () => {
  it('starts from the default and follows the last 20 calls', () => {
    const average = new HandlingTimeAverage();
    expect(average.seconds).toBe(DEFAULT_HANDLING_SECONDS);
    average.add(100);
    average.add(300);
    average.add(-5);
    expect(average.seconds).toBe(200);
    for (let i = 0; i < 20; i++) average.add(60);
    expect(average.seconds).toBe(60);
  });
});
