import os from 'node:os';
/** Median, p95, min and max of a sample, nearest-rank percentiles. */
export function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, median: rank(50), p95: rank(95), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** How many times the baseline the subject took (or did), to two decimals; the one number each comparison reports. */
export function ratio(subject: number, baseline: number): number {
  return Math.round((subject / baseline) * 100) / 100;
}

export const MIB = 1024 * 1024;

/** Throughput in MiB/s, to one decimal. */
export function mibPerSecond(bytes: number, ms: number): number {
  return Math.round((bytes / MIB / (ms / 1000)) * 10) / 10;
}

/** Milliseconds to two decimals: sub-millisecond queries still show a difference. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The machine a result was measured on: results of different machines do not compare. */
export function machineFacts() {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: os.loadavg() };
}

/** What every saved result starts with: which bench, what it measures, how to rerun it, when and where. */
export function resultHeader(benchmark: string, description: string, command: string) {
  return { benchmark, description, command, at: new Date().toISOString(), machine: machineFacts() };
}
