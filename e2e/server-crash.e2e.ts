/**
 * Fault d: the server killed with SIGKILL mid-call, once the customer has answered the
 * questionnaire and signed. After a restart the database is intact (SQLite's integrity
 * check, and every row the customer's answers and signature made, unchanged), the partial
 * recording is playable and hashed, the session is marked interrupted, and the audit
 * trail still vouches for every stored file. Reports how long the restart took and how
 * much of the call the kill cost the recording.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { AuditVerificationReport } from '@vtm/shared';
import { sendAs } from './support/api.ts';
import { artifactDir } from './support/artifacts.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { callAndAccept, openKioskAndConsole, sessionDetail } from './support/call-flow.ts';
import { decodeErrors, sha256 } from './support/ffprobe.ts';
import { processesWithArgument, reportRecovery } from './support/faults.ts';
import { sellUpToSignature } from './support/regulated-flow.ts';
import { decryptedCopy, isEncrypted } from './support/stored-files.ts';
import { startServer, type TestServer } from './support/server.ts';

const PRODUCT = 'WM-R1-90D';

/** What the customer's part of the sale left in the database, read as a SQLite shell would. */
function customerRecord(dataDir: string, sessionId: string) {
  const db = new Database(path.join(dataDir, 'vtm.sqlite'), { readonly: true });
  try {
    const rows = (sql: string) => db.prepare(sql).all(sessionId);
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      answers: rows('SELECT * FROM answers WHERE session_id = ? ORDER BY id'),
      assessments: rows('SELECT * FROM assessments WHERE session_id = ? ORDER BY id'),
      signatures: rows('SELECT * FROM signatures WHERE session_id = ? ORDER BY id'),
      evidence: rows('SELECT id, kind, path, sha256, size_bytes FROM evidence_files WHERE session_id = ? ORDER BY id'),
      identity: rows('SELECT session_id, document_kind, key_id, personal_data FROM customer_identities WHERE session_id = ?'),
    };
  } finally {
    db.close();
  }
}

describe('server killed mid-call', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = artifactDir('server-crash');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loses nothing the customer answered or signed, keeps a playable, hashed partial recording and marks the session interrupted', async () => {
    const pages = await openKioskAndConsole(browser, server.url);
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await sellUpToSignature(pages, PRODUCT);

    const file = path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv');
    // The recorder's ffmpeg is the one process given the segment's SDP.
    const sdp = file.replace(/\.mkv$/, '.sdp');
    expect(processesWithArgument(sdp)).toHaveLength(1);
    const before = customerRecord(server.dataDir, sessionId);
    expect(before.answers.length).toBeGreaterThan(0);
    expect(before.assessments).toHaveLength(1);
    expect(before.signatures).toHaveLength(1);
    expect(before.identity).toHaveLength(1);

    const killedAt = Date.now();
    await server.stop('SIGKILL');
    await pages.close();
    // Straight after the kill, before anything repairs it: the database file is sound and complete.
    const afterKill = customerRecord(server.dataDir, sessionId);
    expect(afterKill.integrity).toBe('ok');
    expect(afterKill).toEqual(before);

    const restartAt = Date.now();
    server = await startServer(dir);
    const restartMs = Date.now() - restartAt;
    // The ffmpeg orphaned by the crash was stopped, not left holding the recording.
    expect(processesWithArgument(sdp)).toEqual([]);
    expect(customerRecord(server.dataDir, sessionId)).toEqual(before);

    const detail = await sessionDetail(server.url, sessionId);
    expect(detail).toMatchObject({ state: 'ended', endReason: 'interrupted' });
    expect(detail.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['session.created', 'session.accepted', 'recording.started', 'signature.submitted', 'session.interrupted']),
    );
    const [recording] = detail.recordings;
    // Sealed at the restart: encrypted, hashed as stored.
    expect(isEncrypted(file)).toBe(true);
    expect(recording).toMatchObject({ state: 'interrupted', sha256: sha256(file) });
    expect(recording!.streams).toHaveLength(4);
    // What the kill cost the recording: from its last packet to the kill.
    const started = detail.events.find((e) => e.type === 'recording.started')!;
    const lostMs = killedAt - (Date.parse(started.at) + recording!.durationMs!);
    expect(lostMs, 'recording lost to the kill').toBeLessThan(1500);
    // Killed mid-write, the last frame can be cut short; everything before it decodes.
    expect(decodeErrors(await decryptedCopy(server.dataDir, file, path.join(dir, 'recording.mkv'))).length).toBeLessThanOrEqual(4);
    // The trail still vouches for every stored file: ID images, stills, signature, recording.
    const verified = await sendAs<AuditVerificationReport>(server.url, 'compliance1', 'POST', '/api/audit/verify');
    expect(verified.body).toMatchObject({ ok: true, brokenFiles: [] });
    expect((await server.health()).ok).toBe(true);

    reportRecovery(dir, 'd: server SIGKILLed mid-call', {
      restartMs,
      recordedMs: recording!.durationMs,
      lostToKillMs: lostMs,
      answersKept: before.answers.length,
      signaturesKept: before.signatures.length,
      evidenceFilesKept: before.evidence.length,
      auditFilesVerified: verified.body.files,
    });
  });
});
