/**
 * Fault e: a mediasoup worker that dies is replaced, and the call on it is told and
 * carries on on the new worker, recorded as a new segment. Reports how long each step of
 * the recovery took.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactDir } from './support/artifacts.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { callAndAccept, mediaStats, openKioskAndConsole, sessionDetail, waitForFinalisation, waitForSealedRecording } from './support/call-flow.ts';
import { mediaFlowingAgain, reportRecovery, until } from './support/faults.ts';
import { startServer, type TestServer } from './support/server.ts';

const mediaResets = (page: Page) => page.evaluate(() => (window as unknown as { vtm: { mediaResets: number } }).vtm.mediaResets);

describe('mediasoup worker failure', () => {
  const dir = artifactDir('worker-failure');
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('replaces a killed worker, tells the call, and the call reconnects on the new worker', async () => {
    const pages = await openKioskAndConsole(browser, server.url);
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.kiosk.waitForTimeout(2000);

    const [worker] = (await mediaStats(server.url)).workers;
    const killedAt = Date.now();
    process.kill(worker!.pid, 'SIGKILL');

    const replacement = await until('a replacement worker', () => mediaStats(server.url), (s) => s.workers.length === 1 && s.workers[0]!.pid !== worker!.pid && s.workers[0]!.answering);
    const replacedMs = Date.now() - killedAt;
    expect(replacement.workers[0]!.pid).toBeGreaterThan(0);
    expect((await server.health()).workers).toEqual({ expected: 1, alive: 1 });

    // Both sides were told and set up media again on the new worker.
    await until('both sides to reset', async () => [await mediaResets(pages.kiosk), await mediaResets(pages.teller)], (r) => r.every((n) => n === 1));
    const toldMs = Date.now() - killedAt;
    const [kioskFlowing, tellerFlowing] = await Promise.all([mediaFlowingAgain(pages.kiosk), mediaFlowingAgain(pages.teller)]);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    // The recorder writes a new segment on the new worker before the call goes on.
    const writing = await until(
      'a new segment being written',
      () => sessionDetail(server.url, sessionId),
      (d) => d.events.some((e) => e.type === 'recording.writing' && (e.payload as { segment: number }).segment >= 2),
      30_000,
    );
    const newSegmentAt = writing.events.find((e) => e.type === 'recording.writing' && (e.payload as { segment: number }).segment >= 2)!.at;
    await pages.kiosk.waitForTimeout(2000);
    const during = await sessionDetail(server.url, sessionId);
    expect(during.state).toBe('active');
    expect(during.events.map((e) => e.type)).toContain('media.reset');

    await pages.teller.getByTestId('hang-up').click();
    const detail = await waitForSealedRecording(server.url, sessionId);
    // The part before the failure and the part after it are separate segments.
    expect(detail.recordings.length).toBeGreaterThanOrEqual(2);
    expect(detail.recordings[0]!.state).toBe('interrupted');
    const last = detail.recordings.at(-1)!;
    expect(last.state).toBe('sealed');
    expect(last.streams).toHaveLength(4);
    expect(last.durationMs).toBeGreaterThan(1500);
    expect((await mediaStats(server.url)).routers).toEqual([]);
    await pages.close();
    // The hole the failure left is on the timeline and named in the quality checks.
    const coverage = (await waitForFinalisation(server.url, sessionId)).qualityChecks.find((c) => c.id === 'recording-coverage')!;
    expect(coverage.reason).toContain('the media worker died');
    reportRecovery(dir, 'e: mediasoup worker killed', {
      workerReplacedMs: replacedMs,
      bothPartiesToldMs: toldMs,
      mediaFlowingAgainMs: Math.max(kioskFlowing, tellerFlowing) - killedAt,
      newSegmentWritingMs: Date.parse(newSegmentAt) - killedAt,
      segments: detail.recordings.length,
      recordingCoverage: coverage,
    });
  });
});
