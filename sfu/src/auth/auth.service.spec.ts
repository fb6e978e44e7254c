/** Sign-ins, sign-outs and user changes leave audit entries, and never a password. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import type { Repositories } from '../storage/repositories.ts';
import { TooManyRequestsError } from '../errors.ts';
import { AuthService } from './auth.service.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

const PASSWORD = 'seed-password-for-tests';
const TYPED_BY_MISTAKE = 'my-secret-typed-as-a-username';

describe('AuthService audit entries', () => {
  let dir: string;
  let repos: Repositories;
  let auth: AuthService;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-auth-'));
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'));
    auth = new AuthService(repos, new AuditLog({ repo: repos.audit, dataDir: dir }));
    await auth.seedIfEmpty(PASSWORD);
  });

  afterEach(async () => {
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entries = () => repos.audit.list({ afterSeq: 0, limit: 100 });

  it('records seeded users, sign-ins that fail or succeed, sign-outs and user changes', async () => {
    expect(await auth.signIn('teller1', 'wrong password', { ip: '10.0.0.7' })).toBeNull();
    expect(await auth.signIn(TYPED_BY_MISTAKE, PASSWORD)).toBeNull();
    const signedIn = (await auth.signIn('admin1', PASSWORD, { ip: '10.0.0.8' }))!;
    const created = await auth.createUser({ username: 'teller9', displayName: 'T9', role: 'teller', password: 'another long password' }, signedIn.user);
    await auth.setDisabled(created.id, true, signedIn.user);
    expect(await auth.signIn('teller9', 'another long password')).toBeNull();
    await auth.setDisabled(created.id, false, signedIn.user);
    await auth.signOut(signedIn.token);

    const summary = (await entries()).map((e) => [e.actor, e.action, e.subject, e.details]);
    expect(summary).toEqual([
      ['system', 'user.created', 'user:teller1', { role: 'teller', seeded: true }],
      ['system', 'user.created', 'user:teller2', { role: 'teller', seeded: true }],
      ['system', 'user.created', 'user:compliance1', { role: 'compliance', seeded: true }],
      ['system', 'user.created', 'user:admin1', { role: 'admin', seeded: true }],
      ['system', 'auth.sign-in-failed', 'user:teller1', { reason: 'wrong-password', ip: '10.0.0.7' }],
      ['system', 'auth.sign-in-failed', 'user:(unknown)', { reason: 'unknown-user', ip: null }],
      ['user:admin1', 'auth.signed-in', 'user:admin1', { ip: '10.0.0.8' }],
      ['user:admin1', 'user.created', 'user:teller9', { role: 'teller' }],
      ['user:admin1', 'user.disabled', 'user:teller9', {}],
      ['system', 'auth.sign-in-failed', 'user:teller9', { reason: 'disabled', ip: null }],
      ['user:admin1', 'user.enabled', 'user:teller9', {}],
      ['user:admin1', 'auth.signed-out', 'user:admin1', {}],
    ]);
  });

  it('keeps no password, token, or name that matches no user', async () => {
    await auth.signIn('teller1', 'wrong password');
    await auth.signIn(TYPED_BY_MISTAKE, PASSWORD);
    const signedIn = (await auth.signIn('teller1', PASSWORD))!;
    const text = JSON.stringify(await entries());
    for (const secret of [PASSWORD, 'wrong password', TYPED_BY_MISTAKE, signedIn.token]) expect(text).not.toContain(secret);
  });

  it('locks a username out after too many failures, audited once, and refuses even the right password meanwhile', async () => {
    const throttled = new AuthService(repos, new AuditLog({ repo: repos.audit, dataDir: dir }), new SignInThrottle({ maxFailuresPerUser: 3, lockoutMs: 60_000, freeFailuresPerAddress: 100 }));
    for (let i = 0; i < 3; i++) expect(await throttled.signIn('teller1', `wrong ${i}`, { ip: '10.0.0.7' })).toBeNull();
    const refused = await throttled.signIn('teller1', PASSWORD, { ip: '10.0.0.8' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(60);
    // Another user is not affected.
    expect(await throttled.signIn('teller2', PASSWORD)).not.toBeNull();
    const lockouts = (await entries()).filter((e) => e.action === 'auth.locked-out');
    expect(lockouts.map((e) => [e.actor, e.subject, e.details])).toEqual([['system', 'user:teller1', { scope: 'user', ip: '10.0.0.7', seconds: 60 }]]);
  });
});
