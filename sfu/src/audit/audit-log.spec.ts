/**
 * The audit trail against a real SQLite file and real files on disk: appending, verifying,
 * and the tampering it must reveal (a flipped byte, an edited row, a deleted row).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import type { Repositories } from '../storage/repositories.ts';
import { GENESIS_HASH, SYSTEM_ACTOR, hashAuditEntry, kioskActor, userActor } from './audit-entry.ts';
import { AuditLog } from './audit-log.ts';
import { verifyAndRecord, verifyAuditTrail } from './verify-audit-trail.ts';

let dataDir: string;
let databaseFile: string;
let repos: Repositories;
let audit: AuditLog;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-audit-'));
  databaseFile = path.join(dataDir, 'vtm.sqlite');
  repos = createSqliteRepositories(databaseFile);
  audit = new AuditLog({ repo: repos.audit, dataDir });
});

afterEach(async () => {
  await repos.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Writes a file under the data folder and records it as stored evidence. */
async function storeFile(relative: string, bytes: Buffer) {
  const file = path.join(dataDir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await audit.record({ actor: kioskActor('VTM-1'), action: 'evidence.stored', sessionId: 's1', subject: 'evidence:1', file: { path: file, sha256 }, details: {} });
  return { file, sha256 };
}

async function someEntries(count: number) {
  for (let i = 0; i < count; i++) {
    await audit.record({ actor: userActor('compliance1'), action: 'session.viewed', sessionId: 's1', subject: 'session:s1', details: { i } });
  }
}

/** Another connection to the same file, as someone with the database file and a SQLite shell has. */
function tamper(sql: string, ...params: unknown[]) {
  const db = new Database(databaseFile);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

const dropTriggers = () => {
  tamper('DROP TRIGGER audit_entries_no_update');
  tamper('DROP TRIGGER audit_entries_no_delete');
};

describe('appending to the audit trail', () => {
  it('chains each entry to the one before, from the genesis hash', async () => {
    await someEntries(3);
    const entries = await repos.audit.list({ afterSeq: 0, limit: 10 });
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    for (const entry of entries) expect(await hashAuditEntry(entry)).toBe(entry.hash);
    expect(entries[1]).toMatchObject({ actor: 'user:compliance1', action: 'session.viewed', sessionId: 's1', subject: 'session:s1', details: { i: 1 }, fileSha256: null });
  });

  it('keeps one chain when many entries are recorded at once', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => audit.record({ actor: SYSTEM_ACTOR, action: 'session.event', subject: `e${i}` })));
    const entries = await repos.audit.list({ afterSeq: 0, limit: 100 });
    expect(entries).toHaveLength(40);
    expect((await verifyAuditTrail(repos, { dataDir })).ok).toBe(true);
  });

  it('keeps one chain when two processes append to the same database', async () => {
    const otherRepos = createSqliteRepositories(databaseFile);
    const other = new AuditLog({ repo: otherRepos.audit, dataDir });
    try {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? audit : other).record({ actor: SYSTEM_ACTOR, action: 'session.event', subject: `e${i}` }),
        ),
      );
    } finally {
      await otherRepos.close();
    }
    const report = await verifyAuditTrail(repos, { dataDir });
    expect(report).toMatchObject({ ok: true, entries: 100 });
  });

  it('stores details as plain JSON and names files relative to the data folder', async () => {
    const { sha256 } = await storeFile('evidence/s1/still-001.png', Buffer.from('png bytes'));
    await audit.record({ actor: kioskActor('VTM-\ud800'), action: 'session.event', subject: 'x', details: { gone: undefined, when: new Date(0) } });
    const [stored, odd] = await repos.audit.list({ afterSeq: 0, limit: 10 });
    expect(stored).toMatchObject({ fileSha256: sha256, details: { file: 'evidence/s1/still-001.png' } });
    // A lone surrogate from a client becomes U+FFFD before hashing, as storage would make it.
    expect(odd).toMatchObject({ actor: 'kiosk:VTM-\ufffd', details: { when: '1970-01-01T00:00:00.000Z' } });
    expect('gone' in odd!.details).toBe(false);
    expect((await verifyAuditTrail(repos, { dataDir })).ok).toBe(true);
  });

  it('refuses a file outside the data folder, and the failure does not block later entries', async () => {
    await expect(
      audit.record({ actor: SYSTEM_ACTOR, action: 'evidence.stored', subject: 'evidence:9', file: { path: '/etc/passwd', sha256: 'x' } }),
    ).rejects.toThrow(/not inside the data folder/);
    await someEntries(1);
    expect(await repos.audit.head()).toMatchObject({ seq: 1 });
  });

  it('is append-only in the database: UPDATE and DELETE are refused', async () => {
    await someEntries(2);
    expect(() => tamper("UPDATE audit_entries SET actor = 'user:someone-else' WHERE seq = 1")).toThrow(/append-only/);
    expect(() => tamper('DELETE FROM audit_entries WHERE seq = 2')).toThrow(/append-only/);
    expect((await verifyAuditTrail(repos, { dataDir })).ok).toBe(true);
  });

  it('puts the append-only protection back when someone dropped it', async () => {
    expect(await repos.audit.restoreAppendOnly()).toBe(false);
    dropTriggers();
    expect(await repos.audit.restoreAppendOnly()).toBe(true);
    await someEntries(1);
    expect(() => tamper('DELETE FROM audit_entries WHERE seq = 1')).toThrow(/append-only/);
  });
});

describe('verifying the audit trail', () => {
  it('reports an intact trail with the files it checked and the newest entry', async () => {
    await someEntries(2);
    await storeFile('evidence/s1/id-front-001.png', Buffer.from('front'));
    await storeFile('recordings/s1/segment-001.mkv', Buffer.from('matroska'));
    const report = await verifyAuditTrail(repos, { dataDir });
    const head = await repos.audit.head();
    expect(report).toEqual({ ok: true, entries: 4, files: 2, head, brokenFiles: [] });
  });

  it('finds one flipped byte in a stored file', async () => {
    await someEntries(1);
    const { file, sha256 } = await storeFile('recordings/s1/segment-001.mkv', Buffer.from('a recording of the whole call'));
    await storeFile('evidence/s1/still-001.png', Buffer.from('a still'));
    const bytes = fs.readFileSync(file);
    bytes[5] = bytes[5]! ^ 0x01;
    fs.writeFileSync(file, bytes);

    const report = await verifyAuditTrail(repos, { dataDir });
    expect(report.ok).toBe(false);
    expect(report.firstBrokenEntry).toBeUndefined();
    expect(report.brokenFiles).toEqual([
      { path: 'recordings/s1/segment-001.mkv', expected: sha256, actual: createHash('sha256').update(bytes).digest('hex') },
    ]);
  });

  it('reports a missing file, and no longer expects a file whose purge is recorded', async () => {
    const kept = await storeFile('evidence/s1/a.png', Buffer.from('a'));
    const purged = await storeFile('evidence/s1/b.png', Buffer.from('b'));
    fs.rmSync(kept.file);
    fs.rmSync(purged.file);
    await audit.record({ actor: SYSTEM_ACTOR, action: 'file.purged', sessionId: 's1', subject: 'evidence:2', file: { path: purged.file, sha256: purged.sha256 } });
    const report = await verifyAuditTrail(repos, { dataDir });
    expect(report.brokenFiles).toEqual([{ path: 'evidence/s1/a.png', expected: kept.sha256, actual: null }]);
  });

  it('finds an edited row, made possible by dropping the trigger', async () => {
    await someEntries(5);
    dropTriggers();
    tamper(`UPDATE audit_entries SET details = '{"i":99}' WHERE seq = 3`);
    const report = await verifyAuditTrail(repos, { dataDir });
    expect(report.ok).toBe(false);
    expect(report.firstBrokenEntry).toEqual({ seq: 3, reason: 'its content does not match its hash (the entry was changed)' });
    expect(report.brokenFiles).toEqual([]);
  });

  it('finds an edited row whose hash was recomputed, at the entry after it', async () => {
    await someEntries(5);
    const entry = (await repos.audit.list({ afterSeq: 2, limit: 1 }))[0]!;
    const forged = { ...entry, actor: 'user:someone-else' };
    dropTriggers();
    tamper('UPDATE audit_entries SET actor = ?, hash = ? WHERE seq = 3', forged.actor, await hashAuditEntry(forged));
    expect((await verifyAuditTrail(repos, { dataDir })).firstBrokenEntry).toEqual({
      seq: 4,
      reason: 'its previous hash is not the hash of entry 3 (that entry was changed or replaced)',
    });
  });

  it('finds a deleted row in the middle', async () => {
    await someEntries(5);
    dropTriggers();
    tamper('DELETE FROM audit_entries WHERE seq = 2');
    const report = await verifyAuditTrail(repos, { dataDir });
    expect(report).toMatchObject({ ok: false, entries: 4, firstBrokenEntry: { seq: 2, reason: 'entry 2 is missing' } });
  });

  it('finds rows deleted from the end, even after new entries were appended', async () => {
    await someEntries(5);
    dropTriggers();
    tamper('DELETE FROM audit_entries WHERE seq >= 4');
    expect((await verifyAuditTrail(repos, { dataDir })).firstBrokenEntry).toEqual({
      seq: 4,
      reason: 'entries 4 to 5 are removed from the end of the trail',
    });
    // New entries are numbered after the highest number ever given out: the gap stays.
    await someEntries(1);
    expect((await verifyAuditTrail(repos, { dataDir })).firstBrokenEntry).toEqual({ seq: 4, reason: 'entries 4 to 5 are missing' });
  });

  it('records each verification run in the trail', async () => {
    await someEntries(2);
    const report = await verifyAndRecord({ repos, audit }, userActor('compliance1'), { via: 'api' });
    expect(report).toMatchObject({ ok: true, entries: 2 });
    const last = (await repos.audit.list({ afterSeq: 2, limit: 10 }))[0]!;
    expect(last).toMatchObject({
      seq: 3,
      actor: 'user:compliance1',
      action: 'audit.verified',
      details: { via: 'api', ok: true, entries: 2, files: 0, firstBrokenEntry: null, brokenFiles: [] },
    });
    expect((await verifyAuditTrail(repos, { dataDir })).ok).toBe(true);
  });
});
