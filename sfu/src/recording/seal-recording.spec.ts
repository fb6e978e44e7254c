/** Sealing a recording: probed while plaintext, then replaced by its encrypted form, hashed as stored. */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import { MAGIC, decryptBuffer } from '../storage/encryption/encrypted-file.ts';
import { useDataKeys } from '../storage/stored-file.ts';
import { sealRecordingFile } from './seal-recording.ts';

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
