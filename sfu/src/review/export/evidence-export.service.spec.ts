/** The evidence export against a real SQLite file and real stored files: what the ZIP holds, and what it refuses. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ExportManifest } from '@vtm/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/audit-log.ts';
import { RequestError } from '../../errors.ts';
import type { Repositories, UserRecord } from '../../storage/repositories.ts';
import { createSqliteRepositories } from '../../storage/sqlite/index.ts';
import { DataKeyring } from '../../storage/encryption/data-keys.ts';
import { decryptBuffer } from '../../storage/encryption/encrypted-file.ts';
import { useDataKeys } from '../../storage/stored-file.ts';
import { STORED_CUSTOMER, seedStoredSession, type StoredSession } from '../../storage/stored-session-fixture.ts';
import { poppler } from '../../receipt/poppler-test-tools.ts';
import { ReviewService } from '../review.service.ts';
import { EvidenceExportService } from './evidence-export.service.ts';
import { readAll, unzip } from './zip-test-tools.ts';

const REVIEWER: UserRecord = { id: 3, username: 'compliance1', displayName: 'Compliance', role: 'compliance', passwordHash: '', createdAt: '', disabledAt: null };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** The report embeds the CJK font: seconds on a busy machine. */
const RENDERING = 60_000;

const KEYS = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');

// Files as stored now (encrypted at rest), and as a data folder from before encryption holds them.
describe.each([
  { files: 'encrypted', encrypted: true },
  { files: 'from before encryption', encrypted: false },
])('evidence export ($files files)', ({ encrypted }) => {
  let dataDir: string;
  let repos: Repositories;
  let audit: AuditLog;
  let exports: EvidenceExportService;
  let session: StoredSession;
  let releaseKeys = () => {};

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-export-'));
    if (encrypted) releaseKeys = useDataKeys(dataDir, KEYS);
    repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: KEYS });
    audit = new AuditLog({ repo: repos.audit, dataDir });
    const review = new ReviewService({ repos, audit });
    exports = new EvidenceExportService({ repos, audit, detailFor: (id) => review.detailFor(id) });
    session = await seedStoredSession(repos, audit, { endedAt: '2026-03-02T02:10:00.000Z', decisions: ['approved'] });
  });

  afterEach(async () => {
    releaseKeys();
    await repos.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const file = (relative: string) => path.join(dataDir, relative);
  /** A stored file's content (decrypted). */
  const content = (relative: string) => decryptBuffer(KEYS, relative, fs.readFileSync(file(relative)));
  const exportedEntries = async () => (await repos.audit.listForSession(session.sessionId)).filter((e) => e.action === 'session.exported');

  async function refusal(sessionId = session.sessionId): Promise<RequestError> {
    const error = await exports.prepare(sessionId, REVIEWER).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    return error as RequestError;
  }

  function tamper(relative: string): void {
    fs.chmodSync(file(relative), 0o644);
    const bytes = fs.readFileSync(file(relative));
    bytes[10] = bytes[10]! ^ 0x01;
    fs.writeFileSync(file(relative), bytes);
  }

  it('zips every stored file, the report, the audit entries and a manifest whose hashes hold, audited before it streams', { timeout: RENDERING }, async () => {
    const entriesBefore = await repos.audit.listForSession(session.sessionId);
    const headBefore = await repos.audit.head();

    const prepared = await exports.prepare(session.sessionId, REVIEWER);
    const [exported] = await exportedEntries();
    expect(exported).toBeDefined(); // recorded before a byte was read from the stream
    const { stream, sizeBytes } = prepared.open();
    const zip = await readAll(stream);

    expect(zip.length).toBe(sizeBytes);
    const entries = await unzip(zip);
    const manifest = ExportManifest.parse(JSON.parse(entries.get('manifest.json')!.toString('utf8')));
    expect(manifest).toMatchObject({ sessionId: session.sessionId, exportedBy: 'compliance1', auditHead: headBefore });
    expect([...entries.keys()].sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort());
    for (const entry of manifest.files) {
      const bytes = entries.get(entry.path)!;
      expect({ path: entry.path, size: bytes.length, sha256: sha256(bytes) }).toEqual({ path: entry.path, size: entry.sizeBytes, sha256: entry.sha256 });
    }
    // Every stored file, byte for byte (decrypted), under its folder's name; its hash as
    // stored, as the trail has it, beside.
    const stored = session.files.map((relative) => `${relative.split('/')[0]}/${path.basename(relative)}`);
    expect(manifest.files.map((f) => f.path)).toEqual(['report.pdf', 'audit-entries.json', ...stored]);
    const vouched = new Map(entriesBefore.filter((e) => e.fileSha256).map((e) => [e.details['file'], e.fileSha256]));
    for (const [i, relative] of session.files.entries()) {
      const inZip = entries.get(`${relative.split('/')[0]}/${path.basename(relative)}`)!;
      expect(inZip.equals(content(relative))).toBe(true);
      expect(inZip.equals(fs.readFileSync(file(relative)))).toBe(!encrypted);
      expect(manifest.files[i + 2]!.storedSha256).toBe(sha256(fs.readFileSync(file(relative))));
      expect(manifest.files[i + 2]!.storedSha256).toBe(vouched.get(relative));
    }
    expect(manifest.files.slice(0, 2).map((f) => f.storedSha256)).toEqual([undefined, undefined]);
    expect(JSON.parse(entries.get('audit-entries.json')!.toString('utf8'))).toEqual(entriesBefore);
    // The report is the reviewer's view, with the customer in full.
    const report = poppler('pdftotext', entries.get('report.pdf')!, [], '-').stdout;
    for (const fact of [session.sessionId, STORED_CUSTOMER.name, STORED_CUSTOMER.documentNumber, `SHA-256 ${manifest.files[2]!.storedSha256}`]) expect(report).toContain(fact);
    expect(exported!.details).toEqual({ files: manifest.files.length, manifestSha256: sha256(entries.get('manifest.json')!), bytes: expect.any(Number) });
    expect(prepared.fileName).toMatch(new RegExp(`^evidence-${session.sessionId}-\\d{8}T\\d{6}Z\\.zip$`));
  });

  it('refuses, before auditing anything, a stored file changed since it was stored', async () => {
    tamper(session.files[0]!);
    const error = await refusal();
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/^recordings\/segment-001\.mkv was changed after it was stored \(SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}\)/);
    expect(await exportedEntries()).toEqual([]);
  });

  it('refuses a file whose database hash was changed to match it, by the audit trail\'s hash', async () => {
    const still = session.files.find((f) => f.includes('/still-'))!;
    tamper(still);
    const db = new Database(path.join(dataDir, 'vtm.sqlite'));
    db.prepare('UPDATE evidence_files SET sha256 = ? WHERE kind = ?').run(sha256(fs.readFileSync(file(still))), 'still');
    db.close();
    expect((await refusal()).message).toMatch(/^evidence\/still-001\.png: the database's SHA-256 .* is not the one the audit trail recorded/);
  });

  it('refuses a missing file', async () => {
    fs.rmSync(file(session.files[1]!));
    expect((await refusal()).message).toMatch(/^playback\/segment-001-kiosk\.webm cannot be read \(ENOENT\)/);
  });

  it('cuts the download short when a file changes between the check and the streaming', { timeout: RENDERING }, async () => {
    const prepared = await exports.prepare(session.sessionId, REVIEWER);
    tamper(session.files[0]!);
    await expect(readAll(prepared.open().stream)).rejects.toThrow(/recordings\/segment-001\.mkv changed while it was being exported/);
  });

  it('refuses a session not ended, not finalised yet, or purged, and an unknown one', async () => {
    const live = await seedStoredSession(repos, audit, { state: 'active' });
    expect((await refusal(live.sessionId)).message).toMatch(/has not ended yet/);
    const finalising = await seedStoredSession(repos, audit, { quality: 'running' });
    expect((await refusal(finalising.sessionId)).message).toMatch(/still being finalised/);
    const db = new Database(path.join(dataDir, 'vtm.sqlite'));
    db.prepare('UPDATE sessions SET purged_at = ? WHERE id = ?').run('2031-03-03T00:00:00.000Z', session.sessionId);
    db.close();
    expect((await refusal()).message).toMatch(/removed at the end of retention \(2031-03-03T00:00:00.000Z\)/);
    expect((await refusal('00000000-0000-4000-8000-000000000000')).code).toBe('not-found');
  });
});
