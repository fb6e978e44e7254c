/**
 * Call set-up time: from the teller clicking "Accept" to the first remote video frame
 * decoded on both sides, over repeated calls through the real server, mediasoup and
 * Chromium. Prints median and p95 and writes JSON under bench/results/.
 *
 *   npm run bench            (all benchmarks)
 *   CALLS=20 npm run bench   (more calls)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { artifactDir, repoRoot } from '../e2e/support/artifacts.ts';
import { launchBrowserWithIdCard } from '../e2e/support/id-camera.ts';
import { callAndAccept, openKioskAndConsole, waitForSealedRecording } from '../e2e/support/call-flow.ts';
import { startServer } from '../e2e/support/server.ts';
import { resultHeader, summarise } from './stats.ts';

const CALLS = Number(process.env['CALLS'] ?? 10);

/** Resolves (in page time, which is this machine's clock) when the first remote video frame is decoded. */
function firstRemoteFrame(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const vtm = (window as unknown as { vtm: { inboundStats(): Promise<{ videoFramesDecoded: number }> } }).vtm;
    for (;;) {
      if ((await vtm.inboundStats()).videoFramesDecoded > 0) return Date.now();
      await new Promise((r) => setTimeout(r, 10));
    }
  });
}

const dir = artifactDir('bench-call-setup');
const server = await startServer(dir, { LOG_LEVEL: 'info' });
const browser = await launchBrowserWithIdCard();
const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-BENCH', teller: 'teller1' });
const samples: Array<{ call: number; kioskMs: number; tellerMs: number; bothMs: number }> = [];
try {
  for (let call = 1; call <= CALLS; call++) {
    const { sessionId, acceptedAt } = await callAndAccept(pages);
    const [kioskAt, tellerAt] = await Promise.all([firstRemoteFrame(pages.kiosk), firstRemoteFrame(pages.teller)]);
    const sample = { call, kioskMs: kioskAt - acceptedAt, tellerMs: tellerAt - acceptedAt, bothMs: Math.max(kioskAt, tellerAt) - acceptedAt };
    samples.push(sample);
    process.stdout.write(`call ${call}: both ${sample.bothMs} ms (kiosk ${sample.kioskMs}, teller ${sample.tellerMs})\n`);
    await pages.teller.getByTestId('hang-up').click();
    await waitForSealedRecording(server.url, sessionId);
    await pages.kiosk.getByTestId('back-to-start').click();
  }
} finally {
  await pages.close();
  await browser.close();
  await server.stop();
}

const result = {
  ...resultHeader('call-setup', 'teller clicks Accept → first remote video frame decoded on both sides', 'npm run bench -- call-setup'),
  calls: CALLS,
  bothMs: summarise(samples.map((s) => s.bothMs)),
  kioskMs: summarise(samples.map((s) => s.kioskMs)),
  tellerMs: summarise(samples.map((s) => s.tellerMs)),
  samples,
};
const out = path.join(repoRoot, 'bench', 'results', `call-setup-${result.at.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `\ncall set-up over ${CALLS} calls: median ${result.bothMs.median} ms, p95 ${result.bothMs.p95} ms ` +
    `(kiosk median ${result.kioskMs.median} ms, teller median ${result.tellerMs.median} ms)\nwritten to ${path.relative(repoRoot, out)}\n`,
);
