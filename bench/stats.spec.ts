import { describe, expect, it } from 'vitest';
import { MIB, mibPerSecond, ratio, roundMs, summarise } from './stats.ts';

describe('summarise', () => {
  it('gives nearest-rank median and p95', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(summarise(values)).toEqual({ n: 20, median: 10, p95: 19, min: 1, max: 20 });
    expect(summarise([5])).toMatchObject({ median: 5, p95: 5 });
  });
});

describe('ratio, mibPerSecond, roundMs', () => {
  it('compares against the baseline to two decimals', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(10, 10)).toBe(1);
  });

  it('gives MiB per second to one decimal', () => {
    expect(mibPerSecond(32 * MIB, 1000)).toBe(32);
    expect(mibPerSecond(MIB, 3)).toBe(333.3);
  });

  it('keeps two decimals of a millisecond', () => {
    expect(roundMs(0.123456)).toBe(0.12);
    expect(roundMs(12.346)).toBe(12.35);
  });
});
