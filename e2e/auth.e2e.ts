/**
 * Sign-in and roles against the real server: seeded users, the session cookie's
 * protections, role checks, and an admin managing users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { artifactDir } from './support/artifacts.ts';
import { WRITE_HEADERS, getAs, signIn } from './support/api.ts';
import { launchBrowser, openPage } from './support/browser.ts';
import { signInToConsole } from './support/call-flow.ts';
import { startServer, type TestServer } from './support/server.ts';

async function post(url: string, body: unknown, cookie?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie, ...WRITE_HEADERS } : {}) },
    body: JSON.stringify(body),
  });
}

describe('sign-in and roles', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(artifactDir('auth'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('signs in with an httpOnly, SameSite=Strict cookie and signs out', async () => {
    const response = await post(`${server.url}/api/auth/sign-in`, { username: 'teller1', password: 'e2e-only-password' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ username: 'teller1', role: 'teller', disabled: false });
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^vtm_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
    expect((await me.json()).username).toBe('teller1');
    expect((await post(`${server.url}/api/auth/sign-out`, {}, cookie)).status).toBe(204);
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('keeps each role to its own routes', async () => {
    expect((await getAs(server.url, 'teller1', '/api/users')).status).toBe(403);
    expect((await getAs(server.url, 'compliance1', '/api/users')).status).toBe(403);
    expect((await getAs(server.url, 'teller1', '/api/media/stats')).status).toBe(403);
    const users = await getAs<Array<{ username: string; role: string }>>(server.url, 'admin1', '/api/users');
    expect(users.status).toBe(200);
    expect(users.body.map((u) => `${u.username}:${u.role}`).sort()).toEqual(
      ['admin1:admin', 'compliance1:compliance', 'teller1:teller', 'teller2:teller'].sort(),
    );
    expect((await fetch(`${server.url}/api/users`)).status).toBe(401);
  });

  it('lets an admin add a user, and disabling one ends their sessions', async () => {
    const admin = await signIn(server.url, 'admin1');
    const weak = await post(`${server.url}/api/users`, { username: 'teller9', displayName: 'T9', role: 'teller', password: 'short' }, admin);
    expect(weak.status).toBe(400);
    const created = await post(
      `${server.url}/api/users`,
      { username: 'teller9', displayName: 'Teller 9', role: 'teller', password: 'a long enough password' },
      admin,
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const duplicate = await post(
      `${server.url}/api/users`,
      { username: 'TELLER9', displayName: 'again', role: 'teller', password: 'a long enough password' },
      admin,
    );
    expect(duplicate.status).toBe(409);

    const teller9 = await signIn(server.url, 'teller9', 'a long enough password');
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie: teller9 } })).status).toBe(200);
    const disabled = await fetch(`${server.url}/api/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie: admin, ...WRITE_HEADERS },
      body: JSON.stringify({ disabled: true }),
    });
    expect((await disabled.json()).disabled).toBe(true);
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie: teller9 } })).status).toBe(401);
    expect((await post(`${server.url}/api/auth/sign-in`, { username: 'teller9', password: 'a long enough password' })).status).toBe(401);
  });

  it('shows the admin page in the console', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = await openPage(browser, `${server.url}/console/`);
      await signInToConsole(page, 'admin1');
      await page.locator('[data-testid="user-row"][data-username="compliance1"]').waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Username').waitFor();
    } finally {
      await browser.close();
    }
  });
});

describe('first start without SEED_PASSWORD', () => {
  it('creates the seed users with a random password shown once on the console', async () => {
    const dir = artifactDir('auth-seed');
    const server = await startServer(dir, { SEED_PASSWORD: '' });
    try {
      const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
      const password = /Their password \(shown only now[^)]*\): (\S+)/.exec(log)?.[1];
      expect(password).toBeTruthy();
      expect(log.match(new RegExp(password!.replace(/[-_]/g, '\\$&'), 'g'))).toHaveLength(1);
      expect((await post(`${server.url}/api/auth/sign-in`, { username: 'admin1', password })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
