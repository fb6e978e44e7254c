/** `npm run data:encrypt`: a data folder from before encryption, encrypted in place with the trail kept verifiable. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/audit-log.ts';
import { verifyAuditTrail } from '../../audit/verify-audit-trail.ts';
import { FIXTURE_EVIDENCE } from '../../review/export/export-fixtures.ts';
import type { Repositories } from '../repositories.ts';
import { createSqliteRepositories } from '../sqlite/index.ts';
import { STORED_RECORDING_BYTES, seedStoredSession, type StoredSession } from '../stored-session-fixture.ts';
import { encryptIntoStore, readStoredFile, useDataKeys } from '../stored-file.ts';
import { DataKeyring, formatDataKey } from './data-keys.ts';
import { MAGIC } from './encrypted-file.ts';
import { EXIT_DONE, EXIT_FAILED, encryptLegacyFiles, runDataEncryptCommand } from './data-encrypt-command.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const KEY = randomBytes(32);
const KEYS = new DataKeyring([{ id: 'k1', key: KEY }], 'k1');

describe('data:encrypt', () => {
  let dataDir: string;
  let repos: Repositories;
  let audit: AuditLog;
  let session: StoredSession;
  let release = () => {};

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-data-encrypt-'));
    repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: KEYS });
    audit = new AuditLog({ repo: repos.audit, dataDir });
    // Stored by an earlier version: no keys, plaintext files.
    session = await seedStoredSession(repos, audit, { endedAt: '2026-03-02T02:10:00.000Z' });
  });

  afterEach(async () => {
    release();
    await repos.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const onDisk = (relative: string) => fs.readFileSync(path.join(dataDir, relative));

  it('encrypts every plaintext file in place, updating its row and the trail, and does nothing the second time', async () => {
    const before = new Map(session.files.map((f) => [f, onDisk(f)]));
    release = useDataKeys(dataDir, KEYS);

    const dry = await encryptLegacyFiles({ repos, audit, keys: KEYS }, { dryRun: true });
    expect(dry.encrypted).toEqual(session.files);
    expect(onDisk(session.files[0]!).equals(before.get(session.files[0]!)!)).toBe(true);

    const report = await encryptLegacyFiles({ repos, audit, keys: KEYS });
    expect(report).toEqual({ keyId: 'k1', encrypted: expect.arrayContaining(session.files), alreadyEncrypted: 0, refused: [] });
    expect(report.encrypted).toHaveLength(session.files.length);
    const rows = await repos.storedFiles.listAll();
    for (const relative of session.files) {
      const bytes = onDisk(relative);
      expect(bytes.subarray(0, MAGIC.length)).toEqual(MAGIC);
      const content = await readStoredFile(dataDir, relative, { keepBytes: true });
      expect(content.bytes!.equals(before.get(relative)!)).toBe(true);
      const row = rows.find((r) => r.path === path.join(dataDir, relative))!;
      expect(row).toMatchObject({ sha256: sha256(bytes), sizeBytes: bytes.length });
      expect(fs.statSync(path.join(dataDir, relative)).mode & 0o777).toBe(0o444);
    }
    const entries = (await repos.audit.listForSession(session.sessionId)).filter((e) => e.action === 'file.encrypted');
    expect(entries).toHaveLength(session.files.length);
    expect(entries[0]!.details).toMatchObject({ keyId: 'k1', plaintextSha256: sha256(STORED_RECORDING_BYTES(session.sessionId)) });
    expect(await verifyAuditTrail(repos, { dataDir })).toMatchObject({ ok: true, brokenFiles: [] });

    expect(await encryptLegacyFiles({ repos, audit, keys: KEYS })).toEqual({ keyId: 'k1', encrypted: [], alreadyEncrypted: session.files.length, refused: [] });
  });

  it('leaves a file changed since it was stored as it is, and finishes what a stopped run left', async () => {
    release = useDataKeys(dataDir, KEYS);
    const still = session.files.find((f) => f.includes('/still-'))!;
    fs.chmodSync(path.join(dataDir, still), 0o644);
    fs.appendFileSync(path.join(dataDir, still), 'edited');
    // A run stopped right after encrypting the recording: the row and the trail still have the plaintext's hash.
    await encryptIntoStore(dataDir, path.join(dataDir, session.files[0]!), session.files[0]!);

    const report = await encryptLegacyFiles({ repos, audit, keys: KEYS });
    expect(report.refused).toEqual([{ file: still, reason: expect.stringMatching(/^changed since it was stored \(SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}\): left as it is/) }]);
    expect(report.encrypted).toContain(session.files[0]);
    expect(onDisk(still).subarray(0, MAGIC.length).equals(MAGIC)).toBe(false);
    const verification = await verifyAuditTrail(repos, { dataDir });
    expect(verification.brokenFiles.map((f) => f.path)).toEqual([still]); // only the edited one
  });

  it('runs as a command with the configured key', async () => {
    await repos.close();
    let out = '';
    let err = '';
    const env = { DATA_DIR: dataDir, DATA_KEYS: formatDataKey('k1', KEY) };
    const code = await runDataEncryptCommand([], env, { write: (t: string) => (out += t) }, { write: (t: string) => (err += t) });
    expect(code, err).toBe(EXIT_DONE);
    expect(JSON.parse(out)).toMatchObject({ keyId: 'k1', refused: [] });
    expect(JSON.parse(out).encrypted).toHaveLength(2 + 1 + FIXTURE_EVIDENCE.length);
    // Without the key the files now use: refused before anything is done.
    const other = { DATA_DIR: dataDir, DATA_KEYS: formatDataKey('k2', randomBytes(32)) };
    err = '';
    expect(await runDataEncryptCommand([], other, { write: () => {} }, { write: (t: string) => (err += t) })).toBe(2);
    expect(err).toMatch(/encrypted with key id "k1", which DATA_KEYS does not list/);
    repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: KEYS });
    expect(EXIT_FAILED).toBe(1);
  });
});
