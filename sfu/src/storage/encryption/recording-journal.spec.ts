/** The journal a recording in progress is written to: records sealed as they come, read back whole or up to a torn tail. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataKeyring, UnknownDataKeyError } from './data-keys.ts';
import { EncryptedFileError, MAGIC, decryptBuffer } from './encrypted-file.ts';
import { JOURNAL_MAGIC, RecordingJournalWriter, convertJournalToEncryptedFile, readJournalKeyId, readRecordingJournal } from './recording-journal.ts';

const KEYS = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');
const NAME = 'recordings/s1/segment-001.mkv.journal';
const HEADER_BYTES = JOURNAL_MAGIC.length + 1 + 'k1'.length + 16 + 12 + 16;

/** The records of a journal's bytes, as [start, end) offsets. */
function recordSpans(bytes: Buffer): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let at = HEADER_BYTES; at < bytes.length; ) {
    const end = at + 4 + bytes.readUInt32BE(at) + 16;
    spans.push([at, end]);
    at = end;
  }
  return spans;
}

describe('recording journal', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-journal-'));
    file = path.join(dir, 'segment-001.mkv.journal');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes `parts` through a writer with small records; returns their plaintext. */
  async function journalOf(parts: Buffer[], options: { recordBytes?: number } = {}): Promise<Buffer> {
    const writer = await RecordingJournalWriter.create(KEYS, NAME, file, { recordBytes: options.recordBytes ?? 1000 });
    for (const part of parts) writer.write(part);
    expect(await writer.end()).toMatchObject({ plaintextBytes: parts.reduce((n, p) => n + p.length, 0), error: null });
    return Buffer.concat(parts);
  }

  it('gives back what was written, in order, sealed in records of the set size', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => randomBytes(1 + ((i * 337) % 2500)));
    const plaintext = await journalOf(parts);
    const stored = fs.readFileSync(file);
    expect(stored.subarray(0, JOURNAL_MAGIC.length)).toEqual(JOURNAL_MAGIC);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Full records of 1000 bytes, then the rest as the last one.
    const spans = recordSpans(stored);
    expect(spans).toHaveLength(Math.ceil(plaintext.length / 1000));
    expect(spans.slice(0, -1).every(([start, end]) => end - start === 4 + 1000 + 16)).toBe(true);
    expect(stored.includes(plaintext.subarray(0, 16))).toBe(false);
    const read = await readRecordingJournal(KEYS, NAME, file);
    expect(read.plaintext.equals(plaintext)).toBe(true);
    expect(read.outcome).toEqual({ keyId: 'k1', records: spans.length, plaintextBytes: plaintext.length, truncated: false, droppedBytes: 0 });
    expect(await readJournalKeyId(file)).toBe('k1');
  });

  it('seals a small pending part after the timer, on disk before the journal ends', async () => {
    const writer = await RecordingJournalWriter.create(KEYS, NAME, file, { sealAfterMs: 50 });
    const first = randomBytes(700);
    writer.write(first.subarray(0, 300));
    writer.write(first.subarray(300));
    await sleep(20);
    expect(fs.statSync(file).size).toBe(HEADER_BYTES); // still pending
    await sleep(150);
    // One record of both writes, readable while the writer is still open (as after a crash).
    expect(fs.statSync(file).size).toBe(HEADER_BYTES + 4 + 700 + 16);
    expect((await readRecordingJournal(KEYS, NAME, file)).plaintext.equals(first)).toBe(true);
    const second = randomBytes(10);
    writer.write(second);
    expect(await writer.end()).toEqual({ records: 2, plaintextBytes: 710, error: null });
    expect((await readRecordingJournal(KEYS, NAME, file)).plaintext.equals(Buffer.concat([first, second]))).toBe(true);
    expect(() => writer.write(second)).toThrow(/ended/);
  });

  it('never waits for the disk: a backlog is kept in memory and told about', async () => {
    const warnings: number[] = [];
    const writer = await RecordingJournalWriter.create(KEYS, NAME, file, { backlogWarnBytes: 256 * 1024, onBacklog: (bytes) => warnings.push(bytes) });
    const parts = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
    for (const part of parts) writer.write(part); // synchronously: nothing reached the disk yet
    expect(writer.queuedBytes).toBeGreaterThan(1024 * 1024);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(5); // once per doubling, not per record
    await writer.end();
    expect((await readRecordingJournal(KEYS, NAME, file)).plaintext.equals(Buffer.concat(parts))).toBe(true);
  });

  it('drops a torn last record (a crash mid-write) and says so', async () => {
    const plaintext = await journalOf([randomBytes(3500)]);
    const whole = fs.readFileSync(file);
    const [, , , last] = recordSpans(whole);
    for (const cut of [1, 17, last![1] - last![0] - 2]) {
      fs.writeFileSync(file, whole.subarray(0, whole.length - cut));
      const read = await readRecordingJournal(KEYS, NAME, file);
      expect(read.plaintext.equals(plaintext.subarray(0, 3000)), `cut ${cut}`).toBe(true);
      expect(read.outcome).toMatchObject({ records: 3, truncated: true, droppedBytes: last![1] - last![0] - cut });
    }
    // A tail the disk never got (zeros after a power loss) is a torn record too.
    fs.writeFileSync(file, Buffer.concat([whole, Buffer.alloc(5000)]));
    expect((await readRecordingJournal(KEYS, NAME, file)).outcome).toMatchObject({ records: 4, truncated: true, droppedBytes: 5000 });
    // Only a header: an empty recording.
    fs.writeFileSync(file, whole.subarray(0, HEADER_BYTES));
    expect(await readRecordingJournal(KEYS, NAME, file)).toMatchObject({ plaintext: Buffer.alloc(0), outcome: { records: 0, truncated: false } });
  });

  it('rejects a journal with a record changed, reordered or dropped', async () => {
    await journalOf([randomBytes(4000)]);
    const whole = fs.readFileSync(file);
    const spans = recordSpans(whole);
    const rejects = async (bytes: Buffer, message: RegExp) => {
      fs.writeFileSync(file, bytes);
      await expect(readRecordingJournal(KEYS, NAME, file)).rejects.toThrow(message);
      await expect(readRecordingJournal(KEYS, NAME, file)).rejects.toBeInstanceOf(EncryptedFileError);
    };
    const flipped = Buffer.from(whole);
    flipped[spans[1]![0] + 100]! ^= 1;
    await rejects(flipped, /record 2 does not authenticate/);
    const swapped = Buffer.concat([whole.subarray(0, spans[1]![0]), whole.subarray(...spans[2]!), whole.subarray(...spans[1]!), whole.subarray(spans[3]![0])]);
    await rejects(swapped, /record 2 does not authenticate/);
    const dropped = Buffer.concat([whole.subarray(0, spans[1]![0]), whole.subarray(spans[2]![0])]);
    await rejects(dropped, /record 2 does not authenticate/);
    // The last record complete but changed is damage, not a crash.
    const lastFlipped = Buffer.from(whole);
    lastFlipped[whole.length - 1]! ^= 1;
    await rejects(lastFlipped, /record 4 does not authenticate/);
    const badLength = Buffer.from(whole);
    badLength.writeUInt32BE(0xffffffff, spans[1]![0]);
    await rejects(badLength, /record 2 has an impossible length/);
    const header = Buffer.from(whole);
    header[HEADER_BYTES - 20]! ^= 1; // the base nonce
    await rejects(header, /record 1 does not authenticate/);
  });

  it('opens only under its key and its own name', async () => {
    await journalOf([randomBytes(100)]);
    const otherKey = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');
    await expect(readRecordingJournal(otherKey, NAME, file)).rejects.toThrow(/the key "k1" does not open this file/);
    await expect(readRecordingJournal(new DataKeyring([{ id: 'k2', key: randomBytes(32) }], 'k2'), NAME, file)).rejects.toBeInstanceOf(UnknownDataKeyError);
    await expect(readRecordingJournal(KEYS, 'recordings/s2/segment-001.mkv.journal', file)).rejects.toThrow(/does not open this file/);
    // Never mistaken for a plaintext file from before encryption.
    expect(() => decryptBuffer(KEYS, NAME, fs.readFileSync(file))).toThrow(/recording journal/);
  });

  it('converts into the usual encrypted file, which decrypts to the same bytes', async () => {
    const plaintext = await journalOf(Array.from({ length: 30 }, () => randomBytes(5000)), { recordBytes: 64 * 1024 });
    const target = path.join(dir, 'segment-001.mkv');
    const { stored, outcome } = await convertJournalToEncryptedFile(KEYS, { name: NAME, file }, { name: 'recordings/s1/segment-001.mkv', file: target }, { mode: 0o444 });
    const bytes = fs.readFileSync(target);
    expect(bytes.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(stored.sizeBytes).toBe(bytes.length);
    expect(outcome).toMatchObject({ truncated: false, plaintextBytes: plaintext.length });
    expect(decryptBuffer(KEYS, 'recordings/s1/segment-001.mkv', bytes).equals(plaintext)).toBe(true);
    expect(fs.statSync(target).mode & 0o777).toBe(0o444);
    // Never over an existing file.
    await expect(convertJournalToEncryptedFile(KEYS, { name: NAME, file }, { name: 'recordings/s1/segment-001.mkv', file: target })).rejects.toThrow(/EEXIST/);

    // A torn journal converts to what it holds whole.
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 10));
    const torn = path.join(dir, 'torn.mkv');
    const converted = await convertJournalToEncryptedFile(KEYS, { name: NAME, file }, { name: 'torn.mkv', file: torn });
    expect(converted.outcome.truncated).toBe(true);
    expect(decryptBuffer(KEYS, 'torn.mkv', fs.readFileSync(torn)).equals(plaintext.subarray(0, 2 * 64 * 1024))).toBe(true);
  });
});
