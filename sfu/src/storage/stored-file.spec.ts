/** Stored files: written encrypted, read back decrypted (whole, by range, as a private copy), hashed as stored. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataKeyring } from './encryption/data-keys.ts';
import { MAGIC } from './encryption/encrypted-file.ts';
import {
  hashStoredFile,
  openStoredFile,
  openStoredFileReader,
  readStoredFile,
  storedFileKeyId,
  useDataKeys,
  withPlaintextCopy,
  writeStoredFile,
} from './stored-file.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const KEY_A = { id: 'a', key: randomBytes(32) };
const KEY_B = { id: 'b', key: randomBytes(32) };

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('stored files', () => {
  let dataDir: string;
  let release = () => {};
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-stored-'));
  });
  afterEach(() => {
    release();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes encrypted, reads back decrypted, and hashes as stored', async () => {
    release = useDataKeys(dataDir, new DataKeyring([KEY_A], 'a'));
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200_000)]);
    const name = 'evidence/s1/id-front-001.png';
    const written = await writeStoredFile(dataDir, name, png);
    const onDisk = fs.readFileSync(path.join(dataDir, name));
    expect(onDisk.subarray(0, MAGIC.length)).toEqual(MAGIC);
    expect(fs.statSync(path.join(dataDir, name)).mode & 0o777).toBe(0o444);
    expect(written).toEqual({ sizeBytes: onDisk.length, sha256: sha256(onDisk) });
    expect(await hashStoredFile(dataDir, name)).toEqual(written);
    expect(await storedFileKeyId(dataDir, name)).toBe('a');

    const read = await readStoredFile(dataDir, name, { keepBytes: true });
    expect(read).toMatchObject({ sha256: sha256(onDisk), sizeBytes: onDisk.length, encrypted: true, plaintext: { sha256: sha256(png), sizeBytes: png.length } });
    expect(read.bytes!.equals(png)).toBe(true);
    expect((await collect(openStoredFile(dataDir, name))).equals(png)).toBe(true);
    expect((await collect(openStoredFile(dataDir, name, { start: 70_000, end: 140_000 }))).equals(png.subarray(70_000, 140_001))).toBe(true);
    const reader = await openStoredFileReader(dataDir, name);
    expect(reader.plaintextSize).toBe(png.length);
    await reader.close();

    // A private plaintext copy for ffmpeg, removed right after.
    let copy = '';
    await withPlaintextCopy(dataDir, name, async (file) => {
      copy = file;
      expect(fs.readFileSync(file).equals(png)).toBe(true);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    });
    expect(copy.startsWith(path.join(dataDir, 'tmp'))).toBe(true);
    expect(fs.existsSync(copy)).toBe(false);
    // Never over an existing file.
    await expect(writeStoredFile(dataDir, name, png)).rejects.toThrow(/EEXIST/);
  });

  it('reads files from before encryption as they are, with or without keys', async () => {
    const name = 'evidence/s1/still-001.png';
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    fs.mkdirSync(path.join(dataDir, 'evidence/s1'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, name), bytes);
    expect(await readStoredFile(dataDir, name, { keepBytes: true })).toMatchObject({ sha256: sha256(bytes), encrypted: false, plaintext: { sha256: sha256(bytes) }, bytes });
    expect(await collect(openStoredFile(dataDir, name, { start: 1, end: 3 }))).toEqual(bytes.subarray(1, 4));
    expect(await storedFileKeyId(dataDir, name)).toBeNull();
    await withPlaintextCopy(dataDir, name, async (file) => expect(file).toBe(path.join(dataDir, name)));
    // Writing needs keys: nothing is ever stored unencrypted.
    await expect(writeStoredFile(dataDir, 'evidence/s1/still-002.png', bytes)).rejects.toThrow(/no data keys are set up/);
  });

  it('keeps reading files of an earlier key after rotation, and names a key that is gone', async () => {
    const name = 'recordings/s1/segment-001.mkv';
    release = useDataKeys(dataDir, new DataKeyring([KEY_A], 'a'));
    await writeStoredFile(dataDir, name, Buffer.from('recorded under A'));
    release();
    release = useDataKeys(dataDir, new DataKeyring([KEY_A, KEY_B], 'b'));
    await writeStoredFile(dataDir, 'recordings/s1/segment-002.mkv', Buffer.from('recorded under B'));
    expect(await storedFileKeyId(dataDir, 'recordings/s1/segment-002.mkv')).toBe('b');
    expect((await collect(openStoredFile(dataDir, name))).toString()).toBe('recorded under A');
    release();
    release = useDataKeys(dataDir, new DataKeyring([KEY_B], 'b'));
    await expect(collect(openStoredFile(dataDir, name))).rejects.toThrow(`${name} is encrypted with key id "a", which is not configured`);
  });
});
