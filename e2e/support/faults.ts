/** Small tools the fault tests share: waiting for a condition, media progress, processes, measurements. */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { SessionDetail } from '@vtm/shared';
import { inbound } from './browser.ts';
import { sessionDetail } from './call-flow.ts';

/** Polls `probe` until `ok` holds; throws with the last value after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Resolves with the time (ms since epoch) at which the page's inbound video frames and
 * audio packets had both moved on twice in a row: media from the other party flows.
 * Counters that drop (new consumers after a rejoin) count as movement.
 */
export async function mediaFlowingAgain(page: Page, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await inbound(page);
  let streak = 0;
  for (;;) {
    await page.waitForTimeout(150);
    const now = await inbound(page);
    const moved = now.videoFramesDecoded !== last.videoFramesDecoded && now.audioPacketsReceived !== last.audioPacketsReceived && now.videoFramesDecoded > 0;
    streak = moved ? streak + 1 : 0;
    last = now;
    if (streak >= 2) return Date.now();
    if (Date.now() > deadline) throw new Error(`media did not flow again within ${timeoutMs} ms: ${JSON.stringify(now)}`);
  }
}

/** Processes whose command line contains `text` (e.g. a recording's SDP file). */
export function processesWithArgument(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Waits until the session's timeline has an event matching `test`; returns it. */
export async function waitForEvent(
  baseUrl: string,
  sessionId: string,
  test: (event: SessionDetail['events'][number]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<SessionDetail['events'][number]> {
  const detail = await until(what, () => sessionDetail(baseUrl, sessionId), (d) => d.events.some(test), timeoutMs, 250);
  return detail.events.find(test)!;
}

/** Records what a fault test measured: a JSON file in its artifact folder, and the log. */
export function reportRecovery(dir: string, fault: string, measured: Record<string, unknown>): void {
  const report = { fault, measuredAt: new Date().toISOString(), ...measured };
  const slug = fault.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  fs.writeFileSync(path.join(dir, `recovery-${slug}.json`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`[${fault}] recovery: ${JSON.stringify(measured)}`);
}

/**
 * Records in the page, every 100 ms, whether it showed the element with `testId`: a
 * short-lived state (e.g. "reconnecting") is noticed even between the test's own looks.
 */
export async function watchForTestId(page: Page, testId: string): Promise<() => Promise<number | null>> {
  await page.evaluate((id) => {
    const w = window as unknown as { __seen?: Record<string, number> };
    w.__seen ??= {};
    const timer = setInterval(() => {
      if (document.querySelector(`[data-testid="${id}"]`)) {
        w.__seen![id] ??= Date.now();
        clearInterval(timer);
      }
    }, 100);
  }, testId);
  return () => page.evaluate((id) => (window as unknown as { __seen?: Record<string, number> }).__seen?.[id] ?? null, testId);
}

/** A process and all its descendants (from /proc's parent ids). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/**
 * Kills processes as a crash or a power cut would: all are stopped first, so none can
 * notice the others dying and close its connections politely, then killed.
 */
export function killAbruptly(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGSTOP');
    } catch {
      // already gone
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
