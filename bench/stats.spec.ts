import { describe, expect, it } from 'vitest';
import { summarise } from './stats.ts';

describe('summarise', () => {
  it('gives nearest-rank median and p95', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(summarise(values)).toEqual({ n: 20, median: 10, p95: 19, min: 1, max: 20 });
    expect(summarise([5])).toMatchObject({ median: 5, p95: 5 });
  });
});
