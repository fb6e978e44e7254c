/**
 * Sealing a recording: its encrypted journal converted into the stored encrypted file and
 * probed from a private copy; a plaintext file of an earlier version probed, then replaced
 * by its encrypted form; hashed as stored.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import { MAGIC, decryptBuffer } from '../storage/encryption/encrypted-file.ts';
import { readRecordingJournal } from '../storage/encryption/recording-journal.ts';
import { createRecordingJournal, useDataKeys } from '../storage/stored-file.ts';
import { EmptyRecordingError, sealRecordingFile } from './seal-recording.ts';

const FFMPEG = process.env['FFMPEG_PATH'] ?? 'ffmpeg';
const FFPROBE = process.env['FFPROBE_PATH'] ?? 'ffprobe';
const KEYS = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('sealRecordingFile', { timeout: 60_000 }, () => {
  let dataDir: string;
  let release = () => {};
  const name = 'recordings/s1/segment-001.mkv';
  let file: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-seal-'));
    file = path.join(dataDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
  });
  afterEach(() => {
    release();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function record(): Buffer {
    execFileSync(FFMPEG, [
      '-v', 'error', '-y', '-f', 'lavfi', '-t', '2', '-i', 'sine=frequency=440:sample_rate=48000', '-f', 'lavfi', '-t', '2', '-i', 'testsrc=size=160x120:rate=10',
      '-map', '0', '-map', '1', '-c:a', 'libopus', '-c:v', 'libvpx', '-metadata:s:0', 'title=kiosk-audio', '-metadata:s:1', 'title=kiosk-video', '-f', 'matroska', file,
    ]);
    return fs.readFileSync(file);
  }

  it('probes the plaintext, then leaves only its encrypted form, hashed as stored', async () => {
    release = useDataKeys(dataDir, KEYS);
    const matroska = record();
    const sealed = await sealRecordingFile(FFPROBE, file);
    const stored = fs.readFileSync(file);
    expect(stored.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(stored.includes(matroska.subarray(0, 4))).toBe(false); // no EBML header anywhere
    expect(spawnSync(FFPROBE, ['-v', 'error', file]).status).not.toBe(0);
    expect(decryptBuffer(KEYS, name, stored).equals(matroska)).toBe(true);
    expect(sealed).toEqual({ sizeBytes: stored.length, sha256: sha256(stored), durationMs: expect.any(Number), streams: [expect.objectContaining({ title: 'kiosk-audio' }), expect.objectContaining({ title: 'kiosk-video' })] });
    expect(sealed.durationMs! / 1000).toBeCloseTo(2, 0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['segment-001.mkv']);

    // Sealed again (a crash came between the encryption and the seal's row): the same facts.
    expect(await sealRecordingFile(FFPROBE, file)).toEqual(sealed);
    expect(fs.readFileSync(file).equals(stored)).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  /** Records as the recorder does: Matroska on ffmpeg's stdout, into the segment's journal. */
  async function recordIntoJournal(): Promise<Buffer> {
    const journal = await createRecordingJournal(dataDir, name, { recordBytes: 8 * 1024 });
    const matroska = execFileSync(FFMPEG, [
      '-v', 'error', '-f', 'lavfi', '-t', '2', '-i', 'sine=frequency=440:sample_rate=48000', '-f', 'lavfi', '-t', '2', '-i', 'testsrc=size=160x120:rate=10',
      '-map', '0', '-map', '1', '-c:a', 'libopus', '-c:v', 'libvpx', '-metadata:s:0', 'title=kiosk-audio', '-metadata:s:1', 'title=kiosk-video',
      '-flush_packets', '1', '-cluster_time_limit', '1000', '-f', 'matroska', 'pipe:1',
    ], { maxBuffer: 64 * 1024 * 1024 });
    for (let at = 0; at < matroska.length; at += 5000) journal.write(matroska.subarray(at, at + 5000));
    await journal.end();
    return matroska;
  }

  it('converts a journal into the stored encrypted file, probes it, and removes the journal', async () => {
    release = useDataKeys(dataDir, KEYS);
    const matroska = await recordIntoJournal();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['segment-001.mkv.journal']);
    expect(fs.readFileSync(`${file}.journal`).includes(matroska.subarray(0, 4))).toBe(false);
    const sealed = await sealRecordingFile(FFPROBE, file);
    const stored = fs.readFileSync(file);
    expect(stored.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(decryptBuffer(KEYS, name, stored).equals(matroska)).toBe(true);
    // Written to a pipe, the file has no duration in its header: it is taken from the packets.
    expect(sealed).toEqual({ sizeBytes: stored.length, sha256: sha256(stored), durationMs: expect.any(Number), streams: [expect.objectContaining({ title: 'kiosk-audio' }), expect.objectContaining({ title: 'kiosk-video' })] });
    expect(sealed.durationMs! / 1000).toBeCloseTo(2, 0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['segment-001.mkv']);
    expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  it('after a crash: drops a torn last record; finishes a conversion whose journal was left; reports an empty journal', async () => {
    release = useDataKeys(dataDir, KEYS);
    await recordIntoJournal();
    const journal = `${file}.journal`;
    const whole = fs.readFileSync(journal);
    fs.writeFileSync(journal, whole.subarray(0, whole.length - 100));
    const kept = (await readRecordingJournal(KEYS, `${name}.journal`, journal)).plaintext;
    const sealed = await sealRecordingFile(FFPROBE, file);
    expect(sealed.droppedTornRecord).toBe(true);
    expect(decryptBuffer(KEYS, name, fs.readFileSync(file)).equals(kept)).toBe(true);
    expect(sealed.durationMs).toBeGreaterThan(500);

    // The conversion was in place when the crash came, the journal not yet removed: the same seal.
    fs.writeFileSync(journal, whole);
    const { droppedTornRecord: _, ...facts } = sealed;
    expect(await sealRecordingFile(FFPROBE, file)).toEqual(facts);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['segment-001.mkv']);

    // ffmpeg never wrote a byte: no stored file, and the journal is gone.
    const other = path.join(dataDir, 'recordings/s1/segment-002.mkv');
    await (await createRecordingJournal(dataDir, 'recordings/s1/segment-002.mkv')).end();
    await expect(sealRecordingFile(FFPROBE, other)).rejects.toBeInstanceOf(EmptyRecordingError);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['segment-001.mkv']);
  });

  it('encrypts a file ffprobe cannot read before reporting it', async () => {
    release = useDataKeys(dataDir, KEYS);
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    await expect(sealRecordingFile(FFPROBE, file)).rejects.toThrow();
    expect(fs.readFileSync(file).subarray(0, MAGIC.length)).toEqual(MAGIC);
  });

  it('refuses to seal without keys for the data folder', async () => {
    record();
    await expect(sealRecordingFile(FFPROBE, file)).rejects.toThrow(/no data keys are set up/);
  });
});
