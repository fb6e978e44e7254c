/**
 * The compliance evidence export (review/export/evidence-export.service.ts) of a session
 * with a large recording, against the same export of a session with a small one (time)
 * and of one with a quarter of the large one's media (memory), in the same run: both passes (prepare: every stored file read, hashed, decrypted and checked,
 * the PDF report rendered, the export audited; open: the ZIP streamed, every file
 * decrypted and hashed again) on a real SQLite file and an encrypted data folder, as the
 * export route runs them. The ZIP is read to its end and dropped, as a fast client would.
 *
 * Prints the median time, MiB/s and peak memory growth of each and their ratios; writes JSON
 * under bench/results/. The export streams, so its memory should not follow the media's
 * size: the large session's growth near the medium one's, not four times it.
 *
 *   npm run bench -- export
 *   EXPORT_MB=300 EXPORT_RUNS=7 npm run bench -- export   (stored media of the large session in MiB, default 200; runs, default 5)
 *
 * The small session is the e2e fixture's (sealed segment, both parties' playable copies,
 * ID images, signature, receipt; storage/stored-session-fixture.ts, a few KiB); the large
 * one adds a second segment of EXPORT_MB (the medium one EXPORT_MB / 4): half the recording, a quarter each playable copy, random bytes (the export
 * checks hashes, not media), stored encrypted as the server stores them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { repoRoot } from '../e2e/support/artifacts.ts';
import { AuditLog } from '../sfu/src/audit/audit-log.ts';
import { auditPlayableCopy } from '../sfu/src/review/finalisation.service.ts';
import { auditSealedRecording } from '../sfu/src/recording/seal-recording.ts';
import { EvidenceExportService } from '../sfu/src/review/export/evidence-export.service.ts';
import { ReviewService } from '../sfu/src/review/review.service.ts';
import { DataKeyring } from '../sfu/src/storage/encryption/data-keys.ts';
import type { Repositories, UserRecord } from '../sfu/src/storage/repositories.ts';
import { createSqliteRepositories } from '../sfu/src/storage/sqlite/index.ts';
import { seedStoredSession } from '../sfu/src/storage/stored-session-fixture.ts';
import { encryptIntoStore, makePrivateTempDir, useDataKeys } from '../sfu/src/storage/stored-file.ts';
import { benchCommand, positiveInteger } from './command-line.ts';
import { resultHeader, MIB, mibPerSecond, ratio, roundMs, summarise } from './stats.ts';

const COMMAND = benchCommand('export', ['EXPORT_MB', 'EXPORT_RUNS']);
const LARGE_MIB = positiveInteger('EXPORT_MB', 200);
const RUNS = positiveInteger('EXPORT_RUNS', 5);
const REVIEWER: UserRecord = { id: 3, username: 'compliance1', displayName: 'Compliance', role: 'compliance', passwordHash: '', createdAt: '', disabledAt: null };
/** Memory is sampled this often while an export runs (the export yields to the event loop between chunks). */
const RSS_SAMPLE_MS = 5;

// A collection before each export, so that each starts from the same settled heap.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-bench-export-'));
const keys = new DataKeyring([{ id: 'bench', key: randomBytes(32) }], 'bench');
const releaseKeys = useDataKeys(dataDir, keys);
const repos: Repositories = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'), { dataKeys: keys });
const audit = new AuditLog({ repo: repos.audit, dataDir });
const review = new ReviewService({ repos, audit });
const exports = new EvidenceExportService({ repos, audit, detailFor: (id) => review.detailFor(id) });

/**
 * Stores `mib` MiB of random bytes as the server stores a sealed file: written to a
 * private plaintext file, then encrypted into the store (encryptIntoStore streams, as
 * sealing a recording does). Returns its path and its size and hash as stored.
 */
async function storeRandom(relative: string, mib: number): Promise<{ file: string; sizeBytes: number; sha256: string }> {
  const privateDir = await makePrivateTempDir(dataDir, 'bench-');
  const plaintext = path.join(privateDir, 'plain');
  try {
    const handle = fs.openSync(plaintext, 'w', 0o600);
    for (let i = 0; i < mib; i++) fs.writeSync(handle, randomBytes(MIB));
    fs.closeSync(handle);
    return { file: path.join(dataDir, relative), ...(await encryptIntoStore(dataDir, plaintext, relative)) };
  } finally {
    fs.rmSync(privateDir, { recursive: true, force: true });
  }
}

/** A second recorded segment of `mib` MiB, with both parties' playable copies, recorded and audited as the server does. */
async function addLargeSegment(sessionId: string, mib: number): Promise<void> {
  const at = (await repos.sessions.get(sessionId))!.createdAt;
  const recording = await storeRandom(`recordings/${sessionId}/segment-002.mkv`, Math.ceil(mib / 2));
  const recordingId = await repos.recordings.start({ sessionId, segment: 2, path: recording.file, startedAt: at });
  const sealed = { sizeBytes: recording.sizeBytes, durationMs: 3_600_000, streams: [], sha256: recording.sha256 };
  await repos.recordings.finish(recordingId, { state: 'sealed', endedAt: at, ...sealed });
  await auditSealedRecording(audit, { id: recordingId, sessionId, segment: 2, path: recording.file }, 'sealed', sealed);
  for (const party of ['kiosk', 'teller'] as const) {
    const stored = await storeRandom(`playback/${sessionId}/segment-002-${party}.webm`, Math.ceil(mib / 4));
    const media = {
      sessionId,
      recordingId,
      segment: 2,
      party,
      path: stored.file,
      mimeType: 'video/webm; codecs="vp8, opus"',
      startOffsetMs: 60_000,
      durationMs: 3_600_000,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      createdAt: new Date().toISOString(),
    };
    await auditPlayableCopy(audit, { ...media, id: await repos.review.addPlayableMedia(media) });
  }
}

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

interface ExportSample {
  prepareMs: number;
  streamMs: number;
  totalMs: number;
  zipBytes: number;
  /** Highest RSS seen during the export minus RSS just before it. */
  peakRssGrowthBytes: number;
  /**
   * The same for the memory the process holds (V8 heap in use + Buffers and other
   * external memory): steadier than RSS, which keeps what the allocator has not returned.
   */
  peakHeldGrowthBytes: number;
}

/** One export as the route runs it: prepare, then the ZIP streamed to its end. */
async function exportOnce(sessionId: string): Promise<ExportSample> {
  collectGarbage();
  const held = () => {
    const usage = process.memoryUsage();
    return { rss: usage.rss, held: usage.heapUsed + usage.external };
  };
  const before = held();
  const peak = { ...before };
  const sample = () => {
    const now = held();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.held = Math.max(peak.held, now.held);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  try {
    const started = performance.now();
    const prepared = await exports.prepare(sessionId, REVIEWER);
    const preparedAt = performance.now();
    const { stream, sizeBytes } = prepared.open();
    const zipBytes = await drain(stream);
    const finished = performance.now();
    sample();
    if (zipBytes !== sizeBytes) throw new Error(`the ZIP has ${zipBytes} bytes, ${sizeBytes} were announced`);
    return { prepareMs: preparedAt - started, streamMs: finished - preparedAt, totalMs: finished - started, zipBytes, peakRssGrowthBytes: peak.rss - before.rss, peakHeldGrowthBytes: peak.held - before.held };
  } finally {
    clearInterval(sampler);
  }
}

type SessionSize = 'small' | 'medium' | 'large';
const SESSION_SIZES: SessionSize[] = ['small', 'medium', 'large'];
const samples: Record<SessionSize, ExportSample[]> = { small: [], medium: [], large: [] };
const storedBytes: Record<SessionSize, number> = { small: 0, medium: 0, large: 0 };
try {
  const seeding = performance.now();
  const sessionIds = {} as Record<SessionSize, string>;
  for (const [i, size] of SESSION_SIZES.entries()) {
    sessionIds[size] = (await seedStoredSession(repos, audit, { endedAt: `2019-03-02T0${2 + i}:10:00.000Z`, decisions: ['approved'] })).sessionId;
  }
  // The medium session (a quarter of the large one's media) shows whether memory follows the media's size.
  await addLargeSegment(sessionIds.medium, Math.max(1, Math.round(LARGE_MIB / 4)));
  await addLargeSegment(sessionIds.large, LARGE_MIB);
  const filesUnder = (dir: string) => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((sum, e) => sum + (e.isFile() ? fs.statSync(path.join(e.parentPath, e.name)).size : 0), 0);
  for (const size of SESSION_SIZES) storedBytes[size] = ['recordings', 'playback', 'evidence'].reduce((sum, folder) => sum + filesUnder(path.join(dataDir, folder, sessionIds[size])), 0);
  process.stdout.write(
    `stored sessions of ${SESSION_SIZES.map((size) => `${(storedBytes[size] / MIB).toFixed(2)} MiB`).join(', ')} (encrypted) in ${Math.round(performance.now() - seeding)} ms\n`,
  );

  // Warm-up: the report's font and the code paths loaded once, outside the timings.
  await exportOnce(sessionIds.small);
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order, so that none always finds the caches as another left them.
    const order = SESSION_SIZES.map((_, i) => SESSION_SIZES[(i + run) % SESSION_SIZES.length]!);
    for (const size of order) samples[size].push(await exportOnce(sessionIds[size]));
    const shown = SESSION_SIZES.map((size) => {
      const last = samples[size].at(-1)!;
      return `${size} ${Math.round(last.totalMs)} ms (+${(last.peakRssGrowthBytes / MIB).toFixed(0)} MiB RSS, +${(last.peakHeldGrowthBytes / MIB).toFixed(0)} MiB held)`;
    });
    process.stdout.write(`run ${run + 1}/${RUNS}: ${shown.join(', ')}\n`);
  }
} finally {
  await repos.close();
  releaseKeys();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const MS = (values: number[]) => {
  const s = summarise(values);
  return { n: s.n, median: roundMs(s.median), p95: roundMs(s.p95), min: roundMs(s.min), max: roundMs(s.max) };
};
function summaryOf(list: ExportSample[]) {
  const totalMs = MS(list.map((s) => s.totalMs));
  const zipBytes = list[0]!.zipBytes;
  const growthMiB = (pick: (s: ExportSample) => number) => {
    const growth = summarise(list.map(pick));
    return { median: Math.round(growth.median / MIB), max: Math.round(growth.max / MIB) };
  };
  return {
    zipBytes,
    totalMs,
    prepareMs: MS(list.map((s) => s.prepareMs)),
    streamMs: MS(list.map((s) => s.streamMs)),
    zipMiBps: mibPerSecond(zipBytes, totalMs.median),
    peakRssGrowthMiB: growthMiB((s) => s.peakRssGrowthBytes),
    peakHeldGrowthMiB: growthMiB((s) => s.peakHeldGrowthBytes),
  };
}

const summaries = { small: summaryOf(samples.small), medium: summaryOf(samples.medium), large: summaryOf(samples.large) };
const { small, medium, large } = summaries;
/** What each further MiB of media costs, the fixed costs (report, audit, checks) taken out: (large − small) bytes over (large − small) time. */
const mediaMiBps = mibPerSecond(large.zipBytes - small.zipBytes, large.totalMs.median - small.totalMs.median);
const result = {
  ...resultHeader('export', 'evidence export (prepare + ZIP streamed to its end) of sessions with a large and a medium recording vs one with a small recording, encrypted data folder, real SQLite file, same run', COMMAND),
  largeMediaMiB: LARGE_MIB,
  runs: RUNS,
  storedBytes,
  notes: [
    'baseline: the small session (the e2e fixture: a few KiB of media); ratios are large ÷ small (time) and large ÷ medium (RSS growth: 1 when memory does not follow the media size)',
    'prepare: every stored file read, hashed as stored, decrypted and hashed, the PDF report rendered, the export audited; stream: the ZIP read to its end (files decrypted and hashed again)',
    'mediaMiBps: (large − small) ZIP bytes ÷ (large − small) median time: the export\'s throughput on media once its fixed costs are taken out',
    `peak RSS growth: highest RSS sampled every ${RSS_SAMPLE_MS} ms during the export minus RSS just before it (after a garbage collection); held: the same for V8 heap used + external memory (Buffers), which the allocator's retention does not blur`,
    'medium and large sessions: the e2e fixture plus a second segment of random bytes (half recording, a quarter each playable copy), stored encrypted',
  ],
  ...summaries,
  mediaMiBps,
  ratios: {
    totalMsLargeToSmall: ratio(large.totalMs.median, small.totalMs.median),
    zipBytesLargeToMedium: ratio(large.zipBytes, medium.zipBytes),
    peakRssGrowthLargeToMedium: medium.peakRssGrowthMiB.median > 0 ? ratio(large.peakRssGrowthMiB.median, medium.peakRssGrowthMiB.median) : null,
    peakHeldGrowthLargeToMedium: medium.peakHeldGrowthMiB.median > 0 ? ratio(large.peakHeldGrowthMiB.median, medium.peakHeldGrowthMiB.median) : null,
  },
  samples,
};
const out = path.join(repoRoot, 'bench', 'results', `export-${result.at.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const line = (name: SessionSize) => {
  const s = summaries[name];
  return (
    `${name.padEnd(6)} ZIP ${(s.zipBytes / MIB).toFixed(1).padStart(6)} MiB: median ${s.totalMs.median} ms (prepare ${s.prepareMs.median}, stream ${s.streamMs.median}), ` +
    `${s.zipMiBps} MiB/s, peak growth RSS ${s.peakRssGrowthMiB.median} MiB (max ${s.peakRssGrowthMiB.max}), held ${s.peakHeldGrowthMiB.median} MiB (max ${s.peakHeldGrowthMiB.max})`
  );
};
process.stdout.write(
  [
    '',
    `evidence export, medians over ${RUNS} runs each, ${os.cpus().length} CPUs`,
    ...SESSION_SIZES.map(line),
    `large ÷ small time: ${result.ratios.totalMsLargeToSmall}; media throughput once fixed costs are out: ${mediaMiBps} MiB/s`,
    `large ÷ medium: ZIP ${result.ratios.zipBytesLargeToMedium}×, peak growth RSS ${result.ratios.peakRssGrowthLargeToMedium ?? 'n/a'}×, held ${result.ratios.peakHeldGrowthLargeToMedium ?? 'n/a'}× (≈1, not ≈${result.ratios.zipBytesLargeToMedium}, when the export streams)`,
    `command: ${COMMAND}`,
    `written to ${path.relative(repoRoot, out)}`,
    '',
  ].join('\n'),
);
