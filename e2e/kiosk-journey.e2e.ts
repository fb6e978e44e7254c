/**
 * The kiosk journey before the call, in Chromium against the real server: choosing the
 * service, recording consent (and declining it), the live queue position, the idle
 * timeout that wipes the page and closes the draft, language and large-text modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactDir } from './support/artifacts.ts';
import { launchBrowser, openPage } from './support/browser.ts';
import { prepareIdCamera, type IdCamera } from './support/id-camera.ts';
import { captureResidentId, sessionDetail, startAndQueue, waitForKioskOcr } from './support/call-flow.ts';
import { startServer, type TestServer } from './support/server.ts';

// Long enough for a second customer to go through ID capture while the first waits in the queue.
const IDLE_SECONDS = 10;

const sessionIdOf = (page: Page) => page.evaluate(() => (window as unknown as { vtm: { sessionId: string | null } }).vtm.sessionId);

describe('kiosk journey', () => {
  let server: TestServer;
  let browser: Browser;
  let camera: IdCamera;

  beforeAll(async () => {
    server = await startServer(artifactDir('kiosk-journey'), { KIOSK_IDLE_TIMEOUT_S: String(IDLE_SECONDS) });
    camera = await prepareIdCamera();
    browser = await launchBrowser({ fakeVideoFile: camera.y4m });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('ends the session politely when the customer declines recording', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-DECLINE`);
    await page.getByTestId('service-first-time-wealth').click();
    await page.getByTestId('consent').waitFor();
    const sessionId = (await sessionIdOf(page))!;
    await page.getByTestId('consent-decline').click();
    await page.getByTestId('consent-declined').waitFor();
    expect(await sessionIdOf(page)).toBeNull();

    const detail = await sessionDetail(server.url, sessionId);
    expect(detail).toMatchObject({ state: 'ended', endReason: 'consent-declined' });
    expect(detail.events.map((e) => e.type)).toEqual(['session.created', 'consent.declined', 'session.ended']);
    expect(detail.recordings).toEqual([]);
    await context.close();
  });

  it('wipes the page and closes the draft as abandoned when the customer walks away', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-IDLE`);
    await page.getByTestId('service-first-time-wealth').click();
    await page.getByTestId('consent').waitFor();
    const sessionId = (await sessionIdOf(page))!;
    // No touch: first the "are you still there?" countdown, then the wipe.
    await page.getByTestId('idle-countdown').waitFor({ timeout: (IDLE_SECONDS + 2) * 1000 });
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('idle-countdown').count()).resolves.toBe(0);
    expect(await sessionIdOf(page)).toBeNull();
    expect(await page.getByTestId('consent').count()).toBe(0);

    const detail = await sessionDetail(server.url, sessionId);
    expect(detail).toMatchObject({ state: 'ended', endReason: 'abandoned' });
    await context.close();
  });

  it('wipes the document read from the card when the customer walks away from the confirm screen', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-IDLE-ID`);
    await waitForKioskOcr(page);
    await page.getByTestId('service-first-time-wealth').click();
    await page.getByTestId('consent-agree').click();
    await captureResidentId(page);
    const sessionId = (await sessionIdOf(page))!;
    expect(await page.content()).toContain(camera.front.fields.idNumber);
    await page.getByTestId('idle-countdown').waitFor({ timeout: (IDLE_SECONDS + 2) * 1000 });
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 20_000 });
    const html = await page.content();
    for (const value of [camera.front.fields.idNumber, camera.front.fields.name, camera.front.fields.address]) expect(html).not.toContain(value);
    expect(await sessionIdOf(page)).toBeNull();
    const detail = await sessionDetail(server.url, sessionId);
    expect(detail).toMatchObject({ state: 'ended', endReason: 'abandoned' });
    // Nothing of the document reached the server: it was never confirmed.
    expect(detail.evidence).toEqual([]);
    await context.close();
  });

  it('keeps the session while the customer touches the screen during the countdown', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-STAY`);
    await page.getByTestId('service-first-time-wealth').click();
    await page.getByTestId('idle-countdown').waitFor({ timeout: (IDLE_SECONDS + 2) * 1000 });
    await page.getByRole('button', { name: '继续办理' }).click();
    await expect(page.getByTestId('idle-countdown').count()).resolves.toBe(0);
    await page.getByTestId('consent').waitFor();
    const sessionId = (await sessionIdOf(page))!;
    expect((await sessionDetail(server.url, sessionId)).state).toBe('draft');
    await context.close();
  });

  it('shows each waiting customer their live place in the queue', async () => {
    const first = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-Q1`);
    const second = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-Q2`);
    await startAndQueue(first.page);
    await startAndQueue(second.page);
    await first.page.locator('[data-testid="waiting"][data-position="1"]').waitFor();
    await second.page.locator('[data-testid="waiting"][data-position="2"]').waitFor();
    expect(await second.page.getByTestId('queue-position').textContent()).toContain('1');

    // The first customer leaves the queue; the second moves up at once.
    await first.page.getByRole('button', { name: '取消' }).click();
    await second.page.locator('[data-testid="waiting"][data-position="1"]').waitFor({ timeout: 5000 });
    await first.context.close();
    await second.context.close();
  });

  it('switches to English and to large text', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/`);
    await page.getByTestId('service-first-time-wealth').waitFor();
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const standard = await size();
    await page.getByTestId('toggle-large-text').click();
    expect(await size()).toBeGreaterThan(standard * 1.2);
    await page.getByTestId('toggle-language').click();
    await expect(page.getByTestId('service-first-time-wealth').textContent()).resolves.toContain('First-time wealth product risk assessment');
    // Every control a customer touches is at least 48 px in both directions.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button')].filter((b) => {
        const r = b.getBoundingClientRect();
        return r.width < 48 || r.height < 48;
      }).length,
    );
    expect(small).toBe(0);
    await context.close();
  });
});
