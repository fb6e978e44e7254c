import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openSqliteDatabase } from '../database.ts';
import { migrations } from '../migrations.ts';
import type { Repositories } from '../repositories.ts';
import { createSqliteRepositories } from './index.ts';

describe('SQLite repositories (real database file)', () => {
  let dir: string;
  let repos: Repositories;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-db-'));
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'));
  });

  afterEach(async () => {
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies each migration once, however often the database is opened', () => {
    const file = path.join(dir, 'twice.sqlite');
    const db = openSqliteDatabase(file);
    expect(migrate(db, migrations)).toEqual([]);
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(migrations.map((m) => m.version));
    db.close();
  });

  it('lets exactly one of two accepts take a waiting session', async () => {
    const id = randomUUID();
    await repos.sessions.create({ id, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date().toISOString() });
    // A draft cannot be accepted: only a session in the queue.
    expect(await repos.sessions.accept(id, { tellerName: 'teller1', videoCodec: 'vp8', at: new Date().toISOString() })).toBe(false);
    expect(await repos.sessions.queue(id, new Date().toISOString())).toBe(true);
    expect(await repos.sessions.queue(id, new Date().toISOString())).toBe(false);
    const results = await Promise.all([
      repos.sessions.accept(id, { tellerName: 'teller1', videoCodec: 'vp8', at: new Date().toISOString() }),
      repos.sessions.accept(id, { tellerName: 'teller2', videoCodec: 'vp8', at: new Date().toISOString() }),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(await repos.sessions.get(id)).toMatchObject({ state: 'active', tellerName: 'teller1' });
  });

  it('ends a session once and keeps the first reason', async () => {
    const id = randomUUID();
    await repos.sessions.create({ id, kioskName: 'VTM-1', language: 'en', createdAt: new Date().toISOString() });
    expect(await repos.sessions.end(id, { reason: 'hung-up', at: new Date().toISOString() })).toBe(true);
    expect(await repos.sessions.end(id, { reason: 'server-shutdown', at: new Date().toISOString() })).toBe(false);
    expect(await repos.sessions.get(id)).toMatchObject({ state: 'ended', endReason: 'hung-up' });
  });

  it('stores events in order with their payload and offset', async () => {
    const id = randomUUID();
    await repos.sessions.create({ id, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date().toISOString() });
    await repos.events.append({ sessionId: id, type: 'a', at: '2026-01-01T00:00:00.000Z', offsetMs: null, payload: { n: 1 } });
    await repos.events.append({ sessionId: id, type: 'b', at: '2026-01-01T00:00:01.000Z', offsetMs: 1000, payload: { n: 2 } });
    expect((await repos.events.list(id)).map((e) => [e.type, e.offsetMs, e.payload])).toEqual([
      ['a', null, { n: 1 }],
      ['b', 1000, { n: 2 }],
    ]);
  });

  it('refuses events for a session that does not exist', async () => {
    await expect(
      repos.events.append({ sessionId: randomUUID(), type: 'x', at: new Date().toISOString(), offsetMs: null, payload: {} }),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('finishes a recording once and lists the unfinished ones', async () => {
    const id = randomUUID();
    await repos.sessions.create({ id, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date().toISOString() });
    const first = await repos.recordings.start({ sessionId: id, segment: 1, path: '/x/1.mkv', startedAt: new Date().toISOString() });
    await repos.recordings.start({ sessionId: id, segment: 2, path: '/x/2.mkv', startedAt: new Date().toISOString() });
    await repos.recordings.finish(first, {
      state: 'sealed', endedAt: new Date().toISOString(), sizeBytes: 10, durationMs: 1000,
      streams: [{ index: 0, codecType: 'audio', codecName: 'opus', title: 'kiosk-audio' }], sha256: 'ab',
    });
    expect((await repos.recordings.listUnfinished()).map((r) => r.segment)).toEqual([2]);
    expect((await repos.recordings.listForSession(id))[0]).toMatchObject({ state: 'sealed', sha256: 'ab', streams: [{ title: 'kiosk-audio' }] });
    await expect(repos.recordings.start({ sessionId: id, segment: 1, path: '/x/dup.mkv', startedAt: '' })).rejects.toThrow(/UNIQUE/);
  });
});
