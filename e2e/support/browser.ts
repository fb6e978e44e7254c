/**
 * Debian's Chromium driven by playwright-core, with a fake camera and microphone, so
 * tests exercise real WebRTC. Each party gets its own browser context.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { giveKioskCredential, kioskCredential } from './kiosks.ts';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchBrowser(options: { fakeVideoFile?: string; executablePath?: string; args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      ...(options.fakeVideoFile ? [`--use-file-for-fake-video-capture=${options.fakeVideoFile}`] : []),
      ...(options.args ?? []),
    ],
  });
}

/**
 * Every Content-Security-Policy violation a page opened here reported (its workers' too),
 * in this test file: e2e/http-hardening.e2e.ts expects none; elsewhere each is printed.
 */
export const cspViolations: string[] = [];

/**
 * Opens a page in a new context. A kiosk page (`/kiosk/`, its name in `?kiosk=`, default
 * VTM-01, and location in `?location=`) comes enrolled: the kiosk of that name is
 * registered and enrolled on first use and its credential put in localStorage before the
 * app loads; `{ enrolled: false }` opens it as a kiosk that was never enrolled.
 */
export async function openPage(
  browser: Browser,
  url: string,
  logTo?: string[],
  options: { enrolled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 800 } });
  const target = new URL(url);
  if (target.pathname.startsWith('/kiosk/') && options.enrolled !== false) {
    const name = target.searchParams.get('kiosk') ?? 'VTM-01';
    await giveKioskCredential(context, await kioskCredential(url, name, target.searchParams.get('location') ?? ''));
  }
  const page = await context.newPage();
  page.on('console', (m) => {
    if (!/Content Security Policy/i.test(m.text())) return;
    cspViolations.push(`${url}: ${m.text()}`);
    process.stderr.write(`CSP violation at ${url}: ${m.text()}\n`);
  });
  if (logTo) {
    page.on('console', (m) => logTo.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logTo.push(`[pageerror] ${e.message}`));
  }
  await page.goto(url);
  return { context, page };
}

/** What the page's call says about media arriving from the other party. */
export async function inbound(page: Page) {
  return page.evaluate(async () => {
    const vtm = (window as unknown as { vtm: { inboundStats(): Promise<{ videoFramesDecoded: number; audioPacketsReceived: number }> } }).vtm;
    return vtm.inboundStats();
  });
}

/** Polls until the other party's video is being decoded and their audio arrives. */
export async function waitForRemoteMedia(page: Page, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await inbound(page);
    if (stats.videoFramesDecoded > 0 && stats.audioPacketsReceived > 0) return stats;
    if (Date.now() > deadline) throw new Error(`no remote media after ${timeoutMs} ms: ${JSON.stringify(stats)}`);
    await page.waitForTimeout(100);
  }
}
