/**
 * Hostile input against the real server (issue 6, item 4). Over 10,000 random and
 * malformed signaling frames from a seeded generator, on several connections at once (no
 * hello, a kiosk, a signed-in teller, each party of a live call), and malformed HTTP
 * requests. Every bad input must get an error reply or a refusal (the connection closed
 * with the documented code); the server stays up and healthy, its memory bounded, a
 * waiting customer's session untouched, the normal flow working and the audit trail intact.
 *
 * The seed is printed; FUZZ_SEED=<seed> sends the same frames again (only the ids the
 * server hands out, e.g. of transports in a call, differ; replies can differ with timing,
 * e.g. which frames were still in flight when the server cut a connection off).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_WRITE_HEADERS, KIOSK_UPLOAD_TOKEN_HEADER, KioskUploadKind, MAX_SIGNALING_FRAME_BYTES, MAX_SIGNALING_FRAME_DEPTH, RegisterKioskRequest, requests, type AuditVerificationReport, type Method, type SessionDetail } from '@vtm/shared';
import { artifactDir, repoRoot } from './support/artifacts.ts';
import { signIn } from './support/api.ts';
import { enrolledKiosk } from './support/kiosks.ts';
import { identifyRequestFor, pngOf, residentCard, type OpenedSession } from './support/raw-kiosk.ts';
import { mediaStats, sessionDetail } from './support/call-flow.ts';
import { startServer, type TestServer } from './support/server.ts';
import {
  CATEGORIES,
  CLOSE_INVALID_UTF8,
  CLOSE_TOO_BIG,
  FrameGenerator,
  METHODS,
  emptyKnownIds,
  expectationFor,
  unicodeEdgeStrings,
  type FuzzFrame,
  type KnownIds,
} from './support/fuzz/frames.ts';
import { FuzzSocket } from './support/fuzz/fuzz-socket.ts';
import { KNOWN_ROUTES, RAW_PROTOCOL_CASES, httpCases, sendHttp, sendRaw, type HttpCase, type RouteTemplate } from './support/fuzz/http-cases.ts';
import { newReport, runLane, type FuzzReport, type LaneSpec } from './support/fuzz/lane.ts';
import { Prng, fuzzSeed } from './support/fuzz/prng.ts';
import { rssMiB, sampleRss } from './support/fuzz/process-memory.ts';
import { fieldTargets, validSample } from './support/fuzz/schema-sample.ts';
import type { z } from 'zod';

const SEED = fuzzSeed();
console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

/** What a PNG upload must start with; the rest is the test's own bytes. */
const PNG = pngOf('baseline ID image for the fuzz test');
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
const MAX_JSON_BODY_BYTES = 256 * 1024;
/** Growth of the server's resident memory allowed across the whole run, after a pause. */
const RSS_GROWTH_LIMIT_MIB = 150;

describe('the fuzz generator', () => {
  it('makes a valid sample for every method of the protocol, from the schemas alone', () => {
    const rng = new Prng(SEED);
    expect(METHODS).toEqual(Object.keys(requests));
    for (const method of METHODS) {
      const schema = requests[method].data as z.ZodType;
      for (let i = 0; i < 20; i++) expect(schema.safeParse(validSample(schema, rng)).success, method).toBe(true);
    }
  });

  it('sets every field of every method wrong, and the schema refuses each', () => {
    const generator = new FrameGenerator(new Prng(SEED));
    const covered = new Map<string, number>();
    for (const frame of generator.everyFieldWrong(2)) {
      expect(frame.expect, String(frame.payload)).toMatchObject({ kind: 'reply', codes: ['invalid-data'] });
      const method = (JSON.parse(String(frame.payload)) as { method: string }).method;
      covered.set(method, (covered.get(method) ?? 0) + 1);
    }
    for (const method of METHODS) {
      const fields = fieldTargets(requests[method].data as z.ZodType, validSample(requests[method].data as z.ZodType, new Prng(1))).length;
      expect(covered.get(method) ?? 0, method).toBeGreaterThanOrEqual(Math.min(fields, 1));
    }
  });

  it('gives the same frames for the same seed', () => {
    const a = new FrameGenerator(new Prng(SEED));
    const b = new FrameGenerator(new Prng(SEED));
    const digest = (payload: string | Buffer) => createHash('sha256').update(payload).digest('hex');
    for (const category of CATEGORIES) {
      for (let i = 0; i < 10; i++) expect(digest(a.make(category).payload), category).toBe(digest(b.make(category).payload));
    }
  });

  it('expects what the server documents for each kind of frame', () => {
    const reply = (payload: string | Buffer, binary = false) => expectationFor(payload, binary).expect;
    expect(reply(Buffer.from('{}'), true)).toMatchObject({ kind: 'reply', codes: ['bad-frame'], id: null });
    expect(reply('x'.repeat(MAX_SIGNALING_FRAME_BYTES + 1))).toEqual({ kind: 'close', code: CLOSE_TOO_BIG });
    expect(reply(Buffer.from([0x22, 0xff, 0x22]))).toEqual({ kind: 'close', code: CLOSE_INVALID_UTF8 });
    expect(reply('{"id":7,"method":"nope","data":{}}')).toMatchObject({ codes: ['unknown-method'], id: 7 });
    // A kiosk names itself no more: its hello carries only its credential.
    expect(reply('{"id":8,"method":"hello","data":{"role":"kiosk","name":"x"}}')).toMatchObject({ codes: ['invalid-data'], id: 8 });
    expect(reply('{"id":9,"method":"hello","data":{},"x":1}')).toMatchObject({ codes: ['bad-frame'], id: 9 });
    expect(reply('{"id":1e400,"method":"hello","data":{}}')).toMatchObject({ codes: ['bad-frame'], id: null });
    expect(reply('{"id":10,"method":"session.queue","data":null}')).toMatchObject({ mayBeOk: true, id: 10 });
    const nested = (depth: number) => `{"id":11,"method":"session.accept","data":{"sessionId":"${new Prng(1).uuid()}","rtpCapabilities":{"x":${'['.repeat(depth - 3)}${']'.repeat(depth - 3)}}}}`;
    expect(reply(nested(MAX_SIGNALING_FRAME_DEPTH))).toMatchObject({ mayBeOk: true, id: 11 });
    expect(reply(nested(MAX_SIGNALING_FRAME_DEPTH + 1))).toMatchObject({ codes: ['bad-frame'], id: null });
    const generator = new FrameGenerator(new Prng(SEED));
    for (let i = 0; i < 50; i++) expect(generator.make('invalid-utf8').expect).toEqual({ kind: 'close', code: CLOSE_INVALID_UTF8 });
    for (let i = 0; i < 50; i++) expect(generator.make('oversized-frame').expect).toEqual({ kind: 'close', code: CLOSE_TOO_BIG });
  });
});

/** Polls /healthz while the fuzzing runs; every answer must be 200 and ok. */
function watchHealth(server: TestServer, everyMs = 1000) {
  const problems: string[] = [];
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(15_000) });
        const body = (await response.json()) as { ok: boolean };
        if (response.status !== 200 || !body.ok) problems.push(`healthz ${response.status} ${JSON.stringify(body)}`);
      } catch (error) {
        problems.push(`healthz failed: ${(error as Error).message}`);
      }
      polls++;
      await sleep(everyMs);
    }
  })();
  return {
    problems,
    async stop() {
      running = false;
      await loop;
      return polls;
    },
  };
}

/** Names a kiosk may give (valid for hello) that are hard on text handling. */
function kioskNames(rng: Prng): string[] {
  return unicodeEdgeStrings(rng)
    .map((s) => `FZ ${s}`.slice(0, 80))
    .filter((name) => RegisterKioskRequest.safeParse({ name, location: name }).success);
}

function printReport(report: FuzzReport, title: string): void {
  const rows = [...report.byCategory.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((sum, [, t]) => sum + t.sent, 0);
  const lines = rows.map(
    ([category, t]) =>
      `  ${category.padEnd(16)} ${String(t.sent).padStart(6)} sent  ${String(t.errors).padStart(6)} error replies  ${String(t.ok).padStart(5)} ok  ${String(t.refusedByClose).padStart(5)} refused by close   ${Object.entries(t.codes).map(([c, n]) => `${c}:${n}`).join(' ')}`,
  );
  const lanes = [...report.byLane.entries()].map(([name, l]) => `  ${name.padEnd(14)} ${String(l.sent).padStart(6)} frames on ${l.connections} connections; closes ${JSON.stringify(l.closes)}`);
  console.log(`${title}: ${total} frames\n${lines.join('\n')}\nlanes:\n${lanes.join('\n')}`);
}

describe('hostile input against the real server', () => {
  let server: TestServer;
  let cookies: { teller1: string; teller2: string; compliance1: string; admin1: string };
  /** A customer waiting in the queue throughout: nothing the fuzzing does may touch their session. */
  let baseline: { kiosk: FuzzSocket; sessionId: string; before: SessionDetail };
  /** A draft session (not waiting) and an ended one, for the teller's out-of-order accepts. */
  let context: { kiosk: FuzzSocket; draftId: string; uploadToken: string; endedId: string; draftBefore: SessionDetail; endedBefore: SessionDetail };
  let rssAtStart: number;
  let logDir: string;
  let worker: { pid: number; rssAtStart: number };
  const rssPeaks: number[] = [];
  const rootRng = new Prng(SEED);

  beforeAll(async () => {
    logDir = artifactDir('fuzz');
    server = await startServer(logDir, { LOG_LEVEL: 'info' });
    cookies = {
      teller1: await signIn(server.url, 'teller1'),
      teller2: await signIn(server.url, 'teller2'),
      compliance1: await signIn(server.url, 'compliance1'),
      admin1: await signIn(server.url, 'admin1'),
    };
    // Enrolled before the HTTP fuzz sends wrong enrollment codes (which make this address wait).
    for (const name of ['VTM-FUZZ-LIMITS', 'VTM-FUZZ-AFTER']) await enrolledKiosk(server.url, name);

    const kiosk = await FuzzSocket.open(server.wsUrl);
    await kiosk.must('hello', { role: 'kiosk', name: 'VTM-FUZZ-BASELINE', location: 'Fuzz branch' });
    const { sessionId, uploadToken } = await kiosk.must<{ sessionId: string; uploadToken: string }>('session.create', {
      language: 'zh-CN',
      service: 'first-time-wealth-assessment',
      rtpCapabilities: {},
    });
    await kiosk.must('consent.record', { accepted: true, consentVersion: 'fuzz' });
    await kiosk.must('customer.identify', await identifyRequestFor(server.url, { sessionId, uploadToken }, residentCard('fuzz-baseline'), { front: PNG }));
    await kiosk.must('session.queue', {});
    baseline = { kiosk, sessionId, before: await sessionDetail(server.url, sessionId) };
    expect(baseline.before).toMatchObject({ state: 'waiting', kioskName: 'VTM-FUZZ-BASELINE' });

    const ctxKiosk = await FuzzSocket.open(server.wsUrl);
    await ctxKiosk.must('hello', { role: 'kiosk', name: 'VTM-FUZZ-CONTEXT' });
    const draft = await ctxKiosk.must<{ sessionId: string; uploadToken: string }>('session.create', { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
    const ender = await FuzzSocket.open(server.wsUrl);
    await ender.must('hello', { role: 'kiosk', name: 'VTM-FUZZ-ENDED' });
    const ended = await ender.must<{ sessionId: string }>('session.create', { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
    await ender.must('session.abandon', {});
    await ender.close();
    context = {
      kiosk: ctxKiosk,
      draftId: draft.sessionId,
      uploadToken: draft.uploadToken,
      endedId: ended.sessionId,
      draftBefore: await sessionDetail(server.url, draft.sessionId),
      endedBefore: await sessionDetail(server.url, ended.sessionId),
    };

    await sleep(1000);
    rssAtStart = rssMiB(server.process.pid)!;
    worker = { pid: (await mediaStats(server.url)).workers[0]!.pid, rssAtStart: 0 };
    worker.rssAtStart = rssMiB(worker.pid)!;
    console.log(`server RSS at start: ${rssAtStart.toFixed(1)} MiB; mediasoup worker ${worker.rssAtStart.toFixed(1)} MiB`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers or refuses every one of over 10,000 hostile signaling frames, and stays up', async () => {
    const report = newReport();
    const health = watchHealth(server);
    const rss = sampleRss(server.process.pid);
    const started = Date.now();
    let failedHard = false;
    const stopped = () => failedHard || report.failures.length > 200;

    // Before hello: well-formed requests get nothing but not-allowed (a teller hello without sign-in: unauthenticated).
    const anonymous: LaneSpec = (() => {
      const rng = rootRng.fork();
      return {
        name: 'anonymous',
        rng,
        window: 16,
        stopped,
        generator: new FrameGenerator(rng.fork(), { allowRequest: (method, data) => method !== 'hello' || (data as { role: string }).role !== 'kiosk' }),
        connect: () => FuzzSocket.open(server.wsUrl),
        refine: (frame: FuzzFrame): FuzzFrame =>
          frame.request && frame.expect.kind === 'reply'
            ? { ...frame, expect: { ...frame.expect, mayBeOk: false, codes: frame.request.method === 'hello' ? ['unauthenticated'] : ['not-allowed'] } }
            : frame,
        plan: [
          ['not-json', 600],
          ['bad-envelope', 600],
          ['unknown-method', 400],
          ['binary', 300],
          ['empty', 150],
          ['wrong-type', 700],
          ['missing-key', 200],
          ['extra-key', 200],
          ['prototype-key', 300],
          ['number-edge', 300],
          ['unicode-edge', 300],
          ['deep-nesting', 60],
          ['huge-string', 60],
          ['out-of-order', 500],
          ['replayed', 200],
          ['oversized-frame', 8],
          ['invalid-utf8', 8],
        ],
      };
    })();

    // A kiosk that said hello (with a name hard on text handling) and opened a draft. It
    // starts with the systematic pass: every field of every method, each set wrong 3 ways.
    const kiosk: LaneSpec = (() => {
      const rng = rootRng.fork();
      const names = kioskNames(rng);
      const generator = new FrameGenerator(rng.fork());
      return {
        name: 'kiosk',
        rng,
        window: 16,
        stopped,
        generator,
        prelude: generator.everyFieldWrong(3),
        connect: async () => {
          const socket = await FuzzSocket.open(server.wsUrl);
          await socket.must('hello', { role: 'kiosk', name: rng.pick(names), location: rng.pick(names) });
          if (rng.chance(0.7)) await socket.must('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
          return socket;
        },
        plan: [
          ['wrong-type', 900],
          ['missing-key', 200],
          ['extra-key', 200],
          ['prototype-key', 200],
          ['number-edge', 200],
          ['unicode-edge', 300],
          ['deep-nesting', 80],
          ['huge-string', 80],
          ['out-of-order', 800],
          ['replayed', 300],
          ['unknown-id', 300],
          ['not-json', 150],
          ['binary', 100],
          ['oversized-frame', 4],
          ['invalid-utf8', 4],
        ],
      };
    })();

    // A signed-in teller: accepts of unknown, draft and ended sessions; everything else out of order.
    const teller: LaneSpec = (() => {
      const rng = rootRng.fork();
      const known: KnownIds = { ...emptyKnownIds(), session: [context.draftId, context.endedId] };
      return {
        name: 'teller',
        rng,
        window: 16,
        stopped,
        known,
        generator: new FrameGenerator(rng.fork(), { known }),
        connect: async () => {
          const socket = await FuzzSocket.open(server.wsUrl, cookies.teller1);
          await socket.must('hello', { role: 'teller' });
          return socket;
        },
        plan: [
          ['wrong-type', 900],
          ['missing-key', 150],
          ['extra-key', 150],
          ['prototype-key', 200],
          ['number-edge', 200],
          ['unicode-edge', 200],
          ['deep-nesting', 80],
          ['huge-string', 80],
          ['out-of-order', 600],
          ['replayed', 200],
          ['unknown-id', 400],
          ['unknown-method', 200],
          ['empty', 50],
        ],
      };
    })();

    // Both parties of live calls: only well-formed requests (a bad frame too many would cut
    // the call), with real transport and consumer ids mixed in; nothing that ends the call.
    const callLane = (side: 'kiosk' | 'teller', n: number): LaneSpec => {
      const rng = rootRng.fork();
      const known = emptyKnownIds();
      let quiet: FuzzSocket | null = null;
      const enders: Method[] = ['session.hangup', 'session.complete'];
      return {
        name: `call-${side}`,
        rng,
        window: 8,
        stopped,
        known,
        generator: new FrameGenerator(rng.fork(), {
          known,
          wellFormedOnly: true,
          allowRequest: (method, data) => !enders.includes(method) && !(method === 'identity.record' && (data as { verified: boolean }).verified === false),
        }),
        connect: async () => {
          await quiet?.close();
          for (const list of Object.values(known)) list.length = 0;
          const kioskSocket = await FuzzSocket.open(server.wsUrl);
          await kioskSocket.must('hello', { role: 'kiosk', name: `VTM-FUZZ-CALL-${n}` });
          const opened = await kioskSocket.must<OpenedSession>('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
          const { sessionId } = opened;
          await kioskSocket.must('consent.record', { accepted: true, consentVersion: 'fuzz' });
          await kioskSocket.must('customer.identify', await identifyRequestFor(server.url, opened, residentCard('fuzz-call', n)));
          await kioskSocket.must('session.queue', {});
          const tellerSocket = await FuzzSocket.open(server.wsUrl, cookies.teller2);
          await tellerSocket.must('hello', { role: 'teller' });
          await tellerSocket.must('session.accept', { sessionId, rtpCapabilities: {} });
          known.session.push(sessionId);
          const [fuzzed, other] = side === 'kiosk' ? [kioskSocket, tellerSocket] : [tellerSocket, kioskSocket];
          quiet = other;
          fuzzed.onNotification = (note) => {
            const consumerId = (note.data as { consumerId?: unknown }).consumerId;
            if (note.notification === 'consumer.new' && typeof consumerId === 'string') known.consumer.push(consumerId);
            if (note.notification === 'session.ended') report.failures.push(`[call-${side}] the call ended during fuzzing: ${JSON.stringify(note.data)}`);
          };
          return fuzzed;
        },
        finish: async () => {
          await quiet?.close();
        },
        plan: [
          ['out-of-order', 450],
          ['unknown-id', 300],
          ['replayed', 100],
          ['deep-nesting', 40],
        ],
      };
    };

    const lanes = [anonymous, kiosk, teller, callLane('kiosk', 1), callLane('teller', 2)];
    const results = await Promise.allSettled(lanes.map((lane) => runLane(lane, report).catch((error: unknown) => ((failedHard = true), Promise.reject(error)))));
    const polls = await health.stop();
    const memory = rss.stop();
    rssPeaks.push(memory.peak);
    const seconds = (Date.now() - started) / 1000;
    printReport(report, `signaling fuzz (seed ${SEED}, ${seconds.toFixed(1)} s)`);
    console.log(`server RSS during signaling fuzz: start ${rssAtStart.toFixed(1)} MiB, peak ${memory.peak.toFixed(1)} MiB, end ${memory.last.toFixed(1)} MiB (${memory.count} samples); ${polls} health polls`);

    for (const result of results) if (result.status === 'rejected') throw result.reason;
    expect(report.failures.slice(0, 30)).toEqual([]);
    expect(report.failures).toHaveLength(0);
    const total = [...report.byCategory.values()].reduce((sum, t) => sum + t.sent, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    for (const category of CATEGORIES) expect(report.byCategory.get(category)?.sent ?? 0, category).toBeGreaterThan(0);
    // Every bad frame was answered or refused: nothing sent went unaccounted.
    for (const [category, t] of report.byCategory) expect(t.errors + t.ok + t.refusedByClose, category).toBe(t.sent);
    expect(health.problems).toEqual([]);
    expect(polls).toBeGreaterThan(0);
    expect((await server.health()).ok).toBe(true);
    // The waiting customer's connection was never disturbed.
    expect(baseline.kiosk.open).toBe(true);
    expect(baseline.kiosk.notifications.filter((n) => n.notification === 'session.ended')).toEqual([]);
    expect(baseline.kiosk.anomalies).toEqual([]);
  });

  it('answers a flood of pipelined 60 KiB frames in order, without its memory following the flood', async () => {
    const sockets = await Promise.all(Array.from({ length: 4 }, () => FuzzSocket.open(server.wsUrl)));
    const perSocket = 400;
    const rss = sampleRss(server.process.pid, 100);
    const started = Date.now();
    // Well-formed (so they do not count as bad frames) but refused: nothing before hello.
    const outcomes = await Promise.all(
      sockets.flatMap((socket) =>
        Array.from({ length: perSocket }, (_, i) => {
          const frame = JSON.stringify({ id: i, method: 'session.hangup', data: {} });
          return socket.send(frame + ' '.repeat(60 * 1024 - frame.length)).then((outcome) => ({ i, outcome }));
        }),
      ),
    );
    const memory = rss.stop();
    rssPeaks.push(memory.peak);
    const megabytes = (sockets.length * perSocket * 60) / 1024;
    console.log(`flood: ${outcomes.length} frames (${megabytes.toFixed(0)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s; server RSS peak ${memory.peak.toFixed(1)} MiB (start ${rssAtStart.toFixed(1)})`);
    for (const { i, outcome } of outcomes) expect(outcome).toMatchObject({ kind: 'reply', reply: { id: i, ok: false, error: { code: 'not-allowed' } } });
    expect(memory.peak - rssAtStart).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    await Promise.all(sockets.map((socket) => socket.close()));

    // No compression is negotiated, so no frame can inflate past the size limit.
    const compressed = new WebSocket(server.wsUrl, { perMessageDeflate: true });
    await new Promise((resolve, reject) => compressed.once('open', resolve).once('error', reject));
    expect(compressed.extensions).toBe('');
    compressed.close();
  });

  it('answers malformed HTTP requests with a 4xx and an ApiError body, never a 500 or a stack trace', async () => {
    const rng = rootRng.fork();
    let routes: RouteTemplate[] = KNOWN_ROUTES;
    const openapi = await fetch(`${server.url}/api/openapi.json`);
    if (openapi.ok) {
      // The server's own list of routes, when it publishes one: every route it has is fuzzed.
      const document = (await openapi.json()) as { paths?: Record<string, Record<string, unknown>> };
      const published = Object.entries(document.paths ?? {}).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => ({ method: m.toUpperCase(), path })),
      );
      routes = [...published, ...KNOWN_ROUTES.filter((k) => !published.some((p) => p.method === k.method && p.path === k.path))];
    }
    const cases = httpCases(rng, routes, { uploadKinds: KioskUploadKind.options, uploadLimitBytes: MAX_UPLOAD_BYTES });
    const who = [undefined, cookies.teller1, cookies.compliance1, cookies.admin1];
    const failures: string[] = [];
    const counts = new Map<string, { sent: number; statuses: Record<number, number> }>();
    const rss = sampleRss(server.process.pid);
    const started = Date.now();

    const check = (c: HttpCase, status: number, contentType: string, body: string): string | null => {
      if (body.includes('\n    at ') || /\bat \S+ \(\/.*:\d+:\d+\)/.test(body) || body.includes(repoRoot) || body.includes('node_modules')) return `stack trace or path in the body: ${body.slice(0, 200)}`;
      if (c.status !== undefined && status !== c.status) return `status ${status}, expected ${c.status}: ${body.slice(0, 200)}`;
      if (status < 400 || status > 499) return `status ${status}: ${body.slice(0, 200)}`;
      if (!contentType.startsWith('application/json')) return `content-type ${contentType}: ${body.slice(0, 120)}`;
      try {
        const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
        if (typeof parsed.error?.code !== 'string' || typeof parsed.error?.message !== 'string') return `not an ApiError: ${body.slice(0, 200)}`;
      } catch {
        return `not JSON: ${body.slice(0, 200)}`;
      }
      return null;
    };

    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const cookie = c.category === 'huge-header' ? undefined : rng.pick(who);
        // Signed-in writes need the anti-forgery header; most carry it, so the route itself is reached.
        const csrf = cookie !== undefined && rng.chance(0.8);
        const tally = counts.get(c.category) ?? { sent: 0, statuses: {} };
        counts.set(c.category, tally);
        tally.sent++;
        try {
          const answer = await sendHttp(server.url, csrf ? { ...c, headers: { ...c.headers, ...CSRF_WRITE_HEADERS } } : c, cookie);
          tally.statuses[answer.status] = (tally.statuses[answer.status] ?? 0) + 1;
          const problem = check(c, answer.status, answer.contentType, answer.body);
          if (problem) failures.push(`${c.category} ${c.method} ${c.path.slice(0, 120)} (${cookie?.slice(0, 12) ?? 'no cookie'}): ${problem}`);
        } catch (error) {
          failures.push(`${c.category} ${c.method} ${c.path.slice(0, 120)}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    // Requests Node's own parser refuses: a 4xx with a JSON error (or the connection closed;
    // WebSocket handshakes are refused by ws in its own words), and the server stays up.
    for (const raw of RAW_PROTOCOL_CASES) {
      const answer = await sendRaw(server.url, raw.bytes);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      if (status !== 0 && !raw.name.startsWith('WebSocket') && !answer.includes('{"error":{"code":')) failures.push(`raw ${raw.name}: no JSON error: ${answer.slice(0, 200)}`);
      const tally = counts.get('raw-protocol') ?? { sent: 0, statuses: {} };
      counts.set('raw-protocol', tally);
      tally.sent++;
      tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
      if (status !== 0 && (status < 400 || status > 499)) failures.push(`raw ${raw.name}: ${answer.slice(0, 200)}`);
      if (/\n\s+at /.test(answer)) failures.push(`raw ${raw.name}: stack trace ${answer.slice(0, 200)}`);
    }
    const memory = rss.stop();
    rssPeaks.push(memory.peak);
    const total = [...counts.values()].reduce((sum, t) => sum + t.sent, 0);
    console.log(
      `HTTP fuzz: ${total} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; server RSS peak ${memory.peak.toFixed(1)} MiB\n` +
        [...counts.entries()].map(([category, t]) => `  ${category.padEnd(20)} ${String(t.sent).padStart(5)}  statuses ${JSON.stringify(t.statuses)}`).join('\n'),
    );
    expect(failures.slice(0, 30)).toEqual([]);
    expect(total).toBeGreaterThan(500);
    expect((await server.health()).ok).toBe(true);
  });

  it('enforces the limits: frame size, JSON body, upload size of every kind, transports per party, anonymous sockets per address, header size', async () => {
    // WebSocket: a frame of exactly 64 KiB is read and answered; one byte more closes the connection with 1009.
    const socket = await FuzzSocket.open(server.wsUrl);
    const { credential } = await enrolledKiosk(server.url, 'VTM-FUZZ-LIMITS');
    const base = JSON.stringify({ id: 1, method: 'hello', data: { role: 'kiosk', credential } });
    const atLimit = base + ' '.repeat(MAX_SIGNALING_FRAME_BYTES - Buffer.byteLength(base));
    expect(await socket.send(atLimit)).toMatchObject({ kind: 'reply', reply: { id: 1, ok: true } });
    expect(await socket.send(`${atLimit} `)).toMatchObject({ kind: 'closed', code: 1009 });

    // JSON bodies: 256 KiB is read (then refused for what it says), one byte more is 413.
    const body = (size: number) => {
      const head = '{"username":"teller1","password":"';
      return head + 'x'.repeat(size - head.length - 2) + '"}';
    };
    const post = (payload: string) => fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    const justUnder = await post(body(MAX_JSON_BODY_BYTES));
    expect(justUnder.status).toBe(400);
    expect(((await justUnder.json()) as { error: { code: string } }).error.code).toBe('invalid-data');
    const justOver = await post(body(MAX_JSON_BODY_BYTES + 1));
    expect(justOver.status).toBe(413);

    // Uploads: 4 MiB is stored, 4 MiB + 1 is refused with 413, for every kind of upload.
    const upload = (kind: string, bytes: Buffer, contentType = 'image/png') =>
      fetch(`${server.url}/api/sessions/${context.draftId}/kiosk-uploads/${kind}`, {
        method: 'POST',
        headers: { 'content-type': contentType, [KIOSK_UPLOAD_TOKEN_HEADER]: context.uploadToken },
        body: new Uint8Array(bytes),
      });
    const fullSize = Buffer.concat([PNG, Buffer.alloc(MAX_UPLOAD_BYTES - PNG.length, 0x20)]);
    expect((await upload('id-back', fullSize)).status).toBe(201);
    for (const kind of KioskUploadKind.options) {
      const over = await upload(kind, Buffer.concat([fullSize, Buffer.from([0x20])]));
      expect(over.status, kind).toBe(413);
      expect(await over.json()).toMatchObject({ error: { code: 'entity.too.large' } });
    }
    const still = await fetch(`${server.url}/api/sessions/${context.draftId}/stills`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', cookie: cookies.teller1, ...CSRF_WRITE_HEADERS },
      body: Buffer.concat([fullSize, Buffer.from([0x20])]),
    });
    expect(still.status).toBe(413);

    // A party in a call holds at most 4 transports (each takes ports from the RTC range).
    const callKiosk = await FuzzSocket.open(server.wsUrl);
    await callKiosk.must('hello', { role: 'kiosk', name: 'VTM-FUZZ-LIMITS' });
    const call = await callKiosk.must<OpenedSession>('session.create', { language: 'en', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
    await callKiosk.must('consent.record', { accepted: true, consentVersion: 'fuzz' });
    await callKiosk.must('customer.identify', await identifyRequestFor(server.url, call, residentCard('fuzz-limits')));
    await callKiosk.must('session.queue', {});
    const callTeller = await FuzzSocket.open(server.wsUrl, cookies.teller2);
    await callTeller.must('hello', { role: 'teller' });
    await callTeller.must('session.accept', { sessionId: call.sessionId, rtpCapabilities: {} });
    const transports = await Promise.all(Array.from({ length: 12 }, (_, i) => callKiosk.request('transport.create', { direction: i % 2 ? 'send' : 'recv' })));
    const granted = transports.filter((t) => t.kind === 'reply' && t.reply.ok).length;
    expect(granted).toBe(4);
    for (const t of transports.filter((t) => t.kind === 'reply' && !t.reply.ok)) expect(t).toMatchObject({ reply: { error: { code: 'not-allowed' } } });
    expect((await mediaStats(server.url)).routers.find((r) => r.transports > 0)?.transports).toBe(4);
    await callKiosk.must('session.hangup', {});
    await callKiosk.close();
    await callTeller.close();

    // Connections no signed-in user opened: at most 32 from one address; a signed-in teller still gets in.
    const anonymous: FuzzSocket[] = [];
    let refusal: Error | null = null;
    for (let i = 0; i < 40 && !refusal; i++) {
      try {
        anonymous.push(await FuzzSocket.open(server.wsUrl));
      } catch (error) {
        refusal = error as Error;
      }
    }
    expect(refusal?.message).toMatch(/HTTP 429/);
    expect(anonymous.length).toBeLessThanOrEqual(32);
    const signedIn = await FuzzSocket.open(server.wsUrl, cookies.teller1);
    expect(await signedIn.must('hello', { role: 'teller' })).toHaveProperty('peerId');
    await signedIn.close();
    await anonymous.pop()!.close();
    await sleep(200);
    const again = await FuzzSocket.open(server.wsUrl);
    await again.close();
    await Promise.all(anonymous.map((socket) => socket.close()));

    // Headers: Node's 16 KiB limit; just under it is served, over it is 431 with a JSON error.
    const header = (size: number) => sendHttp(server.url, { category: 'huge-header', method: 'GET', path: '/healthz', headers: { 'x-padding': 'a'.repeat(size) } });
    expect((await header(15 * 1024)).status).toBe(200);
    const tooLarge = await header(17 * 1024);
    expect(tooLarge.status).toBe(431);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: { code: 'headers-too-large' } });
    expect((await server.health()).ok).toBe(true);
  });

  it('afterwards: memory bounded, the waiting session untouched, the normal flow working, the audit trail intact', async () => {
    // The sessions the teller lane aimed its accepts and rejoins at are as they were: the
    // draft changed only by the upload the limits test made, the ended one not at all.
    const draftAfter = await sessionDetail(server.url, context.draftId);
    expect(draftAfter).toMatchObject({ state: 'draft', tellerName: null, endedAt: null });
    expect(draftAfter.events.map((e) => e.type)).toEqual([...context.draftBefore.events.map((e) => e.type), 'evidence.uploaded']);
    const endedAfter = await sessionDetail(server.url, context.endedId);
    const essentials = (d: SessionDetail) => ({ state: d.state, tellerName: d.tellerName, acceptedAt: d.acceptedAt, endedAt: d.endedAt, endReason: d.endReason, events: d.events, evidence: d.evidence });
    expect(essentials(endedAfter)).toEqual(essentials(context.endedBefore));

    // The fuzzing's own connections are closed; give the server a moment to settle and collect.
    await context.kiosk.close();
    await sleep(5000);
    const rssAfter = rssMiB(server.process.pid)!;
    const peak = Math.max(...rssPeaks, rssAfter);
    console.log(`server RSS: start ${rssAtStart.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB, after a 5 s pause ${rssAfter.toFixed(1)} MiB (growth ${(rssAfter - rssAtStart).toFixed(1)} MiB)`);
    expect(rssAfter - rssAtStart).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    const workerAfter = rssMiB(worker.pid);
    console.log(`mediasoup worker RSS: start ${worker.rssAtStart.toFixed(1)} MiB, after ${workerAfter?.toFixed(1)} MiB`);
    expect(workerAfter! - worker.rssAtStart).toBeLessThan(RSS_GROWTH_LIMIT_MIB);

    // No call is left holding media: every router of the fuzzed calls was released.
    const deadline = Date.now() + 15_000;
    while ((await mediaStats(server.url)).routers.length > 0 && Date.now() < deadline) await sleep(250);
    expect((await mediaStats(server.url)).routers).toEqual([]);

    // The baseline customer is still waiting, their session exactly as before.
    const after = await sessionDetail(server.url, baseline.sessionId);
    expect(after).toEqual(baseline.before);
    expect(baseline.kiosk.open).toBe(true);

    // A new customer can still start and queue; a teller sees both in the queue.
    const kiosk = await FuzzSocket.open(server.wsUrl);
    await kiosk.must('hello', { role: 'kiosk', name: 'VTM-FUZZ-AFTER' });
    const opened = await kiosk.must<OpenedSession>('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} });
    const { sessionId } = opened;
    await kiosk.must('consent.record', { accepted: true, consentVersion: 'fuzz' });
    await kiosk.must('customer.identify', await identifyRequestFor(server.url, opened, residentCard('fuzz-after')));
    const { position } = await kiosk.must<{ position: number }>('session.queue', {});
    const teller = await FuzzSocket.open(server.wsUrl, cookies.teller1);
    await teller.must('hello', { role: 'teller' });
    const queue = teller.notifications.filter((n) => n.notification === 'queue.updated').at(-1)?.data as { entries: Array<{ sessionId: string; kioskName: string }> };
    // First the customer who waited all along, last the new one; between them only fuzzing
    // kiosks whose connection the server cut (a cut connection may rejoin for a while).
    expect(queue.entries[0]?.sessionId).toBe(baseline.sessionId);
    expect(queue.entries.at(-1)?.sessionId).toBe(sessionId);
    expect(queue.entries).toHaveLength(position);
    for (const entry of queue.entries.slice(1, -1)) expect(entry.kioskName).toMatch(/^FZ /);

    // And the tamper-evident trail still verifies, entries and files.
    const verify = await fetch(`${server.url}/api/audit/verify`, { method: 'POST', headers: { cookie: cookies.compliance1, ...CSRF_WRITE_HEADERS } });
    expect(verify.status).toBe(200);
    const report = (await verify.json()) as AuditVerificationReport;
    expect(report).toMatchObject({ ok: true, brokenFiles: [] });
    expect(report.firstBrokenEntry).toBeUndefined();
    console.log(`audit trail verified: ${report.entries} entries, ${report.files} files`);

    for (const socket of [kiosk, teller, baseline.kiosk]) await socket.close();
    expect((await server.health()).ok).toBe(true);

    // Nothing the fuzzing sent made the server log an error (a handler that threw, a failed request).
    const errors = fs
      .readFileSync(path.join(logDir, 'server.log'), 'utf8')
      .split('\n')
      .filter((line) => /^\{"level":(50|60)/.test(line))
      .map((line) => line.slice(0, 400));
    expect(errors).toEqual([]);
  });
});
