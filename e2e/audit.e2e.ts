/**
 * The tamper-evident audit trail against the real server: audited actions (sign-ins, a
 * kiosk session, views), POST /api/audit/verify on the intact trail, then, with the server
 * stopped, one flipped byte in a stored file and one edited database row (its trigger
 * dropped first), each reported exactly after a restart. And who may ask.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditVerificationReport } from '@vtm/shared';
import { artifactDir } from './support/artifacts.ts';
import { WRITE_HEADERS, getAs, signIn } from './support/api.ts';
import { startServer, type TestServer } from './support/server.ts';
import { isEncrypted, storedContent } from './support/stored-files.ts';
import { identifyRequestFor, pngOf, residentCard } from './support/raw-kiosk.ts';
import { connectRaw } from './support/ws-client.ts';

/** Just enough of a PNG for the server to take it as an ID image. */
const ID_IMAGE = pngOf('front of the ID card, for the audit test');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function verify(server: TestServer, cookie?: string): Promise<{ status: number; body: AuditVerificationReport }> {
  const response = await fetch(`${server.url}/api/audit/verify`, { method: 'POST', headers: cookie ? { cookie, ...WRITE_HEADERS } : {} });
  return { status: response.status, body: (await response.json()) as AuditVerificationReport };
}

/** A customer who consents, shows an ID card, is identified, queues and walks away: all from the kiosk. */
async function kioskSessionWithEvidence(server: TestServer): Promise<{ sessionId: string; evidenceId: number }> {
  const kiosk = await connectRaw(server.wsUrl);
  expect((await kiosk.request('hello', { role: 'kiosk', name: 'VTM-AUDIT' }))['ok']).toBe(true);
  const created = await kiosk.request('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
  const { sessionId, uploadToken } = created['data'] as { sessionId: string; uploadToken: string };
  expect((await kiosk.request('consent.record', { accepted: true, consentVersion: 'test' }))['ok']).toBe(true);
  const identify = await identifyRequestFor(server.url, { sessionId, uploadToken }, residentCard('audit'), { front: ID_IMAGE });
  expect((await kiosk.request('customer.identify', identify))['ok']).toBe(true);
  const evidenceId = identify.document.kind === 'cn-resident-id' ? identify.document.frontImageEvidenceId : 0;
  expect((await kiosk.request('session.queue', {}))['ok']).toBe(true);
  expect((await kiosk.request('session.abandon', {}))['ok']).toBe(true);
  kiosk.socket.close();
  return { sessionId, evidenceId };
}

/** The database as someone with the file and a SQLite shell sees it (server stopped). */
function withDatabase<T>(dataDir: string, use: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'vtm.sqlite'));
  try {
    return use(db);
  } finally {
    db.close();
  }
}

describe('tamper-evident audit trail', () => {
  const dir = artifactDir('audit');
  let server: TestServer;
  let session: { sessionId: string; evidenceId: number };
  let idImageFile: string;

  beforeAll(async () => {
    server = await startServer(dir);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('records sign-ins, a kiosk session and views, and verifies the trail intact', async () => {
    const refused = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'teller1', password: 'not the password' }),
    });
    expect(refused.status).toBe(401);
    session = await kioskSessionWithEvidence(server);
    idImageFile = path.join(server.dataDir, 'evidence', session.sessionId, 'id-front-001.png');
    expect((await getAs(server.url, 'compliance1', `/api/sessions/${session.sessionId}`)).status).toBe(200);
    const image = await fetch(`${server.url}/api/sessions/${session.sessionId}/evidence/${session.evidenceId}`, {
      headers: { cookie: await signIn(server.url, 'compliance1') },
    });
    expect(Buffer.from(await image.arrayBuffer())).toEqual(ID_IMAGE);

    const { status, body } = await verify(server, await signIn(server.url, 'compliance1'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, files: 2, brokenFiles: [] });
    expect(body.firstBrokenEntry).toBeUndefined();
    expect(body.entries).toBeGreaterThan(10);

    const entries = withDatabase(server.dataDir, (db) =>
      db.prepare('SELECT actor, action, subject, session_id AS sessionId, file_sha256 AS fileSha256 FROM audit_entries ORDER BY seq').all(),
    ) as Array<{ actor: string; action: string; subject: string; sessionId: string | null; fileSha256: string | null }>;
    const actions = new Set(entries.map((e) => e.action));
    for (const action of ['user.created', 'auth.sign-in-failed', 'auth.signed-in', 'session.event', 'evidence.stored', 'session.viewed', 'evidence.viewed', 'audit.verified']) {
      expect(actions).toContain(action);
    }
    const timeline = entries.filter((e) => e.action === 'session.event' && e.sessionId === session.sessionId);
    expect(timeline.map((e) => `${e.actor} ${e.subject}`)).toEqual([
      'kiosk:VTM-AUDIT session.created',
      'kiosk:VTM-AUDIT consent.given',
      'kiosk:VTM-AUDIT evidence.uploaded',
      'kiosk:VTM-AUDIT evidence.uploaded',
      'kiosk:VTM-AUDIT identity.captured',
      'kiosk:VTM-AUDIT session.queued',
      'kiosk:VTM-AUDIT session.ended',
    ]);
    // The trail vouches for the file as stored: encrypted, the ID image once decrypted.
    expect(isEncrypted(idImageFile)).toBe(true);
    expect(storedContent(server.dataDir, idImageFile)).toEqual(ID_IMAGE);
    expect(entries.find((e) => e.action === 'evidence.stored')).toMatchObject({ actor: 'kiosk:VTM-AUDIT', fileSha256: sha256(fs.readFileSync(idImageFile)) });
    expect(entries.find((e) => e.action === 'session.viewed')).toMatchObject({ actor: 'user:compliance1', sessionId: session.sessionId });
  });

  it('lets only compliance and admins verify: a teller gets 403, no one signed in 401', async () => {
    expect((await verify(server, await signIn(server.url, 'teller1'))).status).toBe(403);
    expect((await verify(server)).status).toBe(401);
    expect((await verify(server, await signIn(server.url, 'admin1'))).body.ok).toBe(true);
  });

  it('reports exactly the one byte flipped in a stored file', async () => {
    await server.stop();
    const original = fs.readFileSync(idImageFile);
    const flipped = Buffer.from(original);
    flipped[20] = flipped[20]! ^ 0x01;
    fs.chmodSync(idImageFile, 0o644);
    fs.writeFileSync(idImageFile, flipped);
    server = await startServer(dir);

    const { body } = await verify(server, await signIn(server.url, 'compliance1'));
    expect(body.ok).toBe(false);
    expect(body.firstBrokenEntry).toBeUndefined();
    expect(body.brokenFiles).toEqual([
      { path: `evidence/${session.sessionId}/id-front-001.png`, expected: sha256(original), actual: sha256(flipped) },
    ]);

    // Put the byte back so the next test sees only its own change.
    await server.stop();
    fs.writeFileSync(idImageFile, original);
    fs.chmodSync(idImageFile, 0o444);
  });

  it('reports exactly the one database row edited after dropping its trigger, and the protection comes back', async () => {
    const edited = withDatabase(server.dataDir, (db) => {
      const { seq } = db.prepare("SELECT seq FROM audit_entries WHERE action = 'session.viewed' ORDER BY seq LIMIT 1").get() as { seq: number };
      db.exec('DROP TRIGGER audit_entries_no_update');
      db.prepare("UPDATE audit_entries SET actor = 'user:teller2' WHERE seq = ?").run(seq);
      return seq;
    });
    server = await startServer(dir);

    const { body } = await verify(server, await signIn(server.url, 'compliance1'));
    expect(body.ok).toBe(false);
    expect(body.firstBrokenEntry).toEqual({ seq: edited, reason: 'its content does not match its hash (the entry was changed)' });
    expect(body.brokenFiles).toEqual([]);

    await server.stop();
    withDatabase(server.dataDir, (db) => {
      const restored = db.prepare("SELECT seq FROM audit_entries WHERE action = 'audit.protection-restored'").all();
      expect(restored).toHaveLength(1);
      expect(() => db.prepare("UPDATE audit_entries SET actor = 'system' WHERE seq = 1").run()).toThrow(/append-only/);
    });
  });
});
