/** Resident memory of a process on this machine, from /proc (Linux). */
import fs from 'node:fs';

/** VmRSS of the process in MiB, or null when it cannot be read (not Linux, process gone). */
export function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib ? Number(kib) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS at an interval; `stop()` returns what was seen. */
export function sampleRss(pid: number | undefined, intervalMs = 500) {
  const samples: number[] = [];
  const take = () => {
    const mib = rssMiB(pid);
    if (mib !== null) samples.push(mib);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return { peak: Math.max(...samples), last: samples[samples.length - 1]!, count: samples.length };
    },
  };
}
