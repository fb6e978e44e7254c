/**
 * Revoking a kiosk ends every session it opened (SessionService.endForKiosk), whatever the
 * state: checked against a real SQLite file, a real audit trail and a real mediasoup worker
 * (calls are real Rooms; with no tracks produced the recorder starts no ffmpeg). The only
 * stand-ins are the peers' signaling channels, which keep what they were sent.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationName, Role } from '@vtm/shared';
import { AuditLog } from '../audit/audit-log.ts';
import { jsonSha256 } from '../audit/audit-entry.ts';
import { Peer } from '../call/peer.ts';
import { createLogger } from '../logger.ts';
import { WorkerPool } from '../media/worker-pool.ts';
import type { Repositories } from '../storage/repositories.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import { CustomerIdentityService } from '../customers/customer-identity.service.ts';
import { EvidenceService } from '../evidence/evidence.service.ts';
import { ReceiptService } from '../receipt/receipt.service.ts';
import type { SessionService, ReconnectGrace } from './session.service.ts';
import { sessionServiceForSpecs } from './session-service-fixture.ts';

const logger = createLogger('silent');
/** Customer identities are sealed in the database under the data keys. */
const KEYS = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');
const REVOKED = 1;
const OTHER = 2;

interface TestPeer {
  peer: Peer;
  sent: Array<{ name: NotificationName; data: unknown }>;
  /** The data of every notification of this name, in order. */
  got(name: NotificationName): unknown[];
}

function testPeer(role: Role, name: string, kioskId: number | null = null): TestPeer {
  const sent: TestPeer['sent'] = [];
  const peer = new Peer({ role, name, channel: { notify: (n, data) => void sent.push({ name: n, data }) } });
  peer.kioskId = kioskId;
  if (role === 'kiosk') peer.location = `${name} lobby`;
  return { peer, sent, got: (n) => sent.filter((s) => s.name === n).map((s) => s.data) };
}

describe('SessionService.endForKiosk (a kiosk is revoked)', () => {
  let workers: WorkerPool;
  let dir: string;
  let repos: Repositories;
  let audit: AuditLog;
  let sessions: SessionService;
  let finalised: string[];

  beforeAll(async () => {
    workers = new WorkerPool(1, logger);
    await workers.start();
  });

  afterAll(async () => {
    await workers.close();
  });

  function startSessions(reconnect?: ReconnectGrace): SessionService {
    const service = sessionServiceForSpecs({ repos, audit, workers, dir, logger, ...(reconnect ? { reconnect } : {}) });
    service.afterEnd((sessionId) => finalised.push(sessionId));
    const evidence = new EvidenceService({ dataDir: dir, repos, audit, sessions: service });
    service.useEvidence(evidence, new ReceiptService({ repos, evidence, publicUrl: 'https://vtm.test' }), new CustomerIdentityService({ repos, evidence }));
    return service;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-end-for-kiosk-'));
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'), { dataKeys: KEYS });
    audit = new AuditLog({ repo: repos.audit, dataDir: dir });
    finalised = [];
    sessions = startSessions();
  });

  afterEach(async () => {
    await sessions.shutdown();
    // A service stops listening to the shared pool when it shuts down.
    expect(workers.listenerCount('worker-replaced')).toBe(0);
    await audit.drain();
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function draft(kiosk: TestPeer) {
    return sessions.create(kiosk.peer, { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
  }

  /** Consent, then the customer's passport (its page image stored as the kiosk would have uploaded it), then the queue. */
  async function waiting(kiosk: TestPeer) {
    const created = await draft(kiosk);
    await sessions.recordConsent(kiosk.peer, true, 'v1');
    const imageEvidenceId = await repos.evidence.add({
      sessionId: created.sessionId,
      kind: 'passport-page',
      path: path.join(dir, 'evidence', `${created.sessionId}.jpg`),
      mimeType: 'image/jpeg',
      sizeBytes: 1,
      sha256: 'not-checked-here',
      createdAt: new Date().toISOString(),
      createdBy: 'kiosk',
    });
    await sessions.identifyCustomer(kiosk.peer, {
      document: {
        kind: 'passport-td3',
        fields: { documentType: 'P', issuingCountry: 'CHN', surname: 'ZHANG', givenNames: 'SAN', documentNumber: 'E12345678', nationality: 'CHN', birthDate: '1990-01-01', sex: 'M', expiryDate: '2035-01-01' },
        imageEvidenceId,
      },
      ocr: { fields: {}, confidence: {} },
      customerCorrections: [],
      automaticCorrections: [],
    });
    await sessions.queueForTeller(kiosk.peer);
    return created;
  }

  async function inCall(kiosk: TestPeer, teller: TestPeer) {
    const created = await waiting(kiosk);
    sessions.addTeller(teller.peer);
    await sessions.accept(teller.peer, { sessionId: created.sessionId, rtpCapabilities: {} });
    return created;
  }

  const eventTypes = async (sessionId: string) => (await repos.events.list(sessionId)).map((e) => e.type);
  const auditOf = async (sessionId: string) => (await repos.audit.list({ afterSeq: 0, limit: 10_000 })).filter((e) => e.sessionId === sessionId);

  /** What every revoked session ends with, whatever state it was in. */
  async function expectEndedByRevocation(sessionId: string) {
    const stored = (await repos.sessions.get(sessionId))!;
    expect(stored.state).toBe('ended');
    expect(stored.endReason).toBe('kiosk-revoked');
    expect(stored.endedAt).not.toBeNull();

    const ended = (await repos.events.list(sessionId)).filter((e) => e.type === 'session.ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.payload).toEqual({ reason: 'kiosk-revoked', by: null });
    expect(ended[0]!.at).toBe(stored.endedAt);

    // The trail holds the event's hash, recorded by the system (nobody connected ended it).
    const entry = (await auditOf(sessionId)).find((e) => e.subject === 'session.ended')!;
    expect(entry).toMatchObject({ actor: 'system', action: 'session.event', sessionId });
    expect(entry.details).toEqual({
      eventId: ended[0]!.id,
      at: ended[0]!.at,
      offsetMs: null,
      payloadSha256: await jsonSha256({ reason: 'kiosk-revoked', by: null }),
    });

    // Whoever was still in the session left when it ended (a teller lost earlier keeps the time it left).
    for (const p of await repos.participants.list(sessionId)) {
      expect(p.leftAt).not.toBeNull();
      expect(p.leftAt! <= stored.endedAt!).toBe(true);
    }
    expect((await repos.participants.list(sessionId)).find((p) => p.role === 'kiosk')!.leftAt).toBe(stored.endedAt);
    expect(finalised.filter((id) => id === sessionId)).toHaveLength(1);
  }

  it('does nothing for a kiosk with no session', async () => {
    const other = testPeer('kiosk', 'VTM-2', OTHER);
    const { sessionId } = await draft(other);
    const ending = sessions.endForKiosk(REVOKED);
    expect(ending.sessions).toEqual([]);
    await expect(ending.done).resolves.toBeUndefined();
    expect((await repos.sessions.get(sessionId))!.state).toBe('draft');
    expect(finalised).toEqual([]);
  });

  it('ends a draft session (consent, documents) and tells the kiosk', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const { sessionId } = await draft(kiosk);

    const ending = sessions.endForKiosk(REVOKED);
    expect(ending.sessions).toEqual([sessionId]);
    // Detached by the time endForKiosk returns.
    expect(kiosk.peer.sessionId).toBeNull();
    await ending.done;

    await expectEndedByRevocation(sessionId);
    expect(await eventTypes(sessionId)).toEqual(['session.created', 'session.ended']);
    expect(kiosk.got('session.ended')).toEqual([{ sessionId, reason: 'kiosk-revoked', by: null }]);
    // The kiosk's participant row is closed.
    expect((await repos.participants.list(sessionId)).map((p) => p.role)).toEqual(['kiosk']);
  });

  it('takes a waiting customer out of the queue; the tellers see the queue without it', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    sessions.addTeller(teller.peer);
    const { sessionId } = await waiting(kiosk);
    expect(sessions.queue().map((e) => e.sessionId)).toEqual([sessionId]);

    const ending = sessions.endForKiosk(REVOKED);
    expect(ending.sessions).toEqual([sessionId]);
    expect(kiosk.peer.sessionId).toBeNull();
    // Out of the queue at once: a teller cannot take the customer while the ending is stored.
    expect(sessions.queue()).toEqual([]);
    await ending.done;

    await expectEndedByRevocation(sessionId);
    expect(await eventTypes(sessionId)).toEqual(['session.created', 'consent.given', 'identity.captured', 'session.queued', 'session.ended']);
    expect(kiosk.got('session.ended')).toEqual([{ sessionId, reason: 'kiosk-revoked', by: null }]);
    expect(teller.got('queue.updated').at(-1)).toEqual({ entries: [] });
    expect(teller.got('session.ended')).toEqual([]);
    await expect(sessions.accept(teller.peer, { sessionId, rtpCapabilities: {} })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('cuts off a call in progress: the teller is told, freed for the next customer, and the room is closed', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const { sessionId } = await inCall(kiosk, teller);
    const room = sessions.roomOf(teller.peer);
    expect(sessions.liveCallCount).toBe(1);
    expect(teller.peer.presence).toBe('busy');

    const ending = sessions.endForKiosk(REVOKED);
    expect(ending.sessions).toEqual([sessionId]);
    // Both parties are detached before anything is awaited.
    expect(kiosk.peer.sessionId).toBeNull();
    expect(teller.peer.sessionId).toBeNull();
    expect(teller.peer.presence).toBe('available');
    await ending.done;

    await expectEndedByRevocation(sessionId);
    expect(await eventTypes(sessionId)).toEqual(['session.created', 'consent.given', 'identity.captured', 'session.queued', 'session.accepted', 'session.ended']);
    expect(teller.got('session.ended')).toEqual([{ sessionId, reason: 'kiosk-revoked', by: null }]);
    expect(kiosk.got('session.ended')).toEqual([{ sessionId, reason: 'kiosk-revoked', by: null }]);
    expect((await repos.participants.list(sessionId)).map((p) => p.role).sort()).toEqual(['kiosk', 'teller']);
    expect(sessions.liveCallCount).toBe(0);
    expect(room.closed).toBe(true);
    expect(room.router.closed).toBe(true);
    expect(() => sessions.roomOf(teller.peer)).toThrow('not in a call');
    // The teller can take the next customer.
    const next = testPeer('kiosk', 'VTM-2', OTHER);
    const { sessionId: nextId } = await waiting(next);
    await sessions.accept(teller.peer, { sessionId: nextId, rtpCapabilities: {} });
    expect(teller.peer.sessionId).toBe(nextId);
  });

  it('ends a session a teller is taking at that moment: no call is left, the teller is refused and stays free', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const { sessionId } = await waiting(kiosk);
    sessions.addTeller(teller.peer);
    const accepting = sessions.accept(teller.peer, { sessionId, rtpCapabilities: {} });
    const ending = sessions.endForKiosk(REVOKED);
    await sessions.disconnected(kiosk.peer, { clean: true }); // the revoked kiosk's socket closes
    await expect(accepting).rejects.toMatchObject({ code: 'conflict', message: 'the customer has left' });
    await ending.done;

    await expectEndedByRevocation(sessionId);
    expect(sessions.liveCallCount).toBe(0);
    expect(teller.peer.sessionId).toBeNull();
    expect(teller.peer.presence).toBe('available');
    expect(await eventTypes(sessionId)).toEqual(['session.created', 'consent.given', 'identity.captured', 'session.queued', 'session.ended']);
    expect(kiosk.got('session.accepted')).toEqual([]);
    expect(kiosk.got('session.ended')).toEqual([{ sessionId, reason: 'kiosk-revoked', by: null }]);
  });

  it('ends a call whose teller was lost and that is back at the head of the queue', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const watcher = testPeer('teller', 'teller2');
    const { sessionId } = await inCall(kiosk, teller);
    const room = sessions.roomOf(kiosk.peer);
    sessions.addTeller(watcher.peer);
    await sessions.disconnected(teller.peer, { clean: true });
    expect(sessions.queue()).toMatchObject([{ sessionId, interrupted: true }]);
    expect((await repos.sessions.get(sessionId))!.state).toBe('waiting');

    const ending = sessions.endForKiosk(REVOKED);
    expect(ending.sessions).toEqual([sessionId]);
    await ending.done;

    await expectEndedByRevocation(sessionId);
    expect(sessions.queue()).toEqual([]);
    expect(watcher.got('queue.updated').at(-1)).toEqual({ entries: [] });
    expect(sessions.liveCallCount).toBe(0);
    expect(room.closed).toBe(true);
    expect(kiosk.got('session.ended')).toEqual([{ sessionId, reason: 'kiosk-revoked', by: null }]);
    // The lost teller had already left; it is not told again.
    expect(teller.got('session.ended')).toEqual([]);
  });

  it('ends the session of a kiosk whose connection dropped, and its reconnection grace never fires', async () => {
    await sessions.shutdown();
    sessions = startSessions({ kioskGraceMs: 150, tellerGraceMs: 150 });
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const { sessionId } = await waiting(kiosk);
    await sessions.disconnected(kiosk.peer, { clean: false });
    expect((await repos.sessions.get(sessionId))!.state).toBe('waiting');

    await sessions.endForKiosk(REVOKED).done;
    await sleep(400);

    await expectEndedByRevocation(sessionId);
    const types = await eventTypes(sessionId);
    expect(types).not.toContain('connection.given-up');
    expect(types.filter((t) => t === 'session.ended')).toHaveLength(1);
  });

  it('ends a call whose teller dropped, and the teller grace never puts the customer back in the queue', async () => {
    await sessions.shutdown();
    sessions = startSessions({ kioskGraceMs: 150, tellerGraceMs: 150 });
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const { sessionId } = await inCall(kiosk, teller);
    await sessions.disconnected(teller.peer, { clean: false });

    await sessions.endForKiosk(REVOKED).done;
    await sleep(400);

    await expectEndedByRevocation(sessionId);
    const types = await eventTypes(sessionId);
    expect(types).not.toContain('teller.lost');
    expect(types).not.toContain('session.requeued');
    expect(sessions.queue()).toEqual([]);
    expect(sessions.liveCallCount).toBe(0);
  });

  it('ends every session the kiosk opened (one per connection), and leaves other kiosks alone', async () => {
    const first = testPeer('kiosk', 'VTM-1', REVOKED);
    const second = testPeer('kiosk', 'VTM-1', REVOKED);
    const other = testPeer('kiosk', 'VTM-2', OTHER);
    const otherDraft = testPeer('kiosk', 'VTM-3', OTHER);
    const teller = testPeer('teller', 'teller1');
    const otherTeller = testPeer('teller', 'teller2');
    sessions.addTeller(teller.peer);
    // Queue order: the revoked kiosk's first session, the other kiosk's, then the revoked kiosk's second.
    const { sessionId: a } = await waiting(first);
    const { sessionId: b } = await inCall(other, otherTeller);
    const { sessionId: c } = await draft(second);
    const { sessionId: d } = await draft(otherDraft);
    const third = testPeer('kiosk', 'VTM-4', OTHER);
    const { sessionId: e } = await waiting(third);
    const before = { b: await eventTypes(b), d: await eventTypes(d), e: await eventTypes(e) };
    const beforeAudit = (await auditOf(b)).length + (await auditOf(d)).length + (await auditOf(e)).length;
    expect(third.got('queue.position').at(-1)).toMatchObject({ position: 2 });

    const ending = sessions.endForKiosk(REVOKED);
    expect([...ending.sessions].sort()).toEqual([a, c].sort());
    await ending.done;

    await expectEndedByRevocation(a);
    await expectEndedByRevocation(c);
    expect((await repos.sessions.get(b))!).toMatchObject({ state: 'active', endReason: null });
    expect((await repos.sessions.get(d))!).toMatchObject({ state: 'draft', endReason: null });
    expect((await repos.sessions.get(e))!).toMatchObject({ state: 'waiting', endReason: null });
    expect({ b: await eventTypes(b), d: await eventTypes(d), e: await eventTypes(e) }).toEqual(before);
    expect((await auditOf(b)).length + (await auditOf(d)).length + (await auditOf(e)).length).toBe(beforeAudit);
    expect(other.peer.sessionId).toBe(b);
    expect(otherTeller.peer.sessionId).toBe(b);
    expect(otherDraft.peer.sessionId).toBe(d);
    expect(third.peer.sessionId).toBe(e);
    expect(sessions.liveCallCount).toBe(1);
    expect(() => sessions.roomOf(other.peer)).not.toThrow();
    expect(otherTeller.got('session.ended')).toEqual([]);
    // The customer behind the revoked one moves up.
    expect(sessions.queue().map((q) => q.sessionId)).toEqual([e]);
    expect(third.got('queue.position').at(-1)).toMatchObject({ position: 1 });
    expect(teller.got('queue.updated').at(-1)).toMatchObject({ entries: [{ sessionId: e }] });
    expect(finalised.sort()).toEqual([a, c].sort());
  });

  it('is idempotent: asked again (at once or later) it ends nothing more', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const { sessionId } = await inCall(kiosk, teller);

    const first = sessions.endForKiosk(REVOKED);
    const again = sessions.endForKiosk(REVOKED);
    expect(first.sessions).toEqual([sessionId]);
    // Still ending: the second call waits for the same ending, it does not start another.
    expect(again.sessions).toEqual([sessionId]);
    await Promise.all([first.done, again.done]);
    const later = sessions.endForKiosk(REVOKED);
    expect(later.sessions).toEqual([]);
    await later.done;

    await expectEndedByRevocation(sessionId);
    expect(teller.got('session.ended')).toHaveLength(1);
    expect((await auditOf(sessionId)).filter((e) => e.subject === 'session.ended')).toHaveLength(1);
  });

  it('leaves a session that already ended as it ended (reason and events)', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const { sessionId } = await inCall(kiosk, teller);
    await sessions.hangup(teller.peer);
    const events = await eventTypes(sessionId);
    const sentToKiosk = kiosk.sent.length;

    const ending = sessions.endForKiosk(REVOKED);
    expect(ending.sessions).toEqual([]);
    await ending.done;

    expect((await repos.sessions.get(sessionId))!).toMatchObject({ state: 'ended', endReason: 'hung-up' });
    expect(await eventTypes(sessionId)).toEqual(events);
    expect(kiosk.sent.length).toBe(sentToKiosk);
    expect(finalised).toEqual([sessionId]);
  });

  it('does not override an ending already under way (the first reason stays)', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const teller = testPeer('teller', 'teller1');
    const { sessionId } = await inCall(kiosk, teller);
    const hangingUp = sessions.hangup(teller.peer);
    const ending = sessions.endForKiosk(REVOKED);
    // Its done waits for that ending (the server's revocation answers once the recording is sealed).
    expect(ending.sessions).toEqual([sessionId]);
    await ending.done;
    expect(sessions.liveCallCount).toBe(0);
    expect(finalised).toContain(sessionId);
    await hangingUp;

    expect((await repos.sessions.get(sessionId))!).toMatchObject({ state: 'ended', endReason: 'hung-up' });
    expect((await repos.events.list(sessionId)).filter((e) => e.type === 'session.ended').map((e) => e.payload)).toEqual([
      { reason: 'hung-up', by: 'teller' },
    ]);
    expect(kiosk.got('session.ended')).toEqual([{ sessionId, reason: 'hung-up', by: 'teller' }]);
  });

  it('keeps the revoked kiosk from rejoining its session', async () => {
    const kiosk = testPeer('kiosk', 'VTM-1', REVOKED);
    const { sessionId, uploadToken } = await waiting(kiosk);
    await sessions.endForKiosk(REVOKED).done;
    const again = testPeer('kiosk', 'VTM-1', REVOKED);
    await expect(sessions.rejoin(again.peer, { sessionId, token: uploadToken, rtpCapabilities: {} })).rejects.toMatchObject({
      code: 'not-found',
    });
    expect(again.peer.sessionId).toBeNull();
  });
});
