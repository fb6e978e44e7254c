/**
 * The steps of a kiosk-to-teller call as a person does them in the two UIs, for tests
 * and the benchmark.
 */
import type { Browser, Page } from 'playwright-core';
import type { SessionDetail } from '@vtm/shared';
import { getAs } from './api.ts';
import { openPage } from './browser.ts';
import { TEST_PASSWORD } from './server.ts';

export const KIOSK_LOCATION = 'Test branch, lobby';

export interface CallPages {
  kiosk: Page;
  teller: Page;
  logs: { kiosk: string[]; teller: string[] };
  close(): Promise<void>;
}

export async function openKioskAndConsole(browser: Browser, baseUrl: string, names = { kiosk: 'VTM-E2E', teller: 'teller1' }): Promise<CallPages> {
  const logs = { kiosk: [] as string[], teller: [] as string[] };
  const teller = await openPage(browser, `${baseUrl}/console/`, logs.teller);
  await signInToConsole(teller.page, names.teller);
  await teller.page.getByTestId('go-on-duty').click();
  await teller.page.getByTestId('desk-status').filter({ hasText: 'on-duty' }).waitFor();
  const kiosk = await openPage(browser, `${baseUrl}/kiosk/?kiosk=${names.kiosk}&location=${encodeURIComponent(KIOSK_LOCATION)}`, logs.kiosk);
  await kiosk.page.getByTestId('service-first-time-wealth').waitFor();
  return {
    kiosk: kiosk.page,
    teller: teller.page,
    logs,
    async close() {
      await kiosk.context.close();
      await teller.context.close();
    },
  };
}

/**
 * The customer starts the assessment, consents to recording, shows their ID card to the
 * camera, confirms what was read, and waits in the queue. The browser must have been
 * launched with a fake camera showing an ID card (`prepareIdCamera` in ./id-camera.ts).
 */
export async function startAndQueue(kiosk: Page): Promise<void> {
  await waitForKioskOcr(kiosk);
  await kiosk.getByTestId('service-first-time-wealth').click();
  await kiosk.getByTestId('consent-agree').click();
  await captureResidentId(kiosk);
  await kiosk.getByTestId('confirm-id').click();
  await kiosk.getByTestId('waiting').waitFor();
}

/** Until the kiosk's OCR engines are loaded and warm (they start loading when the kiosk page opens). */
export async function waitForKioskOcr(kiosk: Page, timeoutMs = 60_000): Promise<void> {
  await kiosk.waitForFunction(() => (window as unknown as { vtm?: { ocr?: { status: string } } }).vtm?.ocr?.status === 'ready', null, { timeout: timeoutMs });
}

/** On the ID screen: choose the resident ID card and wait until both sides are read and the confirm screen shows. */
export async function captureResidentId(kiosk: Page, timeoutMs = 60_000): Promise<void> {
  await kiosk.getByTestId('id-choose-resident-id').click();
  await kiosk.getByTestId('confirm-id-screen').waitFor({ timeout: timeoutMs });
}

/** The kiosk calls, the teller accepts that call; returns the session id. */
export async function callAndAccept(pages: CallPages): Promise<{ sessionId: string; acceptedAt: number }> {
  await startAndQueue(pages.kiosk);
  const sessionId = await pages.kiosk.evaluate(() => (window as unknown as { vtm: { sessionId: string } }).vtm.sessionId);
  const entry = pages.teller.locator(`[data-testid="queue-entry"][data-session-id="${sessionId}"]`);
  await entry.waitFor();
  // Tellers see where the kiosk stands before they take the call.
  if (!(await entry.textContent())?.includes(KIOSK_LOCATION)) throw new Error('the queue entry does not show the kiosk location');
  const acceptedAt = Date.now();
  await entry.getByRole('button', { name: 'Accept' }).click();
  return { sessionId, acceptedAt };
}

export async function signInToConsole(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

export async function sessionDetail(baseUrl: string, sessionId: string): Promise<SessionDetail> {
  const { status, body } = await getAs<SessionDetail>(baseUrl, 'compliance1', `/api/sessions/${sessionId}`);
  if (status !== 200) throw new Error(`GET session ${sessionId}: ${status}`);
  return body;
}

/** Waits until every recording segment of the session is finished (sealed or otherwise). */
export async function waitForSealedRecording(baseUrl: string, sessionId: string, timeoutMs = 30_000): Promise<SessionDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await sessionDetail(baseUrl, sessionId);
    if (detail.state === 'ended' && detail.recordings.length > 0 && detail.recordings.every((r) => r.state !== 'recording')) {
      return detail;
    }
    if (Date.now() > deadline) throw new Error(`recording not sealed: ${JSON.stringify(detail.recordings)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls the session until its finalisation is done (or failed, which throws). */
export async function waitForFinalisation(baseUrl: string, sessionId: string, timeoutMs = 120_000): Promise<SessionDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await sessionDetail(baseUrl, sessionId);
    if (detail.finalisation?.state === 'done') return detail;
    if (detail.finalisation?.state === 'failed') throw new Error(`finalisation failed: ${detail.finalisation.error}`);
    if (Date.now() > deadline) throw new Error(`not finalised: ${JSON.stringify(detail.finalisation)}`);
    // Each look at a session's detail is audited: do not poll too often.
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function mediaStats(baseUrl: string) {
  const { status, body } = await getAs<unknown>(baseUrl, 'admin1', '/api/media/stats');
  if (status !== 200) throw new Error(`media stats: HTTP ${status}`);
  return body as {
    workers: Array<{ pid: number; routers: number; answering: boolean }>;
    routers: Array<{ id: string; transports: number; producers: number; consumers: number }>;
  };
}
