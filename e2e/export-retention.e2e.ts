/**
 * Evidence export and retention against the real server: a whole sale recorded in
 * Chromium is finalised, exported by compliance as a ZIP whose manifest hashes hold for
 * every file and whose PDF report states the key facts (tellers get 403). Once decided,
 * `npm run retention:purge`, judging as of six years later, removes its files and personal
 * data, leaves the audit trail verifiable, and holds a second session nobody decided on.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_LEVEL_NAMES, ExportManifest, RetentionReport, findProduct, type AuditVerificationReport, type ReviewSessionDetail } from '@vtm/shared';
import { poppler } from '../sfu/src/receipt/poppler-test-tools.ts';
import { unzip } from '../sfu/src/review/export/zip-test-tools.ts';
import { WRITE_HEADERS, getAs, signIn } from './support/api.ts';
import { artifactDir, repoRoot } from './support/artifacts.ts';
import { storedContent } from './support/stored-files.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { callAndAccept, openKioskAndConsole, waitForFinalisation } from './support/call-flow.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { completeSession, sellUpToSignature } from './support/regulated-flow.ts';
import { startServer, type TestServer } from './support/server.ts';

const PRODUCT = 'WM-R1-90D';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const exportRoute = (sessionId: string) => `/api/review/sessions/${sessionId}/export`;

/** Runs one of the project's npm scripts' entry points against the server's data folder, as an operator would. */
function runScript(script: string, args: string[], dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function auditEntries(dataDir: string, sessionId: string, action: string): Array<{ details: Record<string, unknown> }> {
  const db = new Database(path.join(dataDir, 'vtm.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT details FROM audit_entries WHERE session_id = ? AND action = ? ORDER BY seq').all(sessionId, action) as Array<{ details: string }>;
    return rows.map((r) => ({ details: JSON.parse(r.details) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

describe('evidence export and retention purge', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;
  let sale: ReviewSessionDetail;
  let heldSessionId: string;

  beforeAll(async () => {
    dir = artifactDir('export-retention');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('exports a recorded sale as a ZIP whose manifest hashes hold and whose report states the facts', { timeout: 420_000 }, async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-EXPORT', teller: 'teller1' });
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await sellUpToSignature(pages, PRODUCT);
    await completeSession(pages);
    const finalised = await waitForFinalisation(server.url, sessionId);
    await pages.close();
    const reviewed = await getAs<ReviewSessionDetail>(server.url, 'compliance1', `/api/review/sessions/${sessionId}`);
    expect(reviewed.status).toBe(200);
    sale = reviewed.body;

    // ---- who may export ----
    expect((await getAs(server.url, 'teller1', exportRoute(sessionId))).status).toBe(403);
    expect((await fetch(`${server.url}${exportRoute(sessionId)}`)).status).toBe(401);

    // ---- the download ----
    const started = Date.now();
    const response = await fetch(`${server.url}${exportRoute(sessionId)}`, { headers: { cookie: await signIn(server.url, 'compliance1') } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename=evidence-${sessionId}-\\d{8}T\\d{6}Z\\.zip$`));
    const zip = Buffer.from(await response.arrayBuffer());
    const downloadMs = Date.now() - started;
    expect(zip.length).toBe(Number(response.headers.get('content-length')));
    fs.writeFileSync(path.join(dir, 'export.zip'), zip);

    // ---- every file as the manifest says ----
    const entries = await unzip(zip);
    const manifestBytes = entries.get('manifest.json')!;
    const manifest = ExportManifest.parse(JSON.parse(manifestBytes.toString('utf8')));
    expect(manifest).toMatchObject({ sessionId, exportedBy: 'compliance1', auditHead: { seq: expect.any(Number) } });
    expect([...entries.keys()].sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort());
    for (const file of manifest.files) {
      const bytes = entries.get(file.path)!;
      expect({ path: file.path, sizeBytes: bytes.length, sha256: sha256(bytes) }).toEqual({ path: file.path, sizeBytes: file.sizeBytes, sha256: file.sha256 });
    }
    const names = manifest.files.map((f) => f.path);
    expect(names.filter((n) => n.startsWith('recordings/'))).toEqual(['recordings/segment-001.mkv']);
    // Stored encrypted, exported decrypted: the manifest ties the ZIP's file to the hash the
    // database and the trail hold (of the stored bytes).
    const recordingFile = path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv');
    expect(manifest.files.find((f) => f.path === 'recordings/segment-001.mkv')!.storedSha256).toBe(finalised.recordings[0]!.sha256);
    expect(sha256(fs.readFileSync(recordingFile))).toBe(finalised.recordings[0]!.sha256);
    expect(entries.get('recordings/segment-001.mkv')!.equals(storedContent(server.dataDir, recordingFile))).toBe(true);
    expect(entries.get('recordings/segment-001.mkv')!.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML
    expect(names.filter((n) => n.startsWith('playback/')).map((n) => n.replace(/\.\w+$/, ''))).toEqual(['playback/segment-001-kiosk', 'playback/segment-001-teller']);
    for (const kind of ['id-front', 'id-back', 'still', 'acknowledgement-image', 'acknowledgement-strokes', 'signature-image', 'signature-svg', 'signature-strokes', 'receipt']) {
      expect(names.some((n) => n.startsWith(`evidence/${kind}-001.`)), kind).toBe(true);
    }
    // The session's audit entries, and the export itself audited with the manifest's hash.
    const audited = JSON.parse(entries.get('audit-entries.json')!.toString('utf8')) as Array<{ action: string; sessionId: string }>;
    expect(audited.every((e) => e.sessionId === sessionId)).toBe(true);
    expect(audited.map((e) => e.action)).toEqual(expect.arrayContaining(['session.event', 'recording.sealed', 'evidence.stored', 'playback.created', 'session.finalised']));
    expect(auditEntries(server.dataDir, sessionId, 'session.exported').at(-1)!.details).toMatchObject({
      files: manifest.files.length,
      manifestSha256: sha256(manifestBytes),
    });

    // ---- the report ----
    const report = poppler('pdftotext', entries.get('report.pdf')!, [], '-').stdout;
    fs.writeFileSync(path.join(dir, 'report.txt'), report);
    const level = sale.assessment!.level;
    const product = findProduct(PRODUCT)!;
    for (const fact of [
      sessionId,
      sale.customer!.name,
      sale.customer!.documentNumber,
      `${level} ${CUSTOMER_LEVEL_NAMES[level]['zh-CN']}`,
      PRODUCT,
      product.name['zh-CN'],
      `version ${product.disclosure.version}`,
      sale.signature!.documentHash,
      sale.receipt!.verificationCode,
      'PASS consent-first',
      `SHA-256 ${finalised.recordings[0]!.sha256}`,
      'VTM-EXPORT',
    ]) {
      expect(report, fact).toContain(fact);
    }
    expect(report.match(/Answered at the kiosk /g)).toHaveLength(sale.answers.length);

    const timing = { downloadMs, zipBytes: zip.length, files: manifest.files.map((f) => ({ path: f.path, bytes: f.sizeBytes })), recordingMs: finalised.recordings[0]!.durationMs };
    fs.writeFileSync(path.join(dir, 'export-timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
    console.log('evidence export', { downloadMs, zipBytes: zip.length, recordingMs: timing.recordingMs });
  });

  it('purges the decided session once expired, holds the undecided one, and the trail still verifies', { timeout: 300_000 }, async () => {
    expect(sale, 'the export test made the sale').toBeDefined();
    const sessionId = sale.session.id;
    // A second call that nobody decides on.
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-HELD', teller: 'teller2' });
    ({ sessionId: heldSessionId } = await callAndAccept(pages));
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.teller.getByTestId('hang-up').click();
    await waitForFinalisation(server.url, heldSessionId);
    await pages.close();
    const decided = await fetch(`${server.url}/api/review/sessions/${sessionId}/decisions`, {
      method: 'POST',
      headers: { cookie: await signIn(server.url, 'compliance1'), 'content-type': 'application/json', ...WRITE_HEADERS },
      body: JSON.stringify({ decision: 'approved', comment: 'Every step recorded and checked.' }),
    });
    expect(decided.status).toBe(201);
    const folders = (id: string) => ['recordings', 'playback', 'evidence'].map((f) => path.join(server.dataDir, f, id));
    for (const folder of [...folders(sessionId), ...folders(heldSessionId)]) expect(fs.existsSync(folder), folder).toBe(true);

    // Nothing has expired today; as of six years on, both have.
    const today = runScript('retention-purge.ts', ['--dry-run'], server.dataDir);
    expect(today.status, today.stderr).toBe(0);
    expect(RetentionReport.parse(JSON.parse(today.stdout))).toMatchObject({ purged: [], held: [], filesRemoved: 0 });
    const later = new Date(Date.now() + 6 * 365.25 * 24 * 3600 * 1000).toISOString();
    const purge = runScript('retention-purge.ts', ['--now', later], server.dataDir);
    expect(purge.status, purge.stderr).toBe(0);
    const report = RetentionReport.parse(JSON.parse(purge.stdout));
    const storedFiles = sale.session.recordings.length + sale.session.playback.length + sale.session.evidence.length;
    expect(report).toMatchObject({ purged: [sessionId], held: [{ sessionId: heldSessionId, reason: 'under review: no decision yet' }], filesRemoved: storedFiles });

    for (const folder of folders(sessionId)) expect(fs.existsSync(folder), folder).toBe(false);
    for (const folder of folders(heldSessionId)) expect(fs.existsSync(folder), folder).toBe(true);
    const after = await getAs<ReviewSessionDetail>(server.url, 'compliance1', `/api/review/sessions/${sessionId}`);
    expect(after.body).toMatchObject({ purged: true, customer: null, outcome: 'completed', reviewStatus: 'approved' });
    expect(after.body.assessment?.level).toBe(sale.assessment!.level);
    expect(JSON.stringify(after.body)).not.toContain(sale.customer!.documentNumber);
    expect(auditEntries(server.dataDir, sessionId, 'file.purged')).toHaveLength(storedFiles);
    expect(auditEntries(server.dataDir, sessionId, 'session.purged')).toHaveLength(1);
    const exported = await fetch(`${server.url}${exportRoute(sessionId)}`, { headers: { cookie: await signIn(server.url, 'compliance1') } });
    expect(exported.status).toBe(409);

    const verify = runScript('audit-verify.ts', ['--json'], server.dataDir);
    expect(verify.status, verify.stdout).toBe(0);
    expect(JSON.parse(verify.stdout) as AuditVerificationReport).toMatchObject({ ok: true, brokenFiles: [] });
    // A second run finds nothing more to do.
    const again = RetentionReport.parse(JSON.parse(runScript('retention-purge.ts', ['--now', later], server.dataDir).stdout));
    expect(again).toMatchObject({ purged: [], held: [{ sessionId: heldSessionId }], filesRemoved: 0 });
  });
});
