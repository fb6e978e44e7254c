/** Kiosk enrollment: codes and credentials are stored only as hashes, codes work once and expire, revocation cuts off. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENROLLMENT_CODE_ALPHABET, ENROLLMENT_CODE_LENGTH } from '@vtm/shared';
import { AuditLog } from '../audit/audit-log.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import type { Repositories, UserRecord } from '../storage/repositories.ts';
import { RequestError, TooManyRequestsError } from '../errors.ts';
import { ENROLLMENT_CODE_TTL_MS, KioskService, hashKioskSecret } from './kiosk.service.ts';

const ADMIN: UserRecord = { id: 1, username: 'admin1', displayName: 'Admin', role: 'admin', passwordHash: '', createdAt: '', disabledAt: null };

describe('KioskService', () => {
  let dir: string;
  let repos: Repositories;
  let now: number;
  let kiosks: KioskService;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-kiosks-'));
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'));
    now = Date.parse('2026-05-01T08:00:00.000Z');
    kiosks = new KioskService({ repos, audit: new AuditLog({ repo: repos.audit, dataDir: dir }), now: () => now });
  });

  afterEach(async () => {
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entries = () => repos.audit.list({ afterSeq: 0, limit: 100 });

  it('issues a short code from the unambiguous alphabet and stores only hashes', async () => {
    const { kiosk, enrollmentCode } = await kiosks.register({ name: 'Branch 1', location: 'Lobby' }, ADMIN);
    expect(enrollmentCode).toHaveLength(ENROLLMENT_CODE_LENGTH);
    expect([...enrollmentCode].every((c) => ENROLLMENT_CODE_ALPHABET.includes(c))).toBe(true);
    expect(kiosk).toMatchObject({ name: 'Branch 1', location: 'Lobby', status: 'pending', createdBy: 'admin1' });
    expect(kiosk.enrollmentExpiresAt).toBe(new Date(now + ENROLLMENT_CODE_TTL_MS).toISOString());
    const stored = (await repos.kiosks.byId(kiosk.id))!;
    expect(stored.enrollmentCodeHash).toBe(hashKioskSecret(enrollmentCode));

    const enrolled = await kiosks.enroll(enrollmentCode.toLowerCase().toUpperCase(), { ip: '10.0.0.5' });
    expect(enrolled).toMatchObject({ kioskId: kiosk.id, name: 'Branch 1', location: 'Lobby' });
    expect(enrolled.credential.length).toBeGreaterThanOrEqual(40);
    const after = (await repos.kiosks.byId(kiosk.id))!;
    expect(after.credentialHash).toBe(hashKioskSecret(enrolled.credential));
    expect(after.enrollmentCodeHash).toBeNull();
    expect(JSON.stringify(await repos.kiosks.list())).not.toContain(enrolled.credential);
    expect(JSON.stringify(await entries())).not.toContain(enrolled.credential);
    expect(JSON.stringify(await entries())).not.toContain(enrollmentCode);
    expect((await kiosks.authenticate(enrolled.credential))?.id).toBe(kiosk.id);
    expect((await kiosks.list())[0]!.status).toBe('enrolled');
  });

  it('refuses a duplicate name', async () => {
    await kiosks.register({ name: 'Branch 1', location: '' }, ADMIN);
    await expect(kiosks.register({ name: 'branch 1', location: '' }, ADMIN)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('redeems a code once only', async () => {
    const { enrollmentCode } = await kiosks.register({ name: 'K', location: '' }, ADMIN);
    await kiosks.enroll(enrollmentCode);
    await expect(kiosks.enroll(enrollmentCode)).rejects.toBeInstanceOf(RequestError);
    await expect(kiosks.enroll('WRONGCOD')).rejects.toMatchObject({ code: 'unauthenticated' });
    const failures = (await entries()).filter((e) => e.action === 'kiosk.enrollment-failed');
    expect(failures).toHaveLength(2);
  });

  it('refuses an expired code', async () => {
    const { enrollmentCode } = await kiosks.register({ name: 'K', location: '' }, ADMIN);
    now += ENROLLMENT_CODE_TTL_MS + 1;
    await expect(kiosks.enroll(enrollmentCode)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await entries()).at(-1)).toMatchObject({ action: 'kiosk.enrollment-failed', details: { reason: 'expired' } });
  });

  it('revokes: the credential stops working, a pending code too, and listeners are told', async () => {
    const told: number[] = [];
    kiosks.onRevoked((k) => void told.push(k.id));
    const { kiosk, enrollmentCode } = await kiosks.register({ name: 'K', location: '' }, ADMIN);
    const { credential } = await kiosks.enroll(enrollmentCode);
    const view = await kiosks.revoke(kiosk.id, ADMIN);
    expect(view.status).toBe('revoked');
    expect(told).toEqual([kiosk.id]);
    expect(await kiosks.authenticate(credential)).toBeUndefined();
    await expect(kiosks.revoke(kiosk.id, ADMIN)).rejects.toMatchObject({ code: 'conflict' });

    const pending = await kiosks.register({ name: 'P', location: '' }, ADMIN);
    await kiosks.revoke(pending.kiosk.id, ADMIN);
    await expect(kiosks.enroll(pending.enrollmentCode)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await entries()).map((e) => e.action)).toEqual(
      expect.arrayContaining(['kiosk.registered', 'kiosk.enrolled', 'kiosk.revoked', 'kiosk.enrollment-failed']),
    );
  });

  it('refuses no credential and an unknown one', async () => {
    expect(await kiosks.authenticate(undefined)).toBeUndefined();
    expect(await kiosks.authenticate('nope')).toBeUndefined();
  });

  it('makes an address that keeps guessing wait', async () => {
    for (let i = 0; i < 5; i++) await expect(kiosks.enroll('AAAAAAAA', { ip: '10.9.9.9' })).rejects.toBeInstanceOf(RequestError);
    await expect(kiosks.enroll('AAAAAAAA', { ip: '10.9.9.9' })).rejects.toBeInstanceOf(RequestError);
    await expect(kiosks.enroll('AAAAAAAA', { ip: '10.9.9.9' })).rejects.toBeInstanceOf(TooManyRequestsError);
    // Another address is not affected.
    await expect(kiosks.enroll('AAAAAAAA', { ip: '10.9.9.10' })).rejects.toBeInstanceOf(RequestError);
  });
});
