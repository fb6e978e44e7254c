/**
 * Compliance review end to end: a whole sale through the kiosk and the console in
 * Chromium (identity, questionnaire, product, disclosure, acknowledgement, signature), the
 * recording finalised by the real server; then a compliance user signs in to the console,
 * filters the list to that session (personal data masked there), opens it (in full),
 * plays it (both parties' videos advance), clicks a timeline marker (both seek to it, each
 * in its own file's time), approves with a comment, downloads the evidence export, and
 * verifies the audit trail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { maskDocumentNumber } from '@vtm/shared';
import { artifactDir } from './support/artifacts.ts';
import { openPage, waitForRemoteMedia } from './support/browser.ts';
import { callAndAccept, openKioskAndConsole, signInToConsole, waitForFinalisation } from './support/call-flow.ts';
import { launchBrowserWithIdCard, prepareIdCamera } from './support/id-camera.ts';
import { completeSession, sellUpToSignature } from './support/regulated-flow.ts';
import { startServer, type TestServer } from './support/server.ts';

const KIOSK = 'VTM-E2E-REVIEW';

interface VideoState {
  party: string;
  currentTime: number;
  startOffsetMs: number;
  paused: boolean;
  seeking: boolean;
  readyState: number;
}

async function playbackVideos(page: Page): Promise<VideoState[]> {
  return page.$$eval('[data-testid="playback-video"]', (videos) =>
    (videos as HTMLVideoElement[]).map((v) => ({
      party: v.dataset['party']!,
      currentTime: v.currentTime,
      startOffsetMs: Number(v.dataset['startOffsetMs']),
      paused: v.paused,
      seeking: v.seeking,
      readyState: v.readyState,
    })),
  );
}

/** Until both videos have finished seeking and have a picture at their position. */
async function waitForSettledVideos(page: Page): Promise<VideoState[]> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLVideoElement>('[data-testid="playback-video"]')].every((v) => !v.seeking && v.readyState >= 2),
  );
  return playbackVideos(page);
}

describe('compliance review of a recorded session', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = artifactDir('review');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds the session, plays both sides in sync, seeks from the timeline, approves it, exports it and verifies the audit trail', { timeout: 420_000 }, async () => {
    // ---- a whole sale at the kiosk, recorded ----
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: KIOSK, teller: 'teller1' });
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await sellUpToSignature(pages, 'WM-R1-90D');
    await completeSession(pages);
    const finalised = await waitForFinalisation(server.url, sessionId);
    await pages.close();
    expect(finalised.playback.map((m) => m.party).sort()).toEqual(['kiosk', 'teller']);

    // ---- the reviewer's list: filtered to the session, masked ----
    const { front } = await prepareIdCamera();
    const idNumber = front.fields.idNumber;
    const logs: string[] = [];
    const { context, page } = await openPage(browser, `${server.url}/console/`, logs);
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await signInToConsole(page, 'compliance1');
      await page.getByTestId('review-filters').waitFor();
      await page.locator(`[data-testid="filter-kiosk"] option[value="${KIOSK}"]`).waitFor({ state: 'attached' });
      await page.getByTestId('filter-kiosk').selectOption(KIOSK);
      const today = new Date().toISOString().slice(0, 10);
      await page.getByTestId('filter-from').fill(today);
      await page.getByTestId('filter-to').fill(today);
      await page.getByTestId('filter-search').click();
      await page.waitForURL((url) => url.searchParams.get('kiosk') === KIOSK);
      const row = page.locator(`[data-testid="review-row"][data-session-id="${sessionId}"]`);
      await row.waitFor();
      await expect(page.getByTestId('review-row').count()).resolves.toBe(1);
      const rowText = (await row.textContent())!;
      expect(rowText).toContain(KIOSK);
      expect(rowText).toContain(maskDocumentNumber(idNumber));
      expect(rowText).toContain('WM-R1-90D');
      // Personal data is masked in the list: the full number is nowhere in the page.
      expect(await page.content()).not.toContain(idNumber);
      expect(await page.content()).not.toContain(front.fields.name);
      await page.screenshot({ path: path.join(dir, 'review-list.png'), fullPage: true });

      // ---- the session in full ----
      await row.getByTestId('open-session').click();
      await page.waitForURL((url) => url.searchParams.get('session') === sessionId);
      await page.getByTestId('session-review').waitFor();
      await expect(page.getByTestId('document-number').textContent()).resolves.toBe(idNumber);
      await page.locator('[data-testid="quality-checks"] [data-testid="quality-check"]').first().waitFor();
      await page.locator('[data-testid="answers-panel"] [data-testid="answer"]').first().waitFor();
      await page.getByTestId('signature-replay').waitFor();

      // Play: both videos advance.
      await page.locator('[data-testid="playback-video"][data-party="kiosk"][data-media-id]').waitFor({ state: 'attached' });
      await page.locator('[data-testid="playback-video"][data-party="teller"][data-media-id]').waitFor({ state: 'attached' });
      await waitForSettledVideos(page);
      const before = await playbackVideos(page);
      await page.getByTestId('play-pause').click();
      await page.waitForTimeout(2500);
      const during = await playbackVideos(page);
      for (const party of ['kiosk', 'teller']) {
        const a = before.find((s) => s.party === party)!;
        const b = during.find((s) => s.party === party)!;
        expect(b.paused, `${party} playing`).toBe(false);
        expect(b.currentTime - a.currentTime, `${party} currentTime advances`).toBeGreaterThan(1);
      }
      // In step with each other on the session's clock.
      const onTimeline = during.map((v) => v.startOffsetMs + v.currentTime * 1000);
      expect(Math.abs(onTimeline[0]! - onTimeline[1]!)).toBeLessThan(400);
      await page.getByTestId('play-pause').click();

      // A timeline marker seeks both videos to its time, each in its own file's time.
      const markers = await page.$$eval('[data-testid="timeline-marker"]', (elements) =>
        elements.map((e) => ({ type: e.getAttribute('data-type')!, offsetMs: Number(e.getAttribute('data-offset-ms')), lane: e.getAttribute('data-lane') })),
      );
      const starts = Math.max(...finalised.playback.map((m) => m.startOffsetMs));
      const ends = Math.min(...finalised.playback.map((m) => m.startOffsetMs + m.durationMs!));
      // The labelled marker nearest the middle of the recording: far from where the files were loaded.
      const middle = (starts + ends) / 2;
      const target = markers
        .filter((m) => m.lane !== null && m.offsetMs > starts + 1000 && m.offsetMs < ends - 1000)
        .sort((a, b) => Math.abs(a.offsetMs - middle) - Math.abs(b.offsetMs - middle))[0];
      expect(target, JSON.stringify(markers)).toBeDefined();
      await page.locator(`[data-testid="timeline-marker"][data-type="${target!.type}"][data-offset-ms="${target!.offsetMs}"]`).first().click();
      await expect(page.getByTestId('playback-position').inputValue()).resolves.toBe(String(target!.offsetMs));
      const seeked = await waitForSettledVideos(page);
      for (const video of seeked) {
        const expected = (target!.offsetMs - video.startOffsetMs) / 1000;
        expect(Math.abs(video.currentTime - expected), `${video.party} at ${video.currentTime}s, expected ${expected}s`).toBeLessThan(0.2);
      }
      await page.screenshot({ path: path.join(dir, 'review-detail.png'), fullPage: true });

      // ---- approve, with a comment; it joins the history ----
      const comment = 'Recording complete, every step in order; signature and acknowledgement match.';
      await page.getByTestId('decision-approved').check();
      await page.getByTestId('decision-comment').fill(comment);
      await page.getByTestId('decision-submit').click();
      const entry = page.locator('[data-testid="decision-entry"][data-decision="approved"]');
      await entry.waitFor();
      expect(await entry.textContent()).toContain(comment);
      expect(await entry.textContent()).toContain('compliance1');
      await expect(page.getByTestId('review-status').textContent()).resolves.toBe('Approved');

      // ---- the evidence export downloads from its button ----
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-evidence').click()]);
      expect(download.suggestedFilename()).toMatch(/\.zip$/);
      const zip = fs.readFileSync((await download.path())!);
      expect(zip.subarray(0, 2).toString()).toBe('PK');

      // ---- the audit trail verifies ----
      await page.getByTestId('verify-audit').click();
      const result = page.getByTestId('audit-result');
      await result.waitFor({ timeout: 60_000 });
      expect(await result.getAttribute('data-ok'), (await result.textContent()) ?? '').toBe('true');
      await page.screenshot({ path: path.join(dir, 'review-decided.png'), fullPage: true });

      // The list shows the decision.
      await page.getByTestId('back-to-list').click();
      await row.getByTestId('row-review-status').filter({ hasText: 'Approved' }).waitFor();
      expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
