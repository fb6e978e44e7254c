/**
 * What encryption at rest costs (storage/stored-file.ts, storage/encryption/encrypted-file.ts),
 * each against the same work on a plaintext file, in the same run, on the same random bytes:
 *
 *   encrypt     encryptIntoStore (a sealed recording going into the store) vs the same
 *               atomic write (fsync, rename) of the plaintext; fs.copyFile for reference
 *   full read   openStoredFile of the encrypted file, read to the end, vs of a plaintext stored file
 *   range read  one random 1 MiB range, as a seeking player asks for it (open, stream the
 *               range, close: what each HTTP range request does), encrypted vs plaintext
 *
 * Prints medians, MiB/s and ratios (encrypted time ÷ plaintext time), writes JSON under
 * bench/results/. Files live in a temporary folder, removed at the end. They were just
 * written, so reads come from the page cache: this measures the CPU cost, not the disk.
 *
 *   npm run bench -- encryption
 *   ENCRYPTION_MB=256 ENCRYPTION_RUNS=20 npm run bench -- encryption  (file size in MiB, default 32; timed runs, default 10)
 *   ENCRYPTION_RANGES=50 npm run bench -- encryption                  (range reads per run, default 20)
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { repoRoot } from '../e2e/support/artifacts.ts';
import { DataKeyring } from '../sfu/src/storage/encryption/data-keys.ts';
import { writeFileAtomically } from '../sfu/src/storage/encryption/encrypted-file.ts';
import { encryptIntoStore, openStoredFile, openStoredFileReader, storedFileKeyId, useDataKeys } from '../sfu/src/storage/stored-file.ts';
import { benchCommand, positiveInteger } from './command-line.ts';
import { resultHeader, MIB, mibPerSecond, ratio, roundMs, summarise } from './stats.ts';

const COMMAND = benchCommand('encryption', ['ENCRYPTION_MB', 'ENCRYPTION_RUNS', 'ENCRYPTION_RANGES']);
const FILE_MIB = positiveInteger('ENCRYPTION_MB', 32);
const RUNS = positiveInteger('ENCRYPTION_RUNS', 10);
const RANGES = positiveInteger('ENCRYPTION_RANGES', 20);
const FILE_BYTES = FILE_MIB * MIB;
const RANGE_BYTES = MIB;
if (FILE_BYTES < RANGE_BYTES) throw new Error('ENCRYPTION_MB must be at least 1');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-bench-encryption-'));
const dataDir = path.join(dir, 'data');
const keys = new DataKeyring([{ id: 'bench', key: randomBytes(32) }], 'bench');
const releaseKeys = useDataKeys(dataDir, keys);

/** Random bytes (incompressible, like media), written a MiB at a time. */
function writeRandomFile(file: string, bytes: number): string {
  const handle = fs.openSync(file, 'w', 0o600);
  const hash = createHash('sha256');
  try {
    for (let left = bytes; left > 0; left -= MIB) {
      const block = randomBytes(Math.min(MIB, left));
      hash.update(block);
      fs.writeSync(handle, block);
    }
  } finally {
    fs.closeSync(handle);
  }
  return hash.digest('hex');
}

async function drain(stream: Readable, hash?: ReturnType<typeof createHash>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    hash?.update(chunk as Buffer);
  }
  return bytes;
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const at = performance.now();
  await run();
  return performance.now() - at;
}

/** One range request as the server answers it (http/send-stored-file.ts): open, stream the range, close. */
async function readRange(relative: string, start: number): Promise<void> {
  const reader = await openStoredFileReader(dataDir, relative);
  const bytes = await drain(reader.stream({ start, end: start + RANGE_BYTES - 1 }));
  if (bytes !== RANGE_BYTES) throw new Error(`${relative}: range at ${start} gave ${bytes} bytes`);
}

const samples = { encrypt: [] as number[], atomicPlainWrite: [] as number[], copyFile: [] as number[], encryptedRead: [] as number[], plainRead: [] as number[], encryptedRange: [] as number[], plainRange: [] as number[] };
const source = path.join(dir, 'recording.plain');
const ENCRYPTED = 'recordings/bench/segment-001.mkv';
const PLAIN = 'recordings/bench/before-encryption.mkv';
try {
  process.stdout.write(`writing ${FILE_MIB} MiB of random bytes…\n`);
  const sourceSha256 = writeRandomFile(source, FILE_BYTES);
  fs.mkdirSync(path.join(dataDir, 'recordings', 'bench'), { recursive: true });

  // Run 0 warms up (and checks the result); runs 1..RUNS are timed.
  for (let run = 0; run <= RUNS; run++) {
    // Alternate which side goes first, so neither always finds the caches as the other left them.
    const encryptedFirst = run % 2 === 0;
    const encrypt = async () => {
      fs.rmSync(path.join(dataDir, ENCRYPTED), { force: true });
      samples.encrypt.push(await time(() => encryptIntoStore(dataDir, source, ENCRYPTED)));
    };
    const writePlain = async () => {
      fs.rmSync(path.join(dataDir, PLAIN), { force: true });
      const content = createReadStream(source, { highWaterMark: MIB }) as AsyncIterable<Buffer>;
      samples.atomicPlainWrite.push(await time(() => writeFileAtomically(path.join(dataDir, PLAIN), content, { mode: 0o444 })));
    };
    for (const step of encryptedFirst ? [encrypt, writePlain] : [writePlain, encrypt]) await step();
    const copy = path.join(dir, 'copy.plain');
    fs.rmSync(copy, { force: true });
    samples.copyFile.push(await time(() => fs.promises.copyFile(source, copy)));
    fs.rmSync(copy);

    if (run === 0) {
      // What is timed must be right: the encrypted file is encrypted and reads back as the source.
      if ((await storedFileKeyId(dataDir, ENCRYPTED)) !== 'bench') throw new Error('the stored file is not encrypted');
      const hash = createHash('sha256');
      await drain(openStoredFile(dataDir, ENCRYPTED), hash);
      if (hash.digest('hex') !== sourceSha256) throw new Error('the encrypted file does not read back as the source');
    }

    const readEncrypted = async () => samples.encryptedRead.push(await time(() => drain(openStoredFile(dataDir, ENCRYPTED))));
    const readPlain = async () => samples.plainRead.push(await time(() => drain(openStoredFile(dataDir, PLAIN))));
    for (const step of encryptedFirst ? [readEncrypted, readPlain] : [readPlain, readEncrypted]) await step();

    for (let i = 0; i < RANGES; i++) {
      // The same random offset for both: anywhere, not aligned to the 64 KiB chunks (players are not).
      const start = randomInt(0, FILE_BYTES - RANGE_BYTES + 1);
      const encrypted = async () => samples.encryptedRange.push(await time(() => readRange(ENCRYPTED, start)));
      const plain = async () => samples.plainRange.push(await time(() => readRange(PLAIN, start)));
      for (const step of (run + i) % 2 === 0 ? [encrypted, plain] : [plain, encrypted]) await step();
    }
    process.stdout.write(
      `${run === 0 ? 'warm-up' : `run ${run}/${RUNS}`}: encrypt ${Math.round(samples.encrypt.at(-1)!)} ms vs plain write ${Math.round(samples.atomicPlainWrite.at(-1)!)} ms, ` +
        `read ${Math.round(samples.encryptedRead.at(-1)!)} ms vs ${Math.round(samples.plainRead.at(-1)!)} ms\n`,
    );
    if (run === 0) for (const list of Object.values(samples)) list.length = 0;
  }
} finally {
  releaseKeys();
  fs.rmSync(dir, { recursive: true, force: true });
}

const rounded = (values: number[]) => {
  const s = summarise(values);
  return { n: s.n, median: roundMs(s.median), p95: roundMs(s.p95), min: roundMs(s.min), max: roundMs(s.max) };
};
/** One comparison: medians, throughput at the median, and encrypted time ÷ plaintext time. */
function compare(subject: number[], baseline: number[], bytes: number) {
  const s = rounded(subject);
  const b = rounded(baseline);
  return { encryptedMs: s, plainMs: b, encryptedMiBps: mibPerSecond(bytes, s.median), plainMiBps: mibPerSecond(bytes, b.median), ratio: ratio(s.median, b.median) };
}

const comparisons = {
  encrypt: compare(samples.encrypt, samples.atomicPlainWrite, FILE_BYTES),
  fullRead: compare(samples.encryptedRead, samples.plainRead, FILE_BYTES),
  rangeRead1MiB: compare(samples.encryptedRange, samples.plainRange, RANGE_BYTES),
};
const copyFileMs = rounded(samples.copyFile);

const result = {
  ...resultHeader('encryption', 'encryption at rest vs the same work on plaintext: storing a file, reading it whole, reading a random 1 MiB range; same bytes, same run', COMMAND),
  fileMiB: FILE_MIB,
  runs: RUNS,
  rangeReadsPerRun: RANGES,
  notes: [
    'ratio = encrypted median time ÷ plaintext median time (1.5: takes half as long again)',
    'encrypt: encryptIntoStore (AES-256-GCM, 64 KiB chunks, atomic: fsync and rename) vs writeFileAtomically of the plaintext stream (same fsync and rename)',
    'fullRead: openStoredFile read to its end; rangeRead1MiB: openStoredFileReader + stream(range) + close per range, random offsets, the same ones for both',
    'files were just written: reads come from the page cache (CPU cost, not disk)',
  ],
  comparisons,
  copyFileMs,
  copyFileMiBps: mibPerSecond(FILE_BYTES, copyFileMs.median),
};
const out = path.join(repoRoot, 'bench', 'results', `encryption-${result.at.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const line = (name: string, c: ReturnType<typeof compare>) =>
  `${name.padEnd(16)} encrypted ${c.encryptedMs.median} ms (${c.encryptedMiBps} MiB/s) vs plaintext ${c.plainMs.median} ms (${c.plainMiBps} MiB/s), ratio ${c.ratio}`;
process.stdout.write(
  [
    '',
    `encryption at rest, ${FILE_MIB} MiB file, medians over ${RUNS} runs (${RUNS * RANGES} range reads), ${os.cpus().length} CPUs`,
    line('store (encrypt)', comparisons.encrypt),
    `${''.padEnd(16)} (fs.copyFile, no fsync: ${copyFileMs.median} ms, ${result.copyFileMiBps} MiB/s)`,
    line('full read', comparisons.fullRead),
    line('1 MiB range read', comparisons.rangeRead1MiB),
    `command: ${COMMAND}`,
    `written to ${path.relative(repoRoot, out)}`,
    '',
  ].join('\n'),
);
