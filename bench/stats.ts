/** Median, p95, min and max of a sample, nearest-rank percentiles. */
export function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, median: rank(50), p95: rank(95), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}
