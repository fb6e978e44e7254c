/** Retention against a real SQLite file (the project's migrations) and real files in a temporary data folder. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecordInput } from '../audit/audit-log.ts';
import { verifyAuditTrail } from '../audit/verify-audit-trail.ts';
import type { AuditEntryRecord, EventRecord, Repositories } from '../storage/repositories.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import { useDataKeys } from '../storage/stored-file.ts';
import { PERSONAL_TEXT, STORED_CUSTOMER, seedStoredSession, type StoredSession } from '../storage/stored-session-fixture.ts';
import { REDACTED, redactEvents } from './event-redaction.ts';
import { EXIT_DONE, EXIT_UNABLE, runRetentionPurgeCommand } from './retention-purge-command.ts';
import { RetentionService, holdReason, retentionCutoff } from './retention.service.ts';

/** Five years and a day after the seeded sessions ended (2019-03-02). */
const NOW = new Date('2024-03-03T12:00:00.000Z');
const ENDED = '2019-03-02T02:10:00.000Z';
/** The seeded files are stored encrypted, as the server stores them; the purge needs no key. */
const KEYS = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');

describe('retention purge', () => {
  let releaseKeys: () => void;
  let dataDir: string;
  let repos: Repositories;
  let audit: AuditLog;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-retention-'));
    releaseKeys = useDataKeys(dataDir, KEYS);
    repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: KEYS });
    audit = new AuditLog({ repo: repos.audit, dataDir });
  });

  afterEach(async () => {
    releaseKeys();
    await repos.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const purge = (options: { dryRun?: boolean; log?: AuditLog } = {}) =>
    new RetentionService({ repos, audit: options.log ?? audit, retentionYears: 5 }).run({ now: NOW, dryRun: options.dryRun });
  const exists = (relative: string) => fs.existsSync(path.join(dataDir, relative));
  const trail = (sessionId: string, action: string): Promise<AuditEntryRecord[]> =>
    repos.audit.listForSession(sessionId).then((entries) => entries.filter((e) => e.action === action));
  const approved = (spec: { endedAt?: string } = {}) => seedStoredSession(repos, audit, { endedAt: ENDED, decisions: ['approved'], ...spec });

  it('removes an expired, decided session\'s files and personal data, and keeps the record verifiable', async () => {
    const session = await approved();
    expect((await verifyAuditTrail(repos, { dataDir })).ok).toBe(true);

    const report = await purge();

    expect(report).toEqual({ cutoff: '2019-03-03T12:00:00.000Z', purged: [session.sessionId], held: [], filesRemoved: session.files.length });
    for (const file of session.files) expect(exists(file), file).toBe(false);
    for (const folder of ['recordings', 'playback', 'evidence']) expect(exists(`${folder}/${session.sessionId}`)).toBe(false);
    // The database: no identity, redacted free text, marked purged; the facts of the sale stay.
    expect(await repos.customers.identityFor(session.sessionId)).toBeUndefined();
    expect(await repos.review.purgedAt(session.sessionId)).toEqual(expect.any(String));
    expect(await repos.review.storedOutcome(session.sessionId)).toEqual({ riskLevel: 'C3', productCode: 'WM-R3-365D', outcome: 'completed' });
    const stored = JSON.stringify(await repos.events.list(session.sessionId));
    for (const text of [...Object.values(PERSONAL_TEXT), STORED_CUSTOMER.name, STORED_CUSTOMER.documentNumber]) expect(stored).not.toContain(text);
    expect(stored).toContain(REDACTED);
    expect(outcomeNote(session.sessionId)).toBe(REDACTED);
    expect(await repos.recordings.listForSession(session.sessionId)).toHaveLength(1);
    expect(await repos.review.decisionsFor(session.sessionId)).toHaveLength(1);
    // The trail: one 'file.purged' per file, named as the entries that stored it, then the session.
    const purged = await trail(session.sessionId, 'file.purged');
    expect(purged.map((e) => e.details['file']).sort()).toEqual([...session.files].sort());
    expect(purged.every((e) => e.details['found'] === 'intact')).toBe(true);
    const [entry] = await trail(session.sessionId, 'session.purged');
    expect(entry!.details).toMatchObject({ endedAt: ENDED, retentionYears: 5, files: session.files.length, identityRemoved: true, clockOverridden: false });
    expect((entry!.details['redactedEvents'] as unknown[]).length).toBe(3);
    const verification = await verifyAuditTrail(repos, { dataDir });
    expect(verification).toMatchObject({ ok: true, files: 0, brokenFiles: [] });
  });

  it('holds an expired session under review, and never touches one still in retention', async () => {
    const undecided = await seedStoredSession(repos, audit, { endedAt: ENDED });
    const followUp = await seedStoredSession(repos, audit, { endedAt: ENDED, decisions: ['approved', 'follow-up'] });
    const settled = await seedStoredSession(repos, audit, { endedAt: ENDED, decisions: ['follow-up', 'rejected'] });
    const recent = await approved({ endedAt: '2019-03-04T00:00:00.000Z' });
    const finalising = await seedStoredSession(repos, audit, { endedAt: ENDED, decisions: ['approved'], quality: 'running' });

    const report = await purge();

    expect(report.purged).toEqual([settled.sessionId]);
    expect(report.held).toEqual([
      { sessionId: undecided.sessionId, reason: 'under review: no decision yet' },
      { sessionId: followUp.sessionId, reason: 'under review: the latest decision asks for follow-up' },
      { sessionId: finalising.sessionId, reason: 'not finalised (running): its playable media and checks are not complete' },
    ].sort((a, b) => a.sessionId.localeCompare(b.sessionId)));
    for (const kept of [undecided, followUp, recent, finalising]) {
      for (const file of kept.files) expect(exists(file)).toBe(true);
      expect(await repos.customers.identityFor(kept.sessionId)).toBeDefined();
      expect(await repos.review.purgedAt(kept.sessionId)).toBeNull();
      expect(await repos.audit.listForSession(kept.sessionId)).not.toContainEqual(expect.objectContaining({ action: 'file.purged' }));
    }
  });

  it('in a dry run, reports what it would do and changes nothing', async () => {
    const session = await approved();
    const held = await seedStoredSession(repos, audit, { endedAt: ENDED });
    const head = await repos.audit.head();

    const report = await purge({ dryRun: true });

    expect(report).toMatchObject({ purged: [session.sessionId], held: [{ sessionId: held.sessionId }], filesRemoved: session.files.length });
    expect(await repos.audit.head()).toEqual(head);
    for (const file of session.files) expect(exists(file)).toBe(true);
    expect(await repos.review.purgedAt(session.sessionId)).toBeNull();
  });

  it('does nothing the second time', async () => {
    await approved();
    await purge();
    const head = await repos.audit.head();
    expect(await purge()).toMatchObject({ purged: [], held: [], filesRemoved: 0 });
    expect(await repos.audit.head()).toEqual(head);
  });

  it('finishes, without a second entry, a purge stopped right after a file\'s entry was recorded', async () => {
    const session = await approved();
    const crashing = new CrashAfter(repos, dataDir, 'file.purged', 3);
    await expect(purge({ log: crashing })).rejects.toThrow('stopped');
    // Stopped between the entry and the deletion: the file is still there, and the trail, no longer expecting it, verifies.
    expect(exists((await trail(session.sessionId, 'file.purged')).at(-1)!.details['file'] as string)).toBe(true);
    expect((await verifyAuditTrail(repos, { dataDir })).ok).toBe(true);

    const report = await purge();

    expect(report.purged).toEqual([session.sessionId]);
    expect(report.filesRemoved).toBe(session.files.length - 2);
    for (const file of session.files) expect(exists(file)).toBe(false);
    expect((await trail(session.sessionId, 'file.purged')).map((e) => e.details['file']).sort()).toEqual([...session.files].sort());
    expect(await trail(session.sessionId, 'session.purged')).toHaveLength(1);
    expect(await verifyAuditTrail(repos, { dataDir })).toMatchObject({ ok: true, brokenFiles: [] });
  });

  it('finishes a purge stopped after the session\'s entry, before the database was changed', async () => {
    const session = await approved();
    await expect(purge({ log: new CrashAfter(repos, dataDir, 'session.purged', 1) })).rejects.toThrow('stopped');
    expect(await repos.review.purgedAt(session.sessionId)).toBeNull();

    expect((await purge()).purged).toEqual([session.sessionId]);
    expect(await repos.review.purgedAt(session.sessionId)).not.toBeNull();
    expect(await repos.customers.identityFor(session.sessionId)).toBeUndefined();
    expect(await trail(session.sessionId, 'session.purged')).toHaveLength(1);
  });

  it('says in the trail which files were no longer as stored when they were removed', async () => {
    const session = await approved();
    const [recording, playable] = session.files as [string, string];
    fs.chmodSync(path.join(dataDir, recording), 0o644);
    fs.appendFileSync(path.join(dataDir, recording), 'edited');
    fs.rmSync(path.join(dataDir, playable));

    await purge();

    const found = Object.fromEntries((await trail(session.sessionId, 'file.purged')).map((e) => [e.details['file'], e.details['found']]));
    expect(found[recording]).toBe('changed');
    expect(found[playable]).toBe('missing');
  });

  function outcomeNote(sessionId: string): string | null {
    const db = new Database(path.join(dataDir, 'vtm.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT outcome_note FROM sessions WHERE id = ?').pluck().get(sessionId) as string | null;
    } finally {
      db.close();
    }
  }
});

/** The trail as a process stopped right after its n-th entry of one action would leave it. */
class CrashAfter extends AuditLog {
  #left: number;
  readonly #action: string;

  constructor(repos: Repositories, dataDir: string, action: string, n: number) {
    super({ repo: repos.audit, dataDir });
    this.#action = action;
    this.#left = n;
  }

  override async record(input: AuditRecordInput): Promise<AuditEntryRecord> {
    const entry = await super.record(input);
    if (input.action === this.#action && --this.#left === 0) throw new Error('stopped');
    return entry;
  }
}

describe('retention rules', () => {
  it('counts calendar years back from now', () => {
    expect(retentionCutoff(new Date('2030-06-01T08:00:00Z'), 5).toISOString()).toBe('2025-06-01T08:00:00.000Z');
    expect(retentionCutoff(new Date('2028-02-29T00:00:00Z'), 1).toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('holds a session without a decision, whose latest decision asks for follow-up, or not finalised', () => {
    const done = { finalisation: 'done' } as const;
    expect(holdReason({ ...done, latestDecision: null })).toMatch(/no decision/);
    expect(holdReason({ ...done, latestDecision: 'follow-up' })).toMatch(/follow-up/);
    expect(holdReason({ ...done, latestDecision: 'approved' })).toBeNull();
    expect(holdReason({ ...done, latestDecision: 'rejected' })).toBeNull();
    expect(holdReason({ finalisation: 'failed', latestDecision: 'approved' })).toBe('not finalised (failed): its playable media and checks are not complete');
    expect(holdReason({ finalisation: null, latestDecision: 'approved' })).toMatch(/never started/);
  });

  it('redacts the free text of the events that carry it, and only that', () => {
    const event = (id: number, type: string, payload: unknown): EventRecord => ({ id, sessionId: 's', type, at: '2026-01-01T00:00:00Z', offsetMs: null, payload });
    expect(
      redactEvents([
        event(1, 'identity.verified', { verified: true, note: 'Zhang San, 110105…', teller: 'teller1' }),
        event(2, 'session.outcome', { outcome: 'completed', note: '' }),
        event(3, 'acknowledgement.submitted', { recognisedText: '本人已阅读', matchScore: 0.9 }),
        event(4, 'identity.captured', { documentKind: 'cn-resident-id', correctedByCustomer: ['name'] }),
        event(5, 'identity.failed', { note: REDACTED }),
      ]),
    ).toEqual([
      { id: 1, fields: ['note'], payload: { verified: true, note: REDACTED, teller: 'teller1' } },
      { id: 3, fields: ['recognisedText'], payload: { recognisedText: REDACTED, matchScore: 0.9 } },
    ]);
  });
});

describe('npm run retention:purge', () => {
  let dataDir: string;
  let session: StoredSession;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-retention-cli-'));
    const repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: KEYS });
    const release = useDataKeys(dataDir, KEYS);
    session = await seedStoredSession(repos, new AuditLog({ repo: repos.audit, dataDir }), { endedAt: ENDED, decisions: ['approved'] });
    release(); // the command runs with no keys
    await repos.close();
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function run(args: string[], env: NodeJS.ProcessEnv = { DATA_DIR: dataDir }) {
    let out = '';
    let err = '';
    const code = await runRetentionPurgeCommand(args, env, { write: (t: string) => (out += t) }, { write: (t: string) => (err += t) });
    return { code, out, err };
  }

  it('judges retention as of --now, dry-running first, and prints the report as JSON', async () => {
    const notYet = await run(['--', '--dry-run']);
    expect(notYet.code).toBe(EXIT_DONE);
    // The real clock: the session (2019) is past five years by now, so it would go.
    expect(JSON.parse(notYet.out)).toMatchObject({ purged: [session.sessionId] });
    expect(notYet.err).toContain('dry run: nothing was changed');
    expect((await run(['--dry-run', '--now', '2020-01-01T00:00:00Z'])).out).toContain('"purged": []');
    expect((await run(['--dry-run', '--now', '2030-01-01T00:00:00Z'], { DATA_DIR: dataDir, RETENTION_YEARS: '20' })).out).toContain('"purged": []');

    const done = await run(['--now', NOW.toISOString()]);
    expect(done.code).toBe(EXIT_DONE);
    expect(JSON.parse(done.out)).toEqual({ cutoff: '2019-03-03T12:00:00.000Z', purged: [session.sessionId], held: [], filesRemoved: session.files.length });
    const repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: KEYS });
    const [entry] = (await repos.audit.listForSession(session.sessionId)).filter((e) => e.action === 'session.purged');
    await repos.close();
    expect(entry!.details).toMatchObject({ now: NOW.toISOString(), clockOverridden: true });
  });

  it('does nothing with a bad --now, a bad setting, or no database', async () => {
    expect(await run(['--now', 'yesterday'])).toMatchObject({ code: EXIT_UNABLE, err: expect.stringContaining('--now: not an ISO 8601 date-time') });
    expect(await run([], { DATA_DIR: dataDir, RETENTION_YEARS: '0' })).toMatchObject({ code: EXIT_UNABLE, err: expect.stringContaining('RETENTION_YEARS') });
    expect(await run(['--bogus'])).toMatchObject({ code: EXIT_UNABLE });
    expect(await run([], { DATA_DIR: path.join(dataDir, 'elsewhere') })).toMatchObject({ code: EXIT_UNABLE, err: expect.stringContaining('no database') });
    for (const file of session.files) expect(fs.existsSync(path.join(dataDir, file))).toBe(true);
  });
});
