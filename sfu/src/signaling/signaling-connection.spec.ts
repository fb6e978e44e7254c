/**
 * One signaling connection, over a real WebSocket: a ws server on an ephemeral port set up
 * as attachSignaling sets it up (maxPayload, an error listener), with the real session and
 * kiosk services on a temporary SQLite file. Clients are plain ws clients sending raw frames.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_SIGNALING_FRAME_BYTES, MAX_SIGNALING_FRAME_DEPTH, type RtpCapabilities } from '@vtm/shared';
import { AuditLog } from '../audit/audit-log.ts';
import { KioskService } from '../kiosks/kiosk.service.ts';
import { createLogger } from '../logger.ts';
import { WorkerPool } from '../media/worker-pool.ts';
import type { SessionService } from '../sessions/session.service.ts';
import { sessionServiceForSpecs } from '../sessions/session-service-fixture.ts';
import type { Repositories, UserRecord } from '../storage/repositories.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { KioskConnections } from './kiosk-connections.ts';
import { CLOSE_TOO_MANY_BAD_FRAMES, SignalingConnection } from './signaling-connection.ts';

type Frame = Record<string, unknown>;

const ADMIN: UserRecord = { id: 1, username: 'admin1', displayName: 'Admin', role: 'admin', passwordHash: '', createdAt: '', disabledAt: null };
const TELLER: UserRecord = { id: 2, username: 'teller1', displayName: 'Teller One', role: 'teller', passwordHash: '', createdAt: '', disabledAt: null };
const COMPLIANCE: UserRecord = { ...TELLER, id: 3, username: 'compliance1', role: 'compliance' };
const ROUTER_CAPS: RtpCapabilities = { codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CREATE = { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: {} };

/** A raw client: frames as they arrive, and how the socket closed. */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #read = 0;
  #arrived: Array<() => void> = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.frames.push(JSON.parse(String(raw)) as Frame);
      for (const wake of this.#arrived.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static async open(url: string): Promise<Client> {
    const socket = new WebSocket(url);
    const client = new Client(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The next frame not read yet, in arrival order. */
  async next(timeoutMs = 2000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.frames.length) {
      if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms (got ${JSON.stringify(this.frames)})`);
      await Promise.race([new Promise<void>((resolve) => this.#arrived.push(resolve)), sleep(50)]);
    }
    return this.frames[this.#read++]!;
  }

  /** Sends a request and reads the next frame that is not a notification. */
  async request(id: number, method: string, data?: unknown): Promise<Frame> {
    this.send(data === undefined ? { id, method } : { id, method, data });
    for (;;) {
      const frame = await this.next();
      if (!('notification' in frame)) return frame;
    }
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const error = (id: number | null, code: string, message: string) => ({ id, ok: false, error: { code, message } });

describe('SignalingConnection', () => {
  let dir: string;
  let repos: Repositories;
  let audit: AuditLog;
  let sessions: SessionService;
  let kiosks: KioskService;
  let kioskConnections: KioskConnections;
  let wss: WebSocketServer;
  let url: string;
  let logs: Array<Record<string, unknown>>;
  /** What each new connection is signed in as, and the router capabilities hello answers with. */
  let userFor: () => Promise<UserRecord | undefined>;
  let routerRtpCapabilities: () => RtpCapabilities;
  /** The server side of each connection, in the order they came. */
  let server: Array<{ connection: SignalingConnection; socket: WebSocket }>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-signaling-'));
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'));
    audit = new AuditLog({ repo: repos.audit, dataDir: dir });
    logs = [];
    const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    // No call is set up here: the pool is never started, so no mediasoup worker runs.
    sessions = sessionServiceForSpecs({
      repos,
      audit,
      workers: new WorkerPool(1, logger),
      dir,
      logger,
      // A dropped connection (no clean close) keeps its session for a while: long enough to tell it from an ended one.
      reconnect: { kioskGraceMs: 60_000, tellerGraceMs: 60_000 },
    });
    kiosks = new KioskService({ repos, audit });
    kioskConnections = new KioskConnections();
    userFor = async () => undefined;
    routerRtpCapabilities = () => ROUTER_CAPS;
    server = [];
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX_SIGNALING_FRAME_BYTES });
    wss.on('connection', (socket) => {
      socket.on('error', () => {});
      const ctx = { sessions, kiosks, routerRtpCapabilities: () => routerRtpCapabilities() };
      server.push({ socket, connection: new SignalingConnection(socket, ctx, userFor(), logger, kioskConnections) });
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await sessions.shutdown();
    await audit.drain();
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function enrolledKiosk(name = 'VTM-1'): Promise<{ kioskId: number; credential: string }> {
    const { enrollmentCode } = await kiosks.register({ name, location: 'Lobby' }, ADMIN);
    const { kioskId, credential } = await kiosks.enroll(enrollmentCode);
    return { kioskId, credential };
  }

  /** A kiosk connection that said hello and opened a draft session. */
  async function kioskWithSession(name = 'VTM-1'): Promise<{ client: Client; kioskId: number; credential: string; sessionId: string; uploadToken: string }> {
    const { kioskId, credential } = await enrolledKiosk(name);
    const client = await Client.open(url);
    expect(await client.request(1, 'hello', { role: 'kiosk', credential })).toMatchObject({ id: 1, ok: true });
    const created = await client.request(2, 'session.create', CREATE);
    expect(created).toMatchObject({ id: 2, ok: true });
    const { sessionId, uploadToken } = created['data'] as { sessionId: string; uploadToken: string };
    return { client, kioskId, credential, sessionId, uploadToken };
  }

  describe('frames it cannot read', () => {
    it('answers text that is not JSON, and binary frames, with bad-frame and no id', async () => {
      const client = await Client.open(url);
      client.send('{"id":1,"method":"hello"');
      expect(await client.next()).toEqual(error(null, 'bad-frame', 'frame is not valid JSON'));
      client.send(Buffer.from(JSON.stringify({ id: 2, method: 'hello', data: { role: 'teller' } })));
      expect(await client.next()).toEqual(error(null, 'bad-frame', 'binary frames are not accepted'));
      client.send('');
      expect(await client.next()).toEqual(error(null, 'bad-frame', 'frame is not valid JSON'));
      // The connection is still usable.
      expect(await client.request(3, 'session.hangup', {})).toEqual(error(3, 'not-allowed', 'say hello first'));
    });

    it(`refuses frames nesting deeper than ${MAX_SIGNALING_FRAME_DEPTH} levels before parsing them, even with an id`, async () => {
      const client = await Client.open(url);
      const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
      // The frame's own object is the first level: data may nest 31 more.
      client.send(`{"id":1,"method":"presence.set","data":${nested(MAX_SIGNALING_FRAME_DEPTH - 1)}}`);
      expect(await client.next()).toMatchObject({ id: 1, ok: false, error: { code: 'invalid-data' } });
      client.send(`{"id":2,"method":"presence.set","data":${nested(MAX_SIGNALING_FRAME_DEPTH)}}`);
      expect(await client.next()).toEqual(error(null, 'bad-frame', `frames may nest at most ${MAX_SIGNALING_FRAME_DEPTH} levels deep`));
      // Deep nesting refused even when the JSON itself is broken; brackets in strings do not count.
      client.send('['.repeat(10_000));
      expect(await client.next()).toEqual(error(null, 'bad-frame', `frames may nest at most ${MAX_SIGNALING_FRAME_DEPTH} levels deep`));
      client.send(JSON.stringify({ id: 3, method: 'presence.set', data: { presence: '['.repeat(100) } }));
      expect(await client.next()).toMatchObject({ id: 3, ok: false, error: { code: 'invalid-data' } });
    });

    it('answers a frame that is not {id, method, data} with bad-frame, echoing only a usable id', async () => {
      const client = await Client.open(url);
      const shape = 'frame must be {id, method, data}';
      const cases: Array<[unknown, number | null]> = [
        ['[]', null],
        ['null', null],
        ['42', null],
        ['"hello"', null],
        [{ method: 'hello', data: {} }, null],
        [{ id: '5', method: 'hello', data: {} }, null],
        [{ id: 1.5, method: 'hello', data: {} }, null],
        [{ id: Number.MAX_SAFE_INTEGER + 1, method: 'hello', data: {} }, null],
        [{ id: 7, method: 'hello', data: {}, extra: true }, 7],
        [{ id: 8, data: {} }, 8],
        [{ id: 11, method: 'session.hangup' }, 11],
        [{ id: 9, method: 42, data: {} }, 9],
        [{ id: 10, method: 'm'.repeat(65), data: {} }, 10],
      ];
      for (const [frame, id] of cases) {
        client.send(frame);
        expect(await client.next(), JSON.stringify(frame)).toEqual(error(id, 'bad-frame', shape));
      }
    });

    it('answers an unknown method with unknown-method and the request id, own properties only', async () => {
      const client = await Client.open(url);
      for (const [id, method] of [[1, 'no.such.method'], [2, '__proto__'], [3, 'toString'], [4, 'constructor'], [5, 'hasOwnProperty']] as const) {
        expect(await client.request(id, method, {})).toEqual(error(id, 'unknown-method', `unknown method "${method}"`));
      }
    });

    it('answers data that does not fit the method with invalid-data: method, path and reason', async () => {
      const client = await Client.open(url);
      const badPresence = await client.request(1, 'presence.set', { presence: 'on-holiday' });
      expect(badPresence).toMatchObject({ id: 1, ok: false, error: { code: 'invalid-data' } });
      expect((badPresence['error'] as { message: string }).message).toMatch(/^presence\.set: presence: \S/);
      const extraKey = await client.request(2, 'session.hangup', { now: true });
      expect(extraKey).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-data' } });
      expect((extraKey['error'] as { message: string }).message).toMatch(/^session\.hangup: data: .*now/);
      // data: null is validated as {}: fine for a method without data, not for hello.
      expect(await client.request(3, 'session.hangup', null)).toEqual(error(3, 'not-allowed', 'say hello first'));
      const noRole = await client.request(4, 'hello', null);
      expect(noRole).toMatchObject({ id: 4, ok: false, error: { code: 'invalid-data' } });
      expect((noRole['error'] as { message: string }).message).toMatch(/^hello: role: /);
    });
  });

  describe('requests and replies', () => {
    it("answers a handler's result with {id, ok, data}; what the handler notifies comes first", async () => {
      userFor = async () => TELLER;
      const client = await Client.open(url);
      client.send({ id: 41, method: 'hello', data: { role: 'teller' } });
      expect(await client.next()).toEqual({ notification: 'queue.updated', data: { entries: [] } });
      const reply = await client.next();
      expect(reply).toMatchObject({ id: 41, ok: true, data: { routerRtpCapabilities: ROUTER_CAPS } });
      expect((reply['data'] as { peerId: string }).peerId).toMatch(UUID);
      expect(await client.request(42, 'presence.set', { presence: 'away' })).toEqual({ id: 42, ok: true, data: { presence: 'away' } });
      expect(await client.request(43, 'hello', { role: 'teller' })).toEqual(error(43, 'not-allowed', 'hello was already said'));
    });

    it('answers a refusal (RequestError) with its code and message, and keeps the connection', async () => {
      const client = await Client.open(url);
      expect(await client.request(1, 'session.create', CREATE)).toEqual(error(1, 'not-allowed', 'say hello first'));
      expect(await client.request(2, 'hello', { role: 'teller' })).toEqual(error(2, 'unauthenticated', 'sign in as a teller first'));
      // A teller refused at hello may still talk (sign in and reconnect): the socket stays open.
      expect(await client.request(3, 'presence.set', { presence: 'away' })).toEqual(error(3, 'not-allowed', 'say hello first'));
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
    });

    it('refuses hello as a teller to a signed-in user who is not a teller', async () => {
      userFor = async () => COMPLIANCE;
      const client = await Client.open(url);
      expect(await client.request(1, 'hello', { role: 'teller' })).toEqual(error(1, 'unauthenticated', 'sign in as a teller first'));
    });

    it('holds frames until the sign-in lookup is done; a lookup that fails counts as nobody signed in', async () => {
      let signIn!: (user: UserRecord) => void;
      userFor = () => new Promise((resolve) => (signIn = resolve));
      const waiting = await Client.open(url);
      waiting.send({ id: 1, method: 'hello', data: { role: 'teller' } });
      await sleep(150);
      expect(waiting.frames).toEqual([]);
      signIn(TELLER);
      expect(await waiting.next()).toEqual({ notification: 'queue.updated', data: { entries: [] } });
      expect(await waiting.next()).toMatchObject({ id: 1, ok: true });

      userFor = () => Promise.reject(new Error('database gone'));
      const failed = await Client.open(url);
      expect(await failed.request(1, 'hello', { role: 'teller' })).toEqual(error(1, 'unauthenticated', 'sign in as a teller first'));
    });

    it('runs requests one at a time in the order sent, each seeing the effects of the one before', async () => {
      const { credential } = await enrolledKiosk();
      const client = await Client.open(url);
      // Sent at once: session.create must see the peer that hello (which awaits the database) sets up.
      client.send({ id: 10, method: 'hello', data: { role: 'kiosk', credential } });
      client.send({ id: 11, method: 'session.create', data: CREATE });
      client.send({ id: 12, method: 'session.create', data: CREATE });
      client.send('garbage');
      client.send({ id: 13, method: 'session.hangup', data: {} });
      client.send({ id: 14, method: 'session.hangup', data: {} });
      const replies = [await client.next(), await client.next(), await client.next(), await client.next(), await client.next(), await client.next()];
      expect(replies.map((r) => [r['id'], r['ok']])).toEqual([
        [10, true],
        [11, true],
        [12, false],
        [null, false],
        [13, true],
        [14, false],
      ]);
      expect(replies[2]).toEqual(error(12, 'not-allowed', 'this kiosk already has a session'));
      expect(replies[5]).toEqual(error(14, 'not-allowed', 'not in a session'));
      const sessionId = (replies[1]!['data'] as { sessionId: string }).sessionId;
      expect(await repos.sessions.get(sessionId)).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    });

    it('answers a TypeError from below (mediasoup refusing parameters) as invalid-data, anything else as internal without details', async () => {
      userFor = async () => TELLER;
      routerRtpCapabilities = () => {
        throw new TypeError('invalid RtpCapabilities');
      };
      const typeError = await Client.open(url);
      expect(await typeError.request(1, 'hello', { role: 'teller' })).toEqual(error(1, 'invalid-data', 'invalid RtpCapabilities'));

      routerRtpCapabilities = () => {
        throw new Error('secret internal detail');
      };
      const internal = await Client.open(url);
      expect(await internal.request(1, 'hello', { role: 'teller' })).toEqual(error(1, 'internal', 'the server could not do this'));
      const logged = logs.find((l) => l['msg'] === 'request failed')!;
      expect(logged).toMatchObject({ method: 'hello', level: 50 });
      expect((logged['err'] as { message: string }).message).toBe('secret internal detail');
      expect(JSON.stringify(internal.frames)).not.toContain('secret');
      // Neither counts as a bad frame, nor closes the connection.
      expect(await internal.request(2, 'presence.set', { presence: 'away' })).toMatchObject({ id: 2 });
      expect(internal.socket.readyState).toBe(WebSocket.OPEN);
    });
  });

  describe('cutting clients off', () => {
    it('closes with 4400 at the 50th bad frame; refusals by handlers do not count', async () => {
      const client = await Client.open(url);
      for (let i = 0; i < 49; i++) client.send(i % 2 ? 'not json' : { id: i, method: 'nope', data: {} });
      for (let i = 0; i < 10; i++) client.send({ id: 100 + i, method: 'session.hangup', data: {} });
      for (let i = 0; i < 59; i++) await client.next();
      expect(client.frames.slice(49).every((f) => (f['error'] as { code: string }).code === 'not-allowed')).toBe(true);
      await sleep(50);
      expect(client.socket.readyState).toBe(WebSocket.OPEN);

      client.send('one too many');
      // The last bad frame is still answered, then the socket closes.
      expect(await client.next()).toEqual(error(null, 'bad-frame', 'frame is not valid JSON'));
      expect(await client.closed).toEqual({ code: CLOSE_TOO_MANY_BAD_FRAMES, reason: 'too many bad frames' });
      expect(CLOSE_TOO_MANY_BAD_FRAMES).toBe(4400);
    });

    it('answers a kiosk with no valid credential, then closes with 4401', async () => {
      const client = await Client.open(url);
      expect(await client.request(1, 'hello', { role: 'kiosk', credential: 'not-a-credential' })).toEqual(
        error(1, 'unauthenticated', 'this kiosk is not enrolled, or its enrollment was revoked'),
      );
      expect(await client.closed).toEqual({ code: 4401, reason: 'kiosk not enrolled' });
    });

    it("keeps an enrolled kiosk's connection for a revocation to close (4401), and forgets it once it closed", async () => {
      const { kioskId, credential } = await enrolledKiosk();
      const first = await Client.open(url);
      expect(kioskConnections.count(kioskId)).toBe(0);
      expect(await first.request(1, 'hello', { role: 'kiosk', credential })).toMatchObject({ id: 1, ok: true });
      expect(kioskConnections.count(kioskId)).toBe(1);
      first.socket.close(1000);
      await first.closed;
      await until('the closed connection to be forgotten', async () => kioskConnections.count(kioskId) === 0);

      const second = await Client.open(url);
      await second.request(1, 'hello', { role: 'kiosk', credential });
      expect(kioskConnections.closeAll(kioskId)).toBe(1);
      expect(await second.closed).toEqual({ code: 4401, reason: 'kiosk revoked' });
      // A teller's connection is never kept among a kiosk's.
      userFor = async () => TELLER;
      const teller = await Client.open(url);
      await teller.request(1, 'hello', { role: 'teller' });
      expect(kioskConnections.count(kioskId)).toBe(0);
    });

    it('closes the connection at once when its peer is replaced by a rejoin on a new one', async () => {
      const { client: old, credential, sessionId, uploadToken } = await kioskWithSession();
      const fresh = await Client.open(url);
      await fresh.request(1, 'hello', { role: 'kiosk', credential });
      const rejoined = await fresh.request(2, 'session.rejoin', { sessionId, token: uploadToken, rtpCapabilities: {} });
      expect(rejoined).toMatchObject({ id: 2, ok: true, data: { state: 'draft', media: null, tellerName: null } });
      // terminate(): no close frame.
      expect((await old.closed).code).toBe(1006);
      // The old connection's close does not end the session its successor holds.
      await sleep(100);
      expect(await repos.sessions.get(sessionId)).toMatchObject({ state: 'draft', endReason: null });
      expect(await fresh.request(3, 'session.hangup', {})).toEqual({ id: 3, ok: true, data: {} });
      expect(await repos.sessions.get(sessionId)).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    });
  });

  describe('when the connection closes', () => {
    const stateOf = async (sessionId: string) => (await repos.sessions.get(sessionId))!;
    const connectionLost = async (sessionId: string) =>
      (await repos.events.list(sessionId)).find((e) => e.type === 'connection.lost' && (e.payload as { party: string }).party === 'kiosk');

    /** A clean close ends the kiosk's session now ('cancelled', by the kiosk); no grace. */
    async function expectEndedNow(sessionId: string) {
      const ended = await until('the session to end', async () => {
        const s = await stateOf(sessionId);
        return s.state === 'ended' && s;
      });
      expect(ended.endReason).toBe('cancelled');
      const events = await repos.events.list(sessionId);
      expect(events.filter((e) => e.type === 'session.ended').map((e) => e.payload)).toEqual([{ reason: 'cancelled', by: 'kiosk' }]);
      expect(events.some((e) => e.type === 'connection.lost')).toBe(false);
    }

    /** A dropped connection keeps the session for the grace period, its loss on the timeline. */
    async function expectKeptForRejoin(sessionId: string) {
      const lost = await until('the connection loss to be recorded', () => connectionLost(sessionId));
      expect(lost.payload).toEqual({ party: 'kiosk', via: 'signaling' });
      expect(await stateOf(sessionId)).toMatchObject({ state: 'draft', endReason: null });
    }

    for (const [how, code] of [
      ['the page closed (1000)', 1000],
      ['the page went away (1001)', 1001],
    ] as const) {
      it(`ends the session when ${how}`, async () => {
        const { client, sessionId } = await kioskWithSession();
        client.socket.close(code);
        expect((await client.closed).code).toBe(code);
        await expectEndedNow(sessionId);
      });
    }

    it('ends the session on a close frame without a code (1005)', async () => {
      const { client, sessionId } = await kioskWithSession();
      client.socket.close();
      expect((await client.closed).code).toBe(1005);
      await expectEndedNow(sessionId);
    });

    it("keeps the session for a rejoin when the connection dropped (1006) or the client gave up with its own code", async () => {
      const dropped = await kioskWithSession();
      dropped.client.socket.terminate();
      await expectKeptForRejoin(dropped.sessionId);

      const gaveUp = await kioskWithSession('VTM-2');
      gaveUp.client.socket.close(4000, 'heartbeat missed');
      expect((await gaveUp.client.closed).code).toBe(4000);
      await expectKeptForRejoin(gaveUp.sessionId);
    });

    it('ends the session without grace when the server refused the client: too many bad frames (4400)', async () => {
      const { client, sessionId } = await kioskWithSession();
      for (let i = 0; i < 50; i++) client.send('x');
      expect((await client.closed).code).toBe(4400);
      await expectEndedNow(sessionId);
    });

    it('ends the session without grace when the kiosk is revoked (4401)', async () => {
      const { client, kioskId, sessionId } = await kioskWithSession();
      kioskConnections.closeAll(kioskId);
      expect((await client.closed).code).toBe(4401);
      await expectEndedNow(sessionId);
    });

    // The server's side of that socket sees 1006, not 1009: the refusal is known from ws's error.
    it(`closes with 1009, unanswered, a frame over ${MAX_SIGNALING_FRAME_BYTES} bytes, and ends the session without grace`, async () => {
      const { client, sessionId } = await kioskWithSession();
      const { socket } = server[0]!;
      const before = client.frames.length;
      client.send(JSON.stringify({ id: 9, method: 'session.hangup', data: {}, pad: 'x'.repeat(MAX_SIGNALING_FRAME_BYTES) }));
      expect((await client.closed).code).toBe(1009);
      await until('the server side to close', async () => socket.readyState === WebSocket.CLOSED);
      expect(client.frames.length).toBe(before);
      await expectEndedNow(sessionId);
    });

    it('handles the close after the requests sent before it', async () => {
      const { credential } = await enrolledKiosk();
      const client = await Client.open(url);
      client.send({ id: 1, method: 'hello', data: { role: 'kiosk', credential } });
      client.send({ id: 2, method: 'session.create', data: CREATE });
      client.socket.close(1000);
      await client.closed;
      // The session the last request opened is ended by the close, not left behind.
      const created = await until('the session to be stored', async () => (await repos.sessions.listByState('ended'))[0]);
      expect(created).toMatchObject({ kioskName: 'VTM-1', endReason: 'cancelled' });
      expect(await repos.sessions.listByState('draft')).toEqual([]);
    });

    it('drops what is sent afterwards, without throwing', async () => {
      const client = await Client.open(url);
      const { connection, socket } = server[0]!;
      connection.notify('queue.updated', { entries: [] });
      expect(await client.next()).toEqual({ notification: 'queue.updated', data: { entries: [] } });
      client.socket.close(1000);
      await client.closed;
      await until('the server side to close', async () => socket.readyState === WebSocket.CLOSED);
      expect(() => connection.notify('queue.updated', { entries: [] })).not.toThrow();
      // ws counts bytes sent after close in bufferedAmount: nothing was handed to it.
      expect(socket.bufferedAmount).toBe(0);
    });

    it('drops what the session sends to a kiosk whose connection dropped', async () => {
      const { client, sessionId, kioskId } = await kioskWithSession();
      const { socket } = server[0]!;
      client.socket.close(4000);
      await client.closed;
      await until('the server side to close', async () => socket.readyState === WebSocket.CLOSED);
      await until('the drop to be noticed', () => connectionLost(sessionId));
      // Revocation ends the session kept for a rejoin and tells its kiosk: nothing reaches the closed socket.
      await sessions.endForKiosk(kioskId).done;
      expect(await repos.sessions.get(sessionId)).toMatchObject({ state: 'ended', endReason: 'kiosk-revoked' });
      expect(socket.bufferedAmount).toBe(0);
      expect(logs.filter((l) => (l['level'] as number) >= 50)).toEqual([]);
    });
  });
});
