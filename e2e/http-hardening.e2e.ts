/**
 * The HTTP side under attack, against the real server: a whole sale in Chromium with the
 * Content-Security-Policy on (the kiosk's OCR workers and WebAssembly, the call, the
 * handwriting and signature, the receipt, then the reviewer's playback) with no policy
 * violation; who sees which session (a teller only their own: 404 for another's session,
 * evidence and receipt; no session for an admin); cookie changes without the CSRF header or
 * from another origin refused (403) and changing nothing; sign-in lockout per username and
 * back-off per address (429 with Retry-After), audited; the security headers; and a server
 * log with no ID number, name, password, cookie or token in it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CSRF_HEADER, type ApiError, type SessionDetail, type UserView } from '@vtm/shared';
import { WRITE_HEADERS, getAs, sendAs, signIn } from './support/api.ts';
import { artifactDir } from './support/artifacts.ts';
import { cspViolations, launchBrowser, openPage, waitForRemoteMedia } from './support/browser.ts';
import { callAndAccept, openKioskAndConsole, signInToConsole, waitForFinalisation } from './support/call-flow.ts';
import { prepareIdCamera, type IdCamera } from './support/id-camera.ts';
import { completeSession, sellUpToSignature } from './support/regulated-flow.ts';
import { TEST_PASSWORD, startServer, type TestServer } from './support/server.ts';

const KIOSK = 'VTM-E2E-HARDENING';
const UNKNOWN_SESSION = '3f0c8a56-1111-4222-8333-444455556666';
/** Lockout thresholds for this server: low, so the test reaches them quickly. */
const LIMITS = { SIGN_IN_MAX_FAILURES: '3', SIGN_IN_LOCKOUT_S: '60', SIGN_IN_ADDRESS_FREE_FAILURES: '6' };

/** What a browser says about a policy it enforced: any of these in a page's console is a violation. */
const CSP_VIOLATION = /Content Security Policy|Refused to (load|execute|evaluate|connect|create|frame|apply|compile|display)/i;

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('HTTP hardening', () => {
  const dir = artifactDir('http-hardening');
  let server: TestServer;
  let browser: Browser;
  let camera: IdCamera;
  /** The sale teller1 handled, with one of its evidence files and its receipt code. */
  let sale: { sessionId: string; evidenceId: number; code: string };
  /** Every session cookie and console cookie seen in this test (none may reach the log). */
  const secrets: string[] = [];
  const consoleLogs: Record<string, string[]> = {};

  beforeAll(async () => {
    camera = await prepareIdCamera();
    server = await startServer(dir, LIMITS);
    browser = await launchBrowser({ fakeVideoFile: camera.y4m });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.writeFileSync(path.join(dir, 'browser-console.json'), JSON.stringify(consoleLogs, null, 2));
  });

  it('sends the security headers: CSP for the OCR, nosniff, no referrer, no framing, no caching of API replies', async () => {
    for (const page of ['/kiosk/', '/console/']) {
      const response = await fetch(`${server.url}${page}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain(`connect-src 'self' ws://${new URL(server.url).host}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      // Vite's build has no inline script: every script the page names is a file of ours.
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }
    const api = await fetch(`${server.url}/api/auth/me`);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    // Plain http here: no HSTS (e2e/https.e2e.ts runs with HTTPS=1).
    expect(api.headers.get('strict-transport-security')).toBeNull();
  });

  it('runs a whole sale in Chromium under the policy, the kiosk\'s OCR included, with no violation', { timeout: 480_000 }, async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: KIOSK, teller: 'teller1' });
    consoleLogs['kiosk'] = pages.logs.kiosk;
    consoleLogs['teller'] = pages.logs.teller;
    // callAndAccept reads the ID card at the kiosk: tesseract.js workers from blob: URLs, WebAssembly, models from us.
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.teller);
    // Includes the console's own upload (a still, with its CSRF header); the handwriting is
    // read by a chi_sim worker at the kiosk; the signature previews are data:/blob: images.
    await sellUpToSignature(pages, 'WM-R1-90D');
    await completeSession(pages);
    const receipt = pages.kiosk.getByTestId('receipt');
    await receipt.waitFor();
    // The receipt PDF, fetched with the kiosk's token, becomes a blob: link to print or download.
    await pages.kiosk.locator('[data-testid="receipt-download"][href^="blob:"]').waitFor();
    const code = (await receipt.getAttribute('data-code'))!;
    for (const cookie of await pages.teller.context().cookies()) secrets.push(cookie.value);
    await pages.close();

    const finalised = await waitForFinalisation(server.url, sessionId);
    const evidence = finalised.evidence.find((e) => e.kind === 'id-front')!;
    sale = { sessionId, evidenceId: evidence.id, code };

    // The reviewer's page: both recordings play (media-src), the signature replays (connect-src), images show.
    const reviewLogs: string[] = [];
    consoleLogs['review'] = reviewLogs;
    const { context, page } = await openPage(browser, `${server.url}/console/?session=${sessionId}`, reviewLogs);
    try {
      await signInToConsole(page, 'compliance1');
      await page.getByTestId('session-review').waitFor();
      await page.getByTestId('signature-replay').waitFor();
      await page.locator('[data-testid="playback-video"][data-party="kiosk"][data-media-id]').waitFor({ state: 'attached' });
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLVideoElement>('[data-testid="playback-video"]')].every((v) => v.readyState >= 2),
      );
      await page.getByTestId('play-pause').click();
      await page.waitForTimeout(1000);
      await page.getByTestId('play-pause').click();
      for (const cookie of await context.cookies()) secrets.push(cookie.value);
    } finally {
      await context.close();
    }

    const violations = Object.entries(consoleLogs).flatMap(([who, lines]) => lines.filter((l) => CSP_VIOLATION.test(l)).map((l) => `${who}: ${l}`));
    expect(violations).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('shows a teller only the sessions they handle: another teller\'s session, evidence and receipt are 404, like missing ones', async () => {
    expect(sale, 'the sale was made').toBeDefined();
    const { sessionId, evidenceId, code } = sale;
    const routes = {
      session: `/api/sessions/${sessionId}`,
      evidence: `/api/sessions/${sessionId}/evidence/${evidenceId}`,
      receiptPdf: `/api/sessions/${sessionId}/receipt`,
      receiptLookup: `/api/receipts/${code}`,
    };
    const missing = {
      session: `/api/sessions/${UNKNOWN_SESSION}`,
      evidence: `/api/sessions/${UNKNOWN_SESSION}/evidence/${evidenceId}`,
      receiptPdf: `/api/sessions/${UNKNOWN_SESSION}/receipt`,
      receiptLookup: '/api/receipts/ZZZZ-ZZZZ',
    };
    for (const name of Object.keys(routes) as Array<keyof typeof routes>) {
      const own = await fetch(`${server.url}${routes[name]}`, { headers: { cookie: await signIn(server.url, 'teller1') } });
      expect(own.status, `teller1 ${name}`).toBe(200);
      await own.arrayBuffer();
      const asReviewer = await fetch(`${server.url}${routes[name]}`, { headers: { cookie: await signIn(server.url, 'compliance1') } });
      expect(asReviewer.status, `compliance1 ${name}`).toBe(200);
      await asReviewer.arrayBuffer();

      const foreign = await getAs<ApiError>(server.url, 'teller2', routes[name]);
      const absent = await getAs<ApiError>(server.url, 'teller2', missing[name]);
      expect(foreign.status, `teller2 ${name}`).toBe(404);
      // Exactly what a session that does not exist gets: nothing tells the two apart.
      expect(foreign.body, `teller2 ${name}`).toEqual(absent.body);
    }
    const detail = await getAs<SessionDetail>(server.url, 'teller1', routes.session);
    expect(detail.body.tellerName).toBe('teller1');
  });

  it('shows an admin no session and no customer data', async () => {
    expect(sale, 'the sale was made').toBeDefined();
    const { sessionId, evidenceId, code } = sale;
    for (const route of [`/api/sessions/${sessionId}`, `/api/sessions/${sessionId}/evidence/${evidenceId}`, `/api/sessions/${sessionId}/receipt`, `/api/receipts/${code}`, '/api/review/sessions']) {
      const reply = await getAs<ApiError>(server.url, 'admin1', route);
      expect(reply.status, route).toBe(403);
      expect(reply.body.error.code).toBe('not-allowed');
    }
    // What admins are for still works.
    expect((await getAs(server.url, 'admin1', '/api/users')).status).toBe(200);
    expect((await getAs(server.url, 'admin1', '/api/media/stats')).status).toBe(200);
  });

  it('refuses a cookie change without the CSRF header or from another origin (403), and it changes nothing', async () => {
    const admin = await signIn(server.url, 'admin1');
    const newUser = (username: string) => JSON.stringify({ username, displayName: 'Forged', role: 'admin', password: 'a long enough password' });
    const post = (headers: Record<string, string>, username: string) =>
      fetch(`${server.url}/api/users`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json', ...headers }, body: newUser(username) });

    const bare = await post({}, 'forged1');
    expect(bare.status).toBe(403);
    expect((await json<ApiError>(bare)).error.message).toContain(CSRF_HEADER);
    // As a browser sends a cross-site form post or fetch: the header cannot be added there, but even with it...
    const foreign = await post({ ...WRITE_HEADERS, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, 'forged2');
    expect(foreign.status).toBe(403);
    const sameSite = await post({ ...WRITE_HEADERS, 'sec-fetch-site': 'same-site' }, 'forged3');
    expect(sameSite.status).toBe(403);
    const users = await getAs<UserView[]>(server.url, 'admin1', '/api/users');
    expect(users.body.some((u) => u.username.startsWith('forged'))).toBe(false);

    // Disabling a user, signing out: refused alike, and the user and the cookie stay as they were.
    const teller2 = users.body.find((u) => u.username === 'teller2')!;
    const disable = await fetch(`${server.url}/api/users/${teller2.id}`, {
      method: 'PATCH',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(disable.status).toBe(403);
    expect((await getAs<UserView[]>(server.url, 'admin1', '/api/users')).body.find((u) => u.id === teller2.id)!.disabled).toBe(false);
    const signOut = await fetch(`${server.url}/api/auth/sign-out`, { method: 'POST', headers: { cookie: admin, origin: 'https://evil.example' } });
    expect(signOut.status).toBe(403);
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie: admin } })).status).toBe(200);

    // A compliance decision, a still: the same.
    const decision = await fetch(`${server.url}/api/review/sessions/${sale.sessionId}/decisions`, {
      method: 'POST',
      headers: { cookie: await signIn(server.url, 'compliance1'), 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', comment: 'forged' }),
    });
    expect(decision.status).toBe(403);
    const review = await getAs<{ decisions: unknown[] }>(server.url, 'compliance1', `/api/review/sessions/${sale.sessionId}`);
    expect(review.body.decisions).toEqual([]);

    // The same change, sent as the console sends it, goes through.
    const made = await sendAs<UserView>(server.url, 'admin1', 'POST', '/api/users', JSON.parse(newUser('made-by-console')));
    expect(made.status).toBe(201);
    const sameOrigin = await post({ ...WRITE_HEADERS, origin: server.url, 'sec-fetch-site': 'same-origin' }, 'made-same-origin');
    expect(sameOrigin.status).toBe(201);
    secrets.push(admin.split('=')[1]!);
  });

  it('refuses a sign-in from another origin (login CSRF): no cookie is set', async () => {
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'teller1', password: TEST_PASSWORD }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('locks a username out after 3 failures (429, Retry-After), the right password included, and audits it', async () => {
    const created = await sendAs<UserView>(server.url, 'admin1', 'POST', '/api/users', {
      username: 'teller-locked',
      displayName: 'Teller Locked',
      role: 'teller',
      password: 'the right long password',
    });
    expect(created.status).toBe(201);
    const attempt = (username: string, password: string) =>
      fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

    // Successful sign-ins never count: the same user, many times.
    for (let i = 0; i < 5; i++) expect((await attempt('teller-locked', 'the right long password')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await attempt('teller-locked', `wrong password ${i}`)).status).toBe(401);
    const locked = await attempt('teller-locked', 'the right long password');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(locked.headers.get('set-cookie')).toBeNull();
    expect((await json<ApiError>(locked)).error).toMatchObject({ code: 'too-many-requests', message: expect.stringMatching(/try again in \d+ s/) });
    // In any letter case: the same name.
    expect((await attempt('TELLER-LOCKED', 'the right long password')).status).toBe(429);
    // Other users are not affected.
    expect((await attempt('teller2', TEST_PASSWORD)).status).toBe(200);

    // Past the free failures of this address (6 here), each failure makes it wait, doubling.
    for (let i = 0; i < 2; i++) expect((await attempt(`nobody-${i}`, 'wrong')).status).toBe(401);
    expect((await attempt('nobody-2', 'wrong')).status).toBe(401); // the 6th failure from here: free
    expect((await attempt('nobody-3', 'wrong')).status).toBe(401); // the 7th: now it waits 1 s
    const waiting = await attempt('teller2', TEST_PASSWORD);
    expect(waiting.status).toBe(429);
    expect(waiting.headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt('teller2', TEST_PASSWORD)).status).toBe(200);

    const db = new Database(path.join(server.dataDir, 'vtm.sqlite'), { readonly: true });
    try {
      const lockouts = db.prepare("SELECT actor, subject, details FROM audit_entries WHERE action = 'auth.locked-out' ORDER BY seq").all() as Array<{ actor: string; subject: string; details: string }>;
      expect(lockouts.map((e) => [e.actor, e.subject, JSON.parse(e.details)])).toEqual([
        ['system', 'user:teller-locked', { scope: 'user', ip: expect.any(String), seconds: 60 }],
        ['system', expect.stringMatching(/^address:/), { scope: 'address', ip: expect.any(String), seconds: 1 }],
      ]);
      const failures = db.prepare("SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'auth.sign-in-failed'").get() as { n: number };
      expect(failures.n).toBe(7);
    } finally {
      db.close();
    }
  });

  it('keeps the customer\'s ID number and name, passwords, cookies and tokens out of the server log', async () => {
    expect(sale, 'the sale was made').toBeDefined();
    for (const user of ['teller1', 'teller2', 'compliance1', 'admin1']) secrets.push((await signIn(server.url, user)).split('=')[1]!);
    const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
    // The log is the real one: the sale and its session are in it, at debug level.
    expect(log).toContain(sale.sessionId);
    const forbidden: Record<string, string> = {
      'ID number': camera.front.fields.idNumber,
      name: camera.front.fields.name,
      'seed password': TEST_PASSWORD,
      'created user password': 'the right long password',
      ...Object.fromEntries(secrets.map((s, i) => [`cookie ${i}`, s])),
    };
    for (const [what, value] of Object.entries(forbidden)) {
      expect(value.length, what).toBeGreaterThan(1);
      expect(log.includes(value), `${what} in the server log`).toBe(false);
    }
  });
});
