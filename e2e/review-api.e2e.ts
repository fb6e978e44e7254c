/**
 * The compliance review API against the real server, with sessions made by a kiosk and a
 * teller over raw signaling: who may use it (compliance only; tellers 403, no one signed
 * in 401, playback included), the masked list and its filters, the audited detail,
 * decisions kept as a history, and clear 400/404/409 refusals.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  maskDocumentNumber,
  maskName,
  type ApiError,
  type ReviewDecision,
  type ReviewFilterOptions,
  type ReviewList,
  type ReviewSessionDetail,
} from '@vtm/shared';
import { jsonSha256 } from '../sfu/src/audit/audit-entry.ts';
import { WRITE_HEADERS, signIn } from './support/api.ts';
import { artifactDir } from './support/artifacts.ts';
import { queuedCustomer, residentCard } from './support/raw-kiosk.ts';
import { startServer, type TestServer } from './support/server.ts';
import { connectRaw, type RawClient } from './support/ws-client.ts';

const UNKNOWN_SESSION = '3f0c8a56-1111-4222-8333-444455556666';
const CARD = residentCard('review-api');

interface Reply<T> {
  status: number;
  body: T;
}

async function call<T>(server: TestServer, route: string, init: { cookie?: string; method?: string; body?: unknown } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = init.cookie ? { cookie: init.cookie } : {};
  if (init.cookie && init.method && init.method !== 'GET') Object.assign(headers, WRITE_HEADERS);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${route}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The data of a signaling reply that must have succeeded. */
function ok(reply: Record<string, unknown>): Record<string, unknown> {
  expect(reply['ok'], JSON.stringify(reply)).toBe(true);
  return reply['data'] as Record<string, unknown>;
}

/** A teller takes the waiting customer and hangs up: an ended session with a teller. */
async function callAndHangUp(server: TestServer, sessionId: string): Promise<void> {
  const teller = await connectRaw(server.wsUrl, await signIn(server.url, 'teller1'));
  try {
    await ok(await teller.request('hello', { role: 'teller' }));
    await ok(await teller.request('session.accept', { sessionId, rtpCapabilities: {} }));
    await ok(await teller.request('session.hangup', {}));
  } finally {
    teller.socket.close();
  }
}

describe('compliance review API', () => {
  const dir = artifactDir('review-api');
  let server: TestServer;
  let compliance: string;
  let teller: string;
  /** Called and hung up: ended, with a teller and an identified customer. */
  let called: string;
  /** Waited in the queue, then walked away: ended, no teller. */
  let walkedAway: string;
  /** Still waiting while the tests run (its kiosk stays connected). */
  let waiting: { kiosk: RawClient; sessionId: string };
  /** Never reached the queue. */
  let draft: string;

  beforeAll(async () => {
    server = await startServer(dir);
    compliance = await signIn(server.url, 'compliance1');
    teller = await signIn(server.url, 'teller1');

    const first = await queuedCustomer(server, 'VTM-REVIEW-A', CARD);
    called = first.sessionId;
    await callAndHangUp(server, called);
    first.kiosk.socket.close();

    const second = await queuedCustomer(server, 'VTM-REVIEW-B', CARD);
    walkedAway = second.sessionId;
    await ok(await second.kiosk.request('session.abandon', {}));
    second.kiosk.socket.close();

    waiting = await queuedCustomer(server, 'VTM-REVIEW-C', CARD);

    const kiosk = await connectRaw(server.wsUrl);
    await ok(await kiosk.request('hello', { role: 'kiosk', name: 'VTM-REVIEW-DRAFT' }));
    draft = ((await ok(await kiosk.request('session.create', { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: {} }))) as { sessionId: string }).sessionId;
    await ok(await kiosk.request('session.abandon', {}));
    kiosk.socket.close();
  });

  afterAll(async () => {
    waiting?.kiosk.socket.close();
    await server?.stop();
  });

  const reviewRoutes = () => [
    { method: 'GET', route: '/api/review/sessions' },
    { method: 'GET', route: '/api/review/filters' },
    { method: 'GET', route: `/api/review/sessions/${called}` },
    { method: 'POST', route: `/api/review/sessions/${called}/decisions`, body: { decision: 'approved', comment: 'not allowed' } },
    { method: 'GET', route: `/api/sessions/${called}/playback/1` },
  ];

  it('refuses every review route and playback to tellers (403) and to no one signed in (401)', async () => {
    for (const { method, route, body } of reviewRoutes()) {
      const asTeller = await call<ApiError>(server, route, { method, body, cookie: teller });
      expect(asTeller.status, `${method} ${route} as teller`).toBe(403);
      expect(asTeller.body.error.code).toBe('not-allowed');
      const signedOut = await call<ApiError>(server, route, { method, body });
      expect(signedOut.status, `${method} ${route} signed out`).toBe(401);
      expect(signedOut.body.error.code).toBe('unauthenticated');
    }
    // Nothing was decided by the refused requests.
    const detail = await call<ReviewSessionDetail>(server, `/api/review/sessions/${called}`, { cookie: compliance });
    expect(detail.body.decisions).toEqual([]);
  });

  it('lists sessions that reached the queue, masked, with filters that narrow it', async () => {
    const all = await call<ReviewList>(server, '/api/review/sessions?sort=createdAt&order=asc', { cookie: compliance });
    expect(all.status).toBe(200);
    expect(all.body.items.map((i) => i.id)).toEqual([called, walkedAway, waiting.sessionId]);
    expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 25 });
    expect(all.body.items.map((i) => i.id)).not.toContain(draft);
    expect(all.body.items[0]).toMatchObject({
      state: 'ended',
      kioskName: 'VTM-REVIEW-A',
      tellerName: 'teller1',
      customerNameMasked: maskName(CARD.front.name),
      documentNumberMasked: maskDocumentNumber(CARD.front.idNumber),
      reviewStatus: 'pending',
      purged: false,
    });
    const text = JSON.stringify(all.body);
    expect(text).not.toContain(CARD.front.idNumber);
    expect(text).not.toContain(`"${CARD.front.name}"`);

    const byTeller = await call<ReviewList>(server, '/api/review/sessions?teller=teller1', { cookie: compliance });
    expect(byTeller.body.items.map((i) => i.id)).toEqual([called]);
    const byKiosk = await call<ReviewList>(server, '/api/review/sessions?kiosk=VTM-REVIEW-B', { cookie: compliance });
    expect(byKiosk.body.items.map((i) => i.id)).toEqual([walkedAway]);
    // Calendar days, both ends inclusive; blank parameters mean "any".
    const [firstDay, lastDay] = [all.body.items[0]!.createdAt.slice(0, 10), all.body.items[2]!.createdAt.slice(0, 10)];
    const thoseDays = await call<ReviewList>(server, `/api/review/sessions?from=${firstDay}&to=${lastDay}&teller=&outcome=`, { cookie: compliance });
    expect(thoseDays.body.total).toBe(3);
    const longAgo = await call<ReviewList>(server, '/api/review/sessions?from=2020-01-01&to=2020-12-31', { cookie: compliance });
    expect(longAgo.body).toMatchObject({ total: 0, items: [] });
    const paged = await call<ReviewList>(server, '/api/review/sessions?pageSize=2&page=2&sort=createdAt&order=asc', { cookie: compliance });
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.body.items.map((i) => i.id)).toEqual([waiting.sessionId]);

    const filters = await call<ReviewFilterOptions>(server, '/api/review/filters', { cookie: compliance });
    expect(filters.body).toEqual({ tellers: ['teller1'], kiosks: ['VTM-REVIEW-A', 'VTM-REVIEW-B', 'VTM-REVIEW-C'], products: [] });
  });

  it('shows the quality verdict once finalisation is done, and filters by it', async () => {
    const deadline = Date.now() + 30_000;
    let item: ReviewList['items'][number] | undefined;
    do {
      if (item) await new Promise((resolve) => setTimeout(resolve, 200));
      item = (await call<ReviewList>(server, '/api/review/sessions?kiosk=VTM-REVIEW-A', { cookie: compliance })).body.items[0];
    } while (item?.qualityPassed === null && Date.now() < deadline);
    // A call in which nothing regulated happened and nothing was recorded cannot pass.
    expect(item).toMatchObject({ id: called, qualityPassed: false });
    expect(item!.failedChecks).toContain('recording-coverage');
    const failed = await call<ReviewList>(server, '/api/review/sessions?quality=failed', { cookie: compliance });
    expect(failed.body.items.map((i) => i.id)).toContain(called);
    const pending = await call<ReviewList>(server, '/api/review/sessions?quality=pending', { cookie: compliance });
    // The waiting session has not ended, so it cannot have been finalised (the walked-away one may still be in hand).
    expect(pending.body.items.map((i) => i.id)).toContain(waiting.sessionId);
    expect(pending.body.items.map((i) => i.id)).not.toContain(called);
  });

  it('answers bad list parameters with a 400 that names the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      ['sort=name', /^sort: /],
      ['order=up', /^order: /],
      ['pageSize=1000', /^pageSize: /],
      ['page=0', /^page: /],
      ['from=2026-13-01', /^from: /],
      ['reviewStatus=done', /^reviewStatus: /],
      ['quality=maybe', /^quality: /],
      ['bogus=1', /bogus/],
      ['teller=a&teller=b', /^teller: /],
      ['from=2026-03-02&to=2026-03-01', /^from: must not be after to/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await call<ApiError>(server, `/api/review/sessions?${query}`, { cookie: compliance });
      expect(status, query).toBe(400);
      expect(body.error.code, query).toBe('invalid-data');
      expect(body.error.message, query).toMatch(message);
    }
  });

  it('shows the full detail to compliance and records the view (and the identity seen) in the audit trail', async () => {
    const { status, body } = await call<ReviewSessionDetail>(server, `/api/review/sessions/${called}`, { cookie: compliance });
    expect(status).toBe(200);
    expect(body.session).toMatchObject({ id: called, state: 'ended', kioskName: 'VTM-REVIEW-A', tellerName: 'teller1' });
    expect(body.customer).toMatchObject({
      documentKind: 'cn-resident-id',
      name: CARD.front.name,
      documentNumber: CARD.front.idNumber,
      fields: { ...CARD.front, ...CARD.back },
      ocrFields: { name: CARD.front.name, idNumber: CARD.front.idNumber },
    });
    expect(body.idImages.map((i) => i.kind)).toEqual(['id-front', 'id-back']);
    expect(body).toMatchObject({ answers: [], assessment: null, product: null, signature: null, reviewStatus: 'pending', purged: false });

    const db = new Database(path.join(server.dataDir, 'vtm.sqlite'), { readonly: true });
    try {
      const entries = db
        .prepare("SELECT actor, action, subject FROM audit_entries WHERE session_id = ? AND action IN ('session.viewed', 'customer-identity.viewed') ORDER BY seq")
        .all(called);
      expect(entries).toContainEqual({ actor: 'user:compliance1', action: 'session.viewed', subject: `session:${called}` });
      expect(entries).toContainEqual({ actor: 'user:compliance1', action: 'customer-identity.viewed', subject: `session:${called}` });
    } finally {
      db.close();
    }
  });

  it('answers an unknown session with 404 and a malformed id with 400', async () => {
    const unknown = await call<ApiError>(server, `/api/review/sessions/${UNKNOWN_SESSION}`, { cookie: compliance });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    const malformed = await call<ApiError>(server, '/api/review/sessions/not-a-session', { cookie: compliance });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid-data' } } });
    expect(malformed.body.error.message).toMatch(/^sessionId: /);
  });

  it('keeps every decision as history; the latest is the review status', async () => {
    const decide = (sessionId: string, body: unknown) =>
      call<ReviewDecision & ApiError>(server, `/api/review/sessions/${sessionId}/decisions`, { method: 'POST', cookie: compliance, body });

    for (const body of [{ decision: 'approved' }, { decision: 'approved', comment: '   ' }, { decision: 'maybe', comment: 'why not' }, { decision: 'approved', comment: 'x', extra: 1 }]) {
      const refused = await decide(called, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('invalid-data');
    }
    expect((await decide(called, { decision: 'approved' })).body.error.message).toMatch(/^comment: /);
    expect(await decide(UNKNOWN_SESSION, { decision: 'approved', comment: 'who?' })).toMatchObject({ status: 404 });
    const notEnded = await decide(waiting.sessionId, { decision: 'approved', comment: 'too early' });
    expect(notEnded).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });

    const first = await decide(called, { decision: 'follow-up', comment: 'the teller did not verify identity' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ decision: 'follow-up', comment: 'the teller did not verify identity', reviewer: 'compliance1' });
    const second = await decide(called, { decision: 'rejected', comment: '  no sale was possible without identity  ' });
    expect(second.status).toBe(201);
    expect(second.body.comment).toBe('no sale was possible without identity');

    const detail = await call<ReviewSessionDetail>(server, `/api/review/sessions/${called}`, { cookie: compliance });
    expect(detail.body.decisions.map((d) => [d.id, d.decision])).toEqual([
      [first.body.id, 'follow-up'],
      [second.body.id, 'rejected'],
    ]);
    expect(detail.body.reviewStatus).toBe('rejected');
    const rejected = await call<ReviewList>(server, '/api/review/sessions?reviewStatus=rejected', { cookie: compliance });
    expect(rejected.body.items.map((i) => [i.id, i.reviewStatus])).toEqual([[called, 'rejected']]);
    const followUp = await call<ReviewList>(server, '/api/review/sessions?reviewStatus=follow-up', { cookie: compliance });
    expect(followUp.body.total).toBe(0);
    const pending = await call<ReviewList>(server, '/api/review/sessions?reviewStatus=pending', { cookie: compliance });
    expect(pending.body.items.map((i) => i.id).sort()).toEqual([walkedAway, waiting.sessionId].sort());

    const db = new Database(path.join(server.dataDir, 'vtm.sqlite'), { readonly: true });
    try {
      const decided = db.prepare("SELECT actor, details FROM audit_entries WHERE session_id = ? AND action = 'review.decided' ORDER BY seq").all(called) as Array<{ actor: string; details: string }>;
      expect(decided.map((e) => [e.actor, JSON.parse(e.details)])).toEqual([
        ['user:compliance1', { decisionId: first.body.id, decision: 'follow-up', commentSha256: await jsonSha256('the teller did not verify identity') }],
        ['user:compliance1', { decisionId: second.body.id, decision: 'rejected', commentSha256: await jsonSha256('no sale was possible without identity') }],
      ]);
    } finally {
      db.close();
    }
  });

  it('still serves the plain session detail to the teller (same assembly as the review detail)', async () => {
    const asTeller = await call<ReviewSessionDetail['session']>(server, `/api/sessions/${called}`, { cookie: teller });
    const asReviewer = await call<ReviewSessionDetail>(server, `/api/review/sessions/${called}`, { cookie: compliance });
    expect(asTeller.status).toBe(200);
    // Finalisation runs in the background meanwhile: compare what it does not touch.
    const stable = ({ id, state, kioskName, tellerName, createdAt, acceptedAt, endedAt, endReason, events, recordings, evidence }: ReviewSessionDetail['session']) =>
      ({ id, state, kioskName, tellerName, createdAt, acceptedAt, endedAt, endReason, events, recordings, evidence });
    expect(stable(asTeller.body)).toEqual(stable(asReviewer.body.session));
    expect(asTeller.body.events.length).toBeGreaterThan(0);
  });
});
