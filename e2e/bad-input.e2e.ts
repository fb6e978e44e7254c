/**
 * Malformed signaling frames and HTTP requests get a clear error, change nothing and
 * never take the server down.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactDir } from './support/artifacts.ts';
import { startServer, type TestServer } from './support/server.ts';
import { getAs, signIn } from './support/api.ts';
import { sessionDetail } from './support/call-flow.ts';
import { identifyRequestFor, residentCard, type OpenedSession } from './support/raw-kiosk.ts';
import { connectRaw } from './support/ws-client.ts';

const errorCode = (frame: Record<string, unknown>) => (frame['error'] as { code: string } | undefined)?.code;

/** A customer.identify request for a passport, well formed but for the surname or expiry given. */
const passport = (surname: string, expiryDate = '2030-01-01') => ({
  document: {
    kind: 'passport-td3',
    fields: { documentType: 'P', issuingCountry: 'CHN', surname, givenNames: 'SAN', documentNumber: 'E12345678', nationality: 'CHN', birthDate: '1990-01-01', sex: 'M', expiryDate },
    imageEvidenceId: 1,
  },
  ocr: { fields: {}, confidence: {} },
  customerCorrections: [],
  automaticCorrections: [],
});

describe('bad input', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(artifactDir('bad-input'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers each malformed signaling frame with an error and keeps the connection usable', async () => {
    const client = await connectRaw(server.wsUrl);
    const cases: Array<[string | Buffer, string]> = [
      ['{not json', 'bad-frame'],
      [Buffer.from([0, 1, 2, 3]), 'bad-frame'],
      ['[]', 'bad-frame'],
      ['null', 'bad-frame'],
      [JSON.stringify({ id: 'one', method: 'hello', data: {} }), 'bad-frame'],
      [JSON.stringify({ id: 1, method: 'hello', data: {}, extra: true }), 'bad-frame'],
      [JSON.stringify({ id: 2, method: 'no.such.method', data: {} }), 'unknown-method'],
      [JSON.stringify({ id: 3, method: '__proto__', data: {} }), 'unknown-method'],
      [JSON.stringify({ id: 4, method: 'hello', data: { role: 5, name: 'x' } }), 'invalid-data'],
      [JSON.stringify({ id: 5, method: 'hello', data: { role: 'kiosk', name: 'x'.repeat(500) } }), 'invalid-data'],
      [JSON.stringify({ id: 6, method: 'hello', data: { role: 'admin', name: 'x' } }), 'invalid-data'],
      // Valid shape, but nothing may happen before hello.
      [JSON.stringify({ id: 7, method: 'session.hangup', data: {} }), 'not-allowed'],
      [JSON.stringify({ id: 8, method: 'transport.connect', data: { transportId: randomUUID(), dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } } }), 'not-allowed'],
      // Nested deeper than the protocol allows (found by the fuzz test: 20,000 levels inside
      // the media parameters, which keep unknown keys, overflowed the stack in mediasoup).
      [`{"id":9,"method":"session.accept","data":{"sessionId":"${randomUUID()}","rtpCapabilities":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}}`, 'bad-frame'],
      // A passport whose name cannot stand in an MRZ (the server failed writing the MRZ to check it).
      [JSON.stringify({ id: 10, method: 'customer.identify', data: passport('张') }), 'invalid-data'],
      [JSON.stringify({ id: 11, method: 'customer.identify', data: passport('ZHANG', '2130-01-01') }), 'invalid-data'],
    ];
    for (const [frame, code] of cases) {
      const reply = await client.exchange(frame);
      expect(reply['ok'], String(frame).slice(0, 80)).toBe(false);
      expect(errorCode(reply), String(frame).slice(0, 80)).toBe(code);
    }

    // A teller must be signed in; the name it gives is not who it is.
    expect(errorCode(await client.request('hello', { role: 'teller' }))).toBe('unauthenticated');
    expect(errorCode(await client.request('hello', { role: 'teller', name: 'teller1' }))).toBe('invalid-data');
    client.socket.close();
  });

  it('refuses unknown ids and out-of-order requests from a signed-in teller', async () => {
    const client = await connectRaw(server.wsUrl, await signIn(server.url, 'teller1'));
    const hello = await client.request('hello', { role: 'teller' });
    expect(hello['ok']).toBe(true);
    expect(errorCode(await client.request('hello', { role: 'teller' }))).toBe('not-allowed');
    expect(errorCode(await client.request('session.accept', { sessionId: randomUUID(), rtpCapabilities: {} }))).toBe('not-found');
    expect(errorCode(await client.request('session.accept', { sessionId: 'not-a-uuid', rtpCapabilities: {} }))).toBe('invalid-data');
    expect(errorCode(await client.request('transport.create', { direction: 'send' }))).toBe('not-allowed');
    expect(errorCode(await client.request('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} }))).toBe('not-allowed');
    client.socket.close();
  });

  it('closes the socket with 1009 on an oversized frame, and the server stays healthy', async () => {
    const client = await connectRaw(server.wsUrl);
    client.socket.send(JSON.stringify({ id: 1, method: 'hello', data: { name: 'x'.repeat(200_000) } }));
    const { code } = await client.closed;
    expect(code).toBe(1009);
    expect((await server.health()).ok).toBe(true);
  });

  it('cuts off a client that keeps sending garbage', async () => {
    const client = await connectRaw(server.wsUrl);
    for (let i = 0; i < 60 && client.socket.readyState === client.socket.OPEN; i++) client.socket.send('garbage');
    expect((await client.closed).code).toBe(4400);
  });

  it('changes nothing when a kiosk sends bad media parameters, and the queue is intact', async () => {
    const kiosk = await connectRaw(server.wsUrl);
    expect((await kiosk.request('hello', { role: 'kiosk', name: 'VTM-BAD' }))['ok']).toBe(true);
    const created = await kiosk.request('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: { codecs: 'lots' } });
    expect(errorCode(created)).toBe('invalid-data');
    const good = await kiosk.request('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
    expect(good['ok']).toBe(true);
    const opened = good['data'] as OpenedSession;
    const { sessionId } = opened;
    // Nothing joins the queue before consent to recording, nor before the customer is identified.
    expect(errorCode(await kiosk.request('session.queue', {}))).toBe('not-allowed');
    expect((await kiosk.request('consent.record', { accepted: true, consentVersion: 'v1' }))['ok']).toBe(true);
    expect(errorCode(await kiosk.request('consent.record', { accepted: true, consentVersion: 'v1' }))).toBe('not-allowed');
    const unidentified = await kiosk.request('session.queue', {});
    expect(unidentified['error']).toMatchObject({ code: 'not-allowed', message: 'the customer has not been identified' });
    expect(await sessionDetail(server.url, sessionId)).toMatchObject({ state: 'draft' });
    expect((await kiosk.request('customer.identify', await identifyRequestFor(server.url, opened, residentCard('bad-input'))))['ok']).toBe(true);
    expect((await kiosk.request('session.queue', {}))['ok']).toBe(true);
    const session = await sessionDetail(server.url, sessionId);
    expect(session).toMatchObject({ state: 'waiting', kioskName: 'VTM-BAD' });
    kiosk.socket.close();
  });

  it('answers malformed HTTP requests with JSON errors', async () => {
    const badJson = await fetch(`${server.url}/api/sessions/${randomUUID()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: expect.any(String) } });

    const tooLarge = await fetch(`${server.url}/api/sessions/${randomUUID()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(2_000_000) }),
    });
    expect(tooLarge.status).toBe(413);

    const badId = await getAs<{ error: { code: string } }>(server.url, 'compliance1', '/api/sessions/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('invalid-data');

    const unknown = await getAs(server.url, 'compliance1', `/api/sessions/${randomUUID()}`);
    expect(unknown.status).toBe(404);

    const signedOut = await fetch(`${server.url}/api/sessions/${randomUUID()}`);
    expect(signedOut.status).toBe(401);

    const badSignIn = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'teller1', password: 'wrong password' }),
    });
    expect(badSignIn.status).toBe(401);
    expect(badSignIn.headers.get('set-cookie')).toBeNull();

    const health = await server.health();
    expect(health).toMatchObject({ ok: true, workers: { expected: 1, alive: 1 }, database: { ok: true }, recorder: { ok: true } });
  });
});
