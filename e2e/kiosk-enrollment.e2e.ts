/**
 * Kiosk enrollment against the real server: an admin registers a kiosk in the console and
 * is shown a one-time code; typed on the kiosk's keypad it enrolls the kiosk, which then
 * shows its attract screen. Codes work once; a hello without a valid credential is refused
 * and its socket closed; a WebSocket upgrade from another origin is refused. Revoking a
 * kiosk mid-call cuts it off at once: both sides are told, the session ends as
 * 'kiosk-revoked' with its recording sealed, and the kiosk can neither rejoin nor upload.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KIOSK_CREDENTIAL_STORAGE_KEY, KIOSK_UPLOAD_TOKEN_HEADER, type KioskView } from '@vtm/shared';
import { artifactDir } from './support/artifacts.ts';
import { openPage, waitForRemoteMedia } from './support/browser.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { callAndAccept, openKioskAndConsole, signInToConsole, waitForSealedRecording } from './support/call-flow.ts';
import { getAs, sendAs } from './support/api.ts';
import { enrollKiosk, enrolledKiosk, registerKiosk } from './support/kiosks.ts';
import { startServer, type TestServer } from './support/server.ts';
import { connectRaw } from './support/ws-client.ts';

const RTP = { codecs: [], headerExtensions: [] };

describe('kiosk enrollment and authenticated kiosk connections', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = artifactDir('kiosk-enrollment');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openAdmin(): Promise<{ page: Page; close(): Promise<void> }> {
    const admin = await openPage(browser, `${server.url}/console/`);
    await signInToConsole(admin.page, 'admin1');
    // The admin page lists the users too (the same AdminList as the kiosks).
    await admin.page.locator('[data-testid="user-row"][data-username="teller1"]').waitFor();
    return { page: admin.page, close: () => admin.context.close() };
  }

  async function kioskByName(name: string): Promise<KioskView> {
    const { body } = await getAs<KioskView[]>(server.url, 'admin1', '/api/kiosks');
    return body.find((k) => k.name === name)!;
  }

  it('enrolls a kiosk with the code the admin was shown, typed on its keypad; the code works once', async () => {
    const admin = await openAdmin();
    await admin.page.getByTestId('kiosk-name').fill('VTM-ENROLL-1');
    await admin.page.getByTestId('kiosk-location').fill('Branch 9, lobby');
    await admin.page.getByTestId('register-kiosk').click();
    const code = (await admin.page.getByTestId('enrollment-code').textContent())!.trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    await admin.page.locator('[data-testid="kiosk-row"][data-name="VTM-ENROLL-1"][data-status="pending"]').waitFor();

    // A kiosk never enrolled shows the enrollment screen, not the attract screen.
    const kiosk = await openPage(browser, `${server.url}/kiosk/`, undefined, { enrolled: false });
    await kiosk.page.getByTestId('enroll-screen').waitFor();
    expect(await kiosk.page.getByTestId('service-first-time-wealth').count()).toBe(0);
    // A wrong code is refused and said so.
    for (const key of 'ABCDEFGH') await kiosk.page.locator(`[data-testid="enroll-key"][data-key="${key}"]`).click();
    await kiosk.page.getByTestId('enroll-submit').click();
    await kiosk.page.locator('[data-testid="enroll-error"][data-error="enrollWrongCode"]').waitFor();
    // The right one enrolls it.
    for (const key of code) await kiosk.page.locator(`[data-testid="enroll-key"][data-key="${key}"]`).click();
    await kiosk.page.getByTestId('enroll-submit').click();
    await kiosk.page.getByTestId('service-first-time-wealth').waitFor();
    const stored = await kiosk.page.evaluate((key) => localStorage.getItem(key), KIOSK_CREDENTIAL_STORAGE_KEY);
    expect(stored).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    await kiosk.page.screenshot({ path: path.join(dir, 'kiosk-enrolled.png') });

    // The code is spent.
    expect((await enrollKiosk(server.url, code)).status).toBe(401);
    expect(await kioskByName('VTM-ENROLL-1')).toMatchObject({ status: 'enrolled', location: 'Branch 9, lobby' });
    await admin.page.reload();
    await admin.page.locator('[data-testid="kiosk-row"][data-name="VTM-ENROLL-1"][data-status="enrolled"]').waitFor();

    // Reloading keeps the credential: straight to the attract screen.
    await kiosk.page.reload();
    await kiosk.page.getByTestId('service-first-time-wealth').waitFor();
    await kiosk.context.close();
    await admin.close();
  });

  it('refuses a kiosk hello without a credential, with a wrong one, and a name in place of one; closes the socket', async () => {
    for (const data of [{ role: 'kiosk' }, { role: 'kiosk', credential: 'not-a-credential' }]) {
      const client = await connectRaw(server.wsUrl);
      const reply = await client.request('hello', data);
      expect(reply).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect((await client.closed).code).toBe(4401);
    }
    // The old hello (a name the kiosk chose itself) is not accepted.
    const old = await connectRaw(server.wsUrl);
    expect(await old.exchange(JSON.stringify({ id: 1, method: 'hello', data: { role: 'kiosk', name: 'VTM-FAKE', location: 'x' } }))).toMatchObject({
      ok: false,
      error: { code: 'invalid-data' },
    });
    old.socket.close();
    // A request before hello is still refused.
    const early = await connectRaw(server.wsUrl);
    expect(await early.request('session.create', { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: RTP })).toMatchObject({ ok: false });
    early.socket.close();
  });

  it('refuses a WebSocket upgrade from another origin; its own origin and none at all are let through', async () => {
    const status = (origin?: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(server.wsUrl, origin ? { origin } : {});
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('error', reject);
      });
    expect(await status('http://evil.example')).toBe(403);
    expect(await status('null')).toBe(403);
    expect(await status(server.url)).toBe(101);
    expect(await status()).toBe(101);
  });

  it('cuts a revoked kiosk off mid-call at once: both sides told, session ended as kiosk-revoked, recording sealed', async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-REVOKE', teller: 'teller1' });
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.kiosk.waitForTimeout(2000);

    const admin = await openAdmin();
    const row = admin.page.locator('[data-testid="kiosk-row"][data-name="VTM-REVOKE"]');
    await row.getByTestId('revoke-kiosk').click();
    const revokedAt = Date.now();
    await row.getByTestId('confirm-revoke').click();
    // The kiosk forgets its credential and asks to be enrolled again; the teller is told.
    await pages.kiosk.locator('[data-testid="enroll-error"][data-error="enrollRevoked"]').waitFor({ timeout: 5000 });
    const kioskCutOffMs = Date.now() - revokedAt;
    await pages.teller.getByTestId('notice').filter({ hasText: 'revoked' }).waitFor({ timeout: 5000 });
    const tellerToldMs = Date.now() - revokedAt;
    expect(kioskCutOffMs).toBeLessThan(3000);
    expect(tellerToldMs).toBeLessThan(3000);
    expect(await pages.kiosk.evaluate((key) => localStorage.getItem(key), KIOSK_CREDENTIAL_STORAGE_KEY)).toBeNull();
    await row.and(admin.page.locator('[data-status="revoked"]')).waitFor();
    await pages.kiosk.screenshot({ path: path.join(dir, 'kiosk-revoked.png') });

    const detail = await waitForSealedRecording(server.url, sessionId);
    expect(detail).toMatchObject({ state: 'ended', endReason: 'kiosk-revoked' });
    expect(detail.recordings.every((r) => r.state === 'sealed')).toBe(true);
    const { body: audit } = await getAs<{ action: string; subject: string }[]>(server.url, 'compliance1', '/api/audit?limit=500');
    if (Array.isArray(audit)) expect(audit.some((e) => e.action === 'kiosk.revoked' && e.subject === 'kiosk:VTM-REVOKE')).toBe(true);
    fs.writeFileSync(path.join(dir, 'revoke-browser-console.log'), [...pages.logs.kiosk, '---', ...pages.logs.teller].join('\n'));
    process.stdout.write(`revocation: kiosk cut off in ${kioskCutOffMs} ms, teller told in ${tellerToldMs} ms\n`);
    await admin.close();
    await pages.close();
  });

  it('a revoked kiosk can neither say hello again, nor rejoin its session, nor upload; another kiosk cannot take its session', async () => {
    const { kioskId, credential } = await enrolledKiosk(server.url, 'VTM-REVOKE-RAW', 'lobby');
    const kiosk = await connectRaw(server.wsUrl);
    expect(await kiosk.request('hello', { role: 'kiosk', credential })).toMatchObject({ ok: true });
    const created = await kiosk.request('session.create', { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: RTP });
    const { sessionId, uploadToken } = created['data'] as { sessionId: string; uploadToken: string };

    // Another enrolled kiosk with the session's token is still not the session's kiosk.
    const other = await connectRaw(server.wsUrl);
    expect(await other.request('hello', { role: 'kiosk', name: 'VTM-OTHER' })).toMatchObject({ ok: true });
    expect(await other.request('session.rejoin', { sessionId, token: uploadToken, rtpCapabilities: RTP })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed' },
    });
    other.socket.close();

    const revoked = await sendAs<KioskView>(server.url, 'admin1', 'POST', `/api/kiosks/${kioskId}/revoke`);
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked' } });
    expect((await kiosk.closed).code).toBe(4401);
    // Revoking twice is a conflict; revoking needs an admin and the CSRF header.
    expect((await sendAs(server.url, 'admin1', 'POST', `/api/kiosks/${kioskId}/revoke`)).status).toBe(409);
    expect((await sendAs(server.url, 'teller1', 'POST', `/api/kiosks/${kioskId}/revoke`)).status).toBe(403);

    const again = await connectRaw(server.wsUrl);
    expect(await again.request('hello', { role: 'kiosk', credential })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect((await again.closed).code).toBe(4401);

    const upload = await fetch(`${server.url}/api/sessions/${sessionId}/kiosk-uploads/id-front`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', [KIOSK_UPLOAD_TOKEN_HEADER]: uploadToken },
      body: Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    expect(upload.status).toBe(403);
    const { body: session } = await getAs<{ state: string; endReason: string }>(server.url, 'compliance1', `/api/sessions/${sessionId}`);
    expect(session).toMatchObject({ state: 'ended', endReason: 'kiosk-revoked' });
  });

  it('registering needs an admin; names are unique; enrollment is throttled per address', async () => {
    expect((await sendAs(server.url, 'teller1', 'POST', '/api/kiosks', { name: 'VTM-NOPE' })).status).toBe(403);
    expect((await getAs(server.url, 'compliance1', '/api/kiosks')).status).toBe(403);
    await registerKiosk(server.url, 'VTM-UNIQUE');
    expect((await sendAs(server.url, 'admin1', 'POST', '/api/kiosks', { name: 'vtm-unique' })).status).toBe(409);
    // Without the CSRF header, a cookie-authorised registration is refused.
    const { signIn } = await import('./support/api.ts');
    const forged = await fetch(`${server.url}/api/kiosks`, {
      method: 'POST',
      headers: { cookie: await signIn(server.url, 'admin1'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'VTM-FORGED' }),
    });
    expect(forged.status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await enrollKiosk(server.url, 'ZZZZZZZZ')).status);
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses).toContain(429);
  });
});
