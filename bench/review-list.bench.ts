/**
 * The compliance reviewer's session list (GET /api/review/sessions) as the database
 * grows: the same four requests on 100, 1,000, 10,000 and 50,000 sessions, through
 * ReviewService on the real SQLite file and over HTTP through the real server (started as
 * the e2e tests start it, on the same data folder). Each size is compared with the
 * smallest in the same run: a ratio near 1 means the request does not grow with the years
 * of sessions. Prints medians and ratios, the query plans SQLite chose at the largest
 * size, and writes JSON under bench/results/.
 *
 *   npm run bench -- review-list
 *   REVIEW_SIZES=100,1000,10000,50000,200000 npm run bench -- review-list   (sizes; the first is the baseline)
 *   REVIEW_RUNS=30 npm run bench -- review-list                            (timed runs per request and size; default 15)
 *   REVIEW_HTTP=0 npm run bench -- review-list                             (service only, no server)
 *
 * The requests: the first page in the default order (newest first), a filtered one (a
 * teller's failed sessions in a 30-day range), the last page in the default order, and
 * the count of all listable sessions (the statement the list runs for `total`, alone).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CUSTOMER_RISK_LEVELS, ReviewListQuery, type ReviewList } from '@vtm/shared';
import { AuditLog } from '../sfu/src/audit/audit-log.ts';
import { ReviewService } from '../sfu/src/review/review.service.ts';
import { seedSession, type SeededSession } from '../sfu/src/review/review-seed.ts';
import { openSqliteDatabase } from '../sfu/src/storage/database.ts';
import { DataKeyring, formatDataKey } from '../sfu/src/storage/encryption/data-keys.ts';
import type { Repositories } from '../sfu/src/storage/repositories.ts';
import { createSqliteRepositories } from '../sfu/src/storage/sqlite/index.ts';
import { signIn } from '../e2e/support/api.ts';
import { artifactDir, repoRoot } from '../e2e/support/artifacts.ts';
import { startServer, type TestServer } from '../e2e/support/server.ts';
import { captureStatements, explainQueryPlan, type CapturedStatement } from './sql-capture.ts';
import { benchCommand, positiveInteger } from './command-line.ts';
import { resultHeader, ratio, roundMs, summarise } from './stats.ts';

const COMMAND = benchCommand('review-list', ['REVIEW_SIZES', 'REVIEW_RUNS', 'REVIEW_HTTP']);
const SIZES = (process.env['REVIEW_SIZES'] ?? '100,1000,10000,50000').split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || SIZES.some((n, i) => i > 0 && n <= SIZES[i - 1]!)) {
  throw new Error(`REVIEW_SIZES must be increasing positive integers, got ${process.env['REVIEW_SIZES']}`);
}
const RUNS = positiveInteger('REVIEW_RUNS', 15);
const WARM_UP_RUNS = 3;
const OVER_HTTP = process.env['REVIEW_HTTP'] !== '0';

/** The newest session; older ones follow every half hour (50,000 sessions ≈ 2.9 years). */
const NEWEST_MS = Date.parse('2026-10-31T23:30:00.000Z');
const SPACING_MS = 30 * 60_000;
// Prime counts, so that teller, kiosk, level, quality and decisions do not line up with one another.
const TELLERS = 17;
const KIOSKS = 11;
const PRODUCTS = ['WM-R1-90D', 'WM-R2-180D', 'WM-R3-365D', 'WM-R4-730D', 'WM-R1-DAILY'];

/** Session number i (0 the newest), as the list sees a branch's ended sessions. */
function sessionSpec(i: number): SeededSession {
  const createdAt = new Date(NEWEST_MS - i * SPACING_MS).toISOString();
  const sold = i % 13 !== 5;
  return {
    createdAt,
    teller: `teller${String((i % TELLERS) + 1).padStart(2, '0')}`,
    kiosk: `VTM-${String((i % KIOSKS) + 1).padStart(2, '0')}`,
    riskLevel: CUSTOMER_RISK_LEVELS[i % CUSTOMER_RISK_LEVELS.length]!,
    ...(sold ? { product: PRODUCTS[i % PRODUCTS.length]!, outcome: 'completed' } : { outcome: 'declined-by-customer' }),
    ...(i % 19 === 7 ? {} : { customer: { name: '欧阳明华', documentNumber: `1101051949123${String(i % 100_000).padStart(5, '0')}` } }),
    quality: i % 10 === 3 ? 'failed' : 'passed',
    ...(i % 10 === 3 ? { failedChecks: ['recording-coverage'] } : {}),
    decisions: i % 3 === 0 ? ['approved'] : i % 7 === 0 ? ['follow-up', 'approved'] : [],
  };
}

type RequestName = 'firstPage' | 'filtered' | 'lastPage';
const FILTERED = { teller: 'teller05', from: '2026-10-02', to: '2026-10-31', quality: 'failed' };

/** The query string of each request; the last page depends on how many sessions there are. */
function queryStrings(total: number): Record<RequestName, string> {
  return {
    firstPage: '',
    filtered: new URLSearchParams(FILTERED).toString(),
    lastPage: new URLSearchParams({ page: String(Math.max(1, Math.ceil(total / 25))) }).toString(),
  };
}

const dir = artifactDir('bench-review-list');
const dataDir = path.join(dir, 'data');
const databaseFile = path.join(dataDir, 'vtm.sqlite');
// One key for the server and the bench: customer identities are sealed in the database with it.
const dataKey = { id: 'bench', key: randomBytes(32) };
const keys = new DataKeyring([dataKey], dataKey.id);
let server: TestServer | null = null;
if (OVER_HTTP) {
  // The server creates the database and its users; the bench then writes sessions into the same file (WAL: both may).
  const starting = performance.now();
  server = await startServer(dir, { LOG_LEVEL: 'warn', DATA_KEYS: formatDataKey(dataKey.id, dataKey.key), DATA_KEY_ID: dataKey.id });
  process.stdout.write(`server started in ${Math.round(performance.now() - starting)} ms at ${server.url}\n`);
  // Whatever fails below, the server does not outlive the bench.
  process.once('exit', () => server?.process.kill());
}
const repos: Repositories = createSqliteRepositories(databaseFile, { dataKeys: keys });
const review = new ReviewService({ repos, audit: new AuditLog({ repo: repos.audit, dataDir }) });
// A second connection, as the server has its own: the count statement is replayed and the plans explained on it.
const reading = openSqliteDatabase(databaseFile);
const cookie = server ? await signIn(server.url, 'compliance1') : '';

async function overService(query: string): Promise<ReviewList> {
  return review.list(ReviewListQuery.parse(Object.fromEntries(new URLSearchParams(query))));
}

async function overHttp(query: string): Promise<ReviewList> {
  const response = await fetch(`${server!.url}/api/review/sessions${query ? `?${query}` : ''}`, { headers: { cookie } });
  if (!response.ok) throw new Error(`GET /api/review/sessions?${query}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as ReviewList;
}

/**
 * Seeding never gives the event loop an I/O turn (better-sqlite3 is synchronous), so the
 * client has not yet seen the server close the idle keep-alive connection: let it, and
 * retry the first request once should it still pick the closed one.
 */
async function reconnect(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  await overHttp('').catch(() => overHttp(''));
}

/** The statements the list runs for one request, as it runs them. */
async function statementsOf(query: string): Promise<{ count: CapturedStatement; page: CapturedStatement }> {
  const { statements } = await captureStatements(() => overService(query));
  const count = statements.find((s) => /^SELECT COUNT\(\*\)/.test(s.sql));
  const page = statements.find((s) => s !== count);
  if (!count || !page || statements.length !== 2) throw new Error(`expected a count and a page statement, captured: ${statements.map((s) => s.sql.slice(0, 40)).join(' | ')}`);
  return { count, page };
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  const at = performance.now();
  await run();
  return performance.now() - at;
}

interface SizeResult {
  sessions: number;
  seedMs: number;
  databaseBytes: number;
  totalListed: number;
  /** Request → layer → milliseconds. */
  ms: Record<string, Record<string, ReturnType<typeof summarise>>>;
}

const sizes: SizeResult[] = [];
let seeded = 0;
const plans: Record<string, { count: string[]; page: string[] }> = {};
try {
  for (const size of SIZES) {
    const seeding = performance.now();
    // Sizes grow one database: each adds older sessions to the ones already there.
    for (; seeded < size; seeded++) await seedSession(repos, sessionSpec(seeded));
    const seedMs = Math.round(performance.now() - seeding);
    if (server) await reconnect();
    reading.pragma('wal_checkpoint(TRUNCATE)');
    const databaseBytes = fs.statSync(databaseFile).size;
    const { total } = await overService('');
    if (total !== size) throw new Error(`the list counts ${total} sessions, ${size} were seeded`);
    const queries = queryStrings(total);
    const count = (await statementsOf('')).count;
    const samples: Record<string, Record<string, number[]>> = {};
    const add = (request: string, layer: string, ms: number) => ((samples[request] ??= {})[layer] ??= []).push(ms);
    for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
      const measured = run >= WARM_UP_RUNS;
      for (const [request, query] of Object.entries(queries)) {
        const serviceMs = await time(() => overService(query));
        if (measured) add(request, 'service', serviceMs);
        if (server) {
          const httpMs = await time(() => overHttp(query));
          if (measured) add(request, 'http', httpMs);
        }
      }
      const countMs = await time(() => reading.prepare(count.sql).pluck().get(...count.params));
      if (measured) add('count', 'query', countMs);
    }
    if (server) {
      // The server answers what the service answers (same file, same code).
      const [viaService, viaHttp] = [await overService(queries.lastPage), await overHttp(queries.lastPage)];
      if (viaHttp.total !== viaService.total || viaHttp.items.length !== viaService.items.length) throw new Error('the server and the service disagree');
    }
    const ms = Object.fromEntries(
      Object.entries(samples).map(([request, layers]) => [request, Object.fromEntries(Object.entries(layers).map(([layer, values]) => [layer, roundAll(summarise(values))]))]),
    );
    sizes.push({ sessions: size, seedMs, databaseBytes, totalListed: total, ms });
    const line = Object.entries(ms)
      .map(([request, layers]) => `${request} ${Object.entries(layers).map(([layer, s]) => `${layer} ${s.median}`).join('/')}`)
      .join(', ');
    process.stdout.write(`${size} sessions (seeded in ${seedMs} ms, ${(databaseBytes / 1024 / 1024).toFixed(1)} MiB): median ms ${line}\n`);
  }
  // The plans at the largest size, where a missing index would show.
  const last = sizes.at(-1)!;
  const queries = queryStrings(last.totalListed);
  for (const [request, query] of Object.entries(queries)) {
    const statements = await statementsOf(query);
    plans[request] = { count: explainQueryPlan(reading, statements.count), page: explainQueryPlan(reading, statements.page) };
  }
} finally {
  reading.close();
  await repos.close();
  await server?.stop();
}

function roundAll(s: ReturnType<typeof summarise>): ReturnType<typeof summarise> {
  return { n: s.n, median: roundMs(s.median), p95: roundMs(s.p95), min: roundMs(s.min), max: roundMs(s.max) };
}

const baseline = sizes[0]!;
/** Per size, per request and layer: median ÷ the same median at the baseline size. */
const ratios = sizes.map((size) => ({
  sessions: size.sessions,
  ratio: Object.fromEntries(
    Object.entries(size.ms).map(([request, layers]) => [
      request,
      Object.fromEntries(Object.entries(layers).map(([layer, s]) => [layer, ratio(s.median, baseline.ms[request]![layer]!.median)])),
    ]),
  ),
}));

const result = {
  ...resultHeader('review-list', 'GET /api/review/sessions on growing databases: ReviewService on the real SQLite file and HTTP through the real server; ratios against the smallest size, same run', COMMAND),
  sizes: SIZES,
  baselineSessions: baseline.sessions,
  runsPerRequest: RUNS,
  overHttp: OVER_HTTP,
  requests: { ...queryStrings(sizes.at(-1)!.totalListed), count: 'SELECT COUNT(*) of the first page request, alone' },
  notes: [
    'sessions every 30 minutes back from 2026-10-31; 17 tellers, 11 kiosks, 10% failed quality, about half decided; every size adds older sessions to the same database',
    'service: ReviewService.list (query + masking) on its own connection; http: fetch through the real server, JSON parsed; query: the count statement replayed on a raw connection',
    'filtered: one teller, failed quality, a 30-day range at the newest end (at most 1,440 sessions in range whatever the size)',
  ],
  results: sizes,
  ratios,
  queryPlansAtLargestSize: plans,
};
const out = path.join(repoRoot, 'bench', 'results', `review-list-${result.at.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
// The sessions are only data for this run; the server's log stays beside it for inspection.
fs.rmSync(dataDir, { recursive: true, force: true });

const lines: string[] = ['', `review list: median ms (× the same request's median at ${baseline.sessions} sessions), ${RUNS} runs each, ${os.cpus().length} CPUs`];
const CELL = 18;
lines.push(['sessions'.padEnd(20), ...sizes.map((size) => String(size.sessions).padStart(CELL))].join(''));
for (const [request, layers] of Object.entries(baseline.ms)) {
  for (const layer of Object.keys(layers)) {
    const cells = sizes.map((size) => {
      const median = size.ms[request]![layer]!.median;
      return `${median} (${ratio(median, baseline.ms[request]![layer]!.median)}×)`.padStart(CELL);
    });
    lines.push([`${request} ${layer}`.padEnd(20), ...cells].join(''));
  }
}
// Statements with the same plan (the first and last pages differ only in OFFSET) are shown once.
const byPlan = new Map<string, string[]>();
for (const [request, plan] of Object.entries(plans)) {
  for (const [statement, steps] of Object.entries(plan)) {
    const key = steps.join('\n');
    byPlan.set(key, [...(byPlan.get(key) ?? []), `${request} ${statement}`]);
  }
}
lines.push(`query plans at ${sizes.at(-1)!.sessions} sessions:`);
for (const [steps, statements] of byPlan) lines.push(`  ${statements.join(', ')}:`, ...steps.split('\n').map((step) => `    ${step}`));
lines.push(`command: ${COMMAND}`, `written to ${path.relative(repoRoot, out)}`);
process.stdout.write(`${lines.join('\n')}\n`);
