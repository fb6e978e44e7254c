/** The at-rest format: round trips, random access, and every kind of tampering it must catch. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataKeyring, UnknownDataKeyError } from './data-keys.ts';
import {
  DEFAULT_CHUNK_SIZE,
  EncryptedFileError,
  EncryptedFileReader,
  MAGIC,
  createDecryptStream,
  createEncryptStream,
  decryptBuffer,
  decryptFile,
  encryptBuffer,
  encryptFile,
  readEncryptionHeader,
  writeEncryptedFile,
} from './encrypted-file.ts';

const KEY_A = { id: 'a-2026', key: randomBytes(32) };
const KEY_B = { id: 'b-2027', key: randomBytes(32) };
const keysA = new DataKeyring([KEY_A], 'a-2026');
const NAME = 'evidence/11111111-1111-4111-8111-111111111111/id-front-001.png';
/** Small chunks, so that small files have many. */
const CHUNK = 16;
const TAG = 16;

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Splits an encrypted file into its header and sealed chunks. */
function split(stored: Buffer, chunkSize = CHUNK): { header: Buffer; chunks: Buffer[] } {
  const headerLength = MAGIC.length + 4 + 1 + stored[MAGIC.length + 4]! + 16 + 12 + 16;
  const header = stored.subarray(0, headerLength);
  const chunks: Buffer[] = [];
  for (let at = headerLength; at < stored.length; at += chunkSize + TAG) chunks.push(stored.subarray(at, at + chunkSize + TAG));
  return { header, chunks };
}

describe('encrypted file format', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-encrypted-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it('round-trips every size around the chunk boundaries, by buffer, by stream and by file', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5, 1000]) {
      const plaintext = randomBytes(size);
      const stored = encryptBuffer(keysA, NAME, plaintext, { chunkSize: CHUNK });
      expect(stored.subarray(0, 8)).toEqual(MAGIC);
      // Overhead: the header, and one tag per chunk (at least one chunk, even when empty).
      expect(stored.length - plaintext.length).toBe(split(stored).header.length + Math.max(1, Math.ceil(size / CHUNK)) * TAG);
      expect(decryptBuffer(keysA, NAME, stored)).toEqual(plaintext);

      // Streams, fed in awkward pieces.
      const pieces = (bytes: Buffer) => Readable.from([...Array(Math.ceil(bytes.length / 7)).keys()].map((i) => bytes.subarray(i * 7, i * 7 + 7)), { objectMode: false });
      const streamed = await collect(pieces(plaintext).pipe(createEncryptStream(keysA, NAME, { chunkSize: CHUNK })));
      expect(await collect(pieces(streamed).pipe(createDecryptStream(keysA, NAME)))).toEqual(plaintext);

      const source = write(`plain-${size}`, plaintext);
      const target = path.join(dir, `stored-${size}`);
      const written = await encryptFile(keysA, NAME, source, target, { chunkSize: CHUNK });
      expect(written.sizeBytes).toBe(fs.statSync(target).size);
      const reader = (await EncryptedFileReader.open(keysA, NAME, target))!;
      expect(reader.plaintextSize).toBe(size);
      expect(await collect(reader.range())).toEqual(plaintext);
      await reader.close();
      await decryptFile(keysA, NAME, target, path.join(dir, `decrypted-${size}`));
      expect(fs.readFileSync(path.join(dir, `decrypted-${size}`))).toEqual(plaintext);
    }
  });

  it('reads every byte range, decrypting only the chunks it covers', async () => {
    const plaintext = randomBytes(5 * CHUNK + 3);
    const file = write('stored', encryptBuffer(keysA, NAME, plaintext, { chunkSize: CHUNK }));
    const reader = (await EncryptedFileReader.open(keysA, NAME, file))!;
    try {
      for (let start = 0; start < plaintext.length; start++) {
        for (let end = start; end < plaintext.length; end++) {
          expect(await collect(reader.range(start, end))).toEqual(plaintext.subarray(start, end + 1));
        }
      }
      // Clamped at the end, empty past it.
      expect(await collect(reader.range(70, 10_000))).toEqual(plaintext.subarray(70));
      expect((await collect(reader.range(plaintext.length, plaintext.length + 5))).length).toBe(0);
    } finally {
      await reader.close();
    }
    // A range of the middle of a damaged file still fails only where the damage is.
    const stored = fs.readFileSync(file);
    const { header } = split(stored);
    stored[header.length + 4 * (CHUNK + TAG) + 2]! ^= 1; // in chunk 5 of 6
    fs.writeFileSync(file, stored);
    const damaged = (await EncryptedFileReader.open(keysA, NAME, file))!;
    expect(await collect(damaged.range(0, 3 * CHUNK))).toEqual(plaintext.subarray(0, 3 * CHUNK + 1));
    await expect(collect(damaged.range(4 * CHUNK, 4 * CHUNK + 1))).rejects.toThrow(/chunk 5 of 6 does not authenticate/);
    await damaged.close();
  });

  it('detects a flipped byte anywhere: in the header or in any chunk', async () => {
    const plaintext = randomBytes(3 * CHUNK + 4);
    const stored = encryptBuffer(keysA, NAME, plaintext, { chunkSize: CHUNK });
    for (let i = 0; i < stored.length; i++) {
      const changed = Buffer.from(stored);
      changed[i]! ^= 0x01;
      let error: unknown = null;
      try {
        decryptBuffer(keysA, NAME, changed);
      } catch (e) {
        error = e;
      }
      // A flip in the magic makes it "not encrypted": the bytes then pass as plaintext, not as the plaintext.
      if (i < MAGIC.length) expect(decryptBuffer(keysA, NAME, changed)).not.toEqual(plaintext);
      else expect(error, `byte ${i}`).toBeInstanceOf(Error);
      if (i >= MAGIC.length + 4 + 1 + KEY_A.id.length) expect(error, `byte ${i}`).toBeInstanceOf(EncryptedFileError);
    }
    // The random-access reader too, at opening (last chunk) or when the chunk is read.
    const file = path.join(dir, 'flipped');
    for (const at of [split(stored).header.length + 3, split(stored).header.length + CHUNK + TAG + 20, stored.length - 1]) {
      const changed = Buffer.from(stored);
      changed[at]! ^= 0x80;
      fs.writeFileSync(file, changed);
      const read = async () => {
        const reader = (await EncryptedFileReader.open(keysA, NAME, file))!;
        try {
          return await collect(reader.range());
        } finally {
          await reader.close();
        }
      };
      await expect(read()).rejects.toThrow(EncryptedFileError);
    }
  });

  it('detects a chunk dropped, repeated or moved, a file cut short or extended', async () => {
    const plaintext = randomBytes(4 * CHUNK + 9);
    const stored = encryptBuffer(keysA, NAME, plaintext, { chunkSize: CHUNK });
    const { header, chunks } = split(stored);
    expect(chunks).toHaveLength(5);
    const other = split(encryptBuffer(keysA, NAME, randomBytes(4 * CHUNK + 9), { chunkSize: CHUNK }));
    const variants: Record<string, Buffer> = {
      'second chunk dropped': Buffer.concat([header, chunks[0]!, ...chunks.slice(2)]),
      'last chunk dropped (cut at a chunk boundary)': Buffer.concat([header, ...chunks.slice(0, 4)]),
      'chunks 2 and 3 swapped': Buffer.concat([header, chunks[0]!, chunks[2]!, chunks[1]!, chunks[3]!, chunks[4]!]),
      'first chunk repeated': Buffer.concat([header, chunks[0]!, ...chunks]),
      'cut inside the last chunk': stored.subarray(0, stored.length - 5),
      'cut to the header': header,
      'cut inside the header': stored.subarray(0, 20),
      'a byte appended': Buffer.concat([stored, Buffer.from([0])]),
      'a chunk of another file appended': Buffer.concat([stored, other.chunks[4]!]),
      'a chunk from another file with the same key': Buffer.concat([header, chunks[0]!, other.chunks[1]!, ...chunks.slice(2)]),
    };
    for (const [what, bytes] of Object.entries(variants)) {
      expect(() => decryptBuffer(keysA, NAME, bytes), what).toThrow(EncryptedFileError);
      const file = write('variant', bytes);
      const read = async () => {
        const reader = (await EncryptedFileReader.open(keysA, NAME, file))!;
        try {
          return await collect(reader.range());
        } finally {
          await reader.close();
        }
      };
      await expect(read(), what).rejects.toThrow(EncryptedFileError);
    }
    expect(() => decryptBuffer(keysA, NAME, variants['cut to the header']!)).toThrow(/cut short/);
  });

  it('names a key id that is not configured, and tells a wrong key or a moved file from damage', async () => {
    const stored = encryptBuffer(keysA, NAME, Buffer.from('signature strokes'));
    const onlyB = new DataKeyring([KEY_B], 'b-2027');
    expect(() => decryptBuffer(onlyB, NAME, stored)).toThrow(UnknownDataKeyError);
    expect(() => decryptBuffer(onlyB, NAME, stored)).toThrow(`${NAME} is encrypted with key id "a-2026", which is not configured: list that key in DATA_KEYS`);
    const file = write('stored', stored);
    await expect(EncryptedFileReader.open(onlyB, NAME, file)).rejects.toThrow(UnknownDataKeyError);
    // Another key under the same id.
    const impostor = new DataKeyring([{ id: 'a-2026', key: randomBytes(32) }], 'a-2026');
    expect(() => decryptBuffer(impostor, NAME, stored)).toThrow(/the key "a-2026" does not open this file/);
    // The file copied over another one's name.
    expect(() => decryptBuffer(keysA, 'evidence/11111111-1111-4111-8111-111111111111/id-back-001.png', stored)).toThrow(/copied from another name/);
  });

  it('reads a file written under key A after the current key became B (rotation)', async () => {
    const plaintext = randomBytes(3 * CHUNK);
    const file = path.join(dir, 'old');
    await writeEncryptedFile(keysA, NAME, file, plaintext, { chunkSize: CHUNK });
    const rotated = new DataKeyring([KEY_A, KEY_B], 'b-2027');
    expect(await readEncryptionHeader(file)).toMatchObject({ keyId: 'a-2026', chunkSize: CHUNK });
    const reader = (await EncryptedFileReader.open(rotated, NAME, file))!;
    expect(reader.keyId).toBe('a-2026');
    expect(await collect(reader.range())).toEqual(plaintext);
    await reader.close();
    // New files use B.
    const fresh = path.join(dir, 'new');
    await writeEncryptedFile(rotated, NAME, fresh, plaintext);
    expect((await readEncryptionHeader(fresh))!.keyId).toBe('b-2027');
    expect(decryptBuffer(rotated, NAME, fs.readFileSync(fresh))).toEqual(plaintext);
  });

  it('passes plaintext from before encryption through, however short', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('VTM'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])]) {
      expect(decryptBuffer(keysA, NAME, bytes)).toEqual(bytes);
      const file = write('legacy', bytes);
      expect(await readEncryptionHeader(file)).toBeNull();
      expect(await EncryptedFileReader.open(keysA, NAME, file)).toBeNull();
    }
  });

  it('never encrypts the same content to the same bytes, and hides it', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3 * DEFAULT_CHUNK_SIZE, 0)]);
    const one = encryptBuffer(keysA, NAME, png);
    const two = encryptBuffer(keysA, NAME, png);
    expect(one.equals(two)).toBe(false);
    expect(one.includes(png.subarray(0, 8))).toBe(false);
    // Zeros do not show as a repeating pattern.
    expect(one.includes(Buffer.alloc(32, 0))).toBe(false);
  });

  it('writes atomically and read-only, never over an existing file unless told to', async () => {
    const target = path.join(dir, 'id-front-001.png');
    const written = await writeEncryptedFile(keysA, NAME, target, Buffer.from('first'), { mode: 0o444 });
    expect(fs.statSync(target).mode & 0o777).toBe(0o444);
    expect(written.sizeBytes).toBe(fs.statSync(target).size);
    await expect(writeEncryptedFile(keysA, NAME, target, Buffer.from('second'))).rejects.toThrow(/EEXIST/);
    expect(decryptBuffer(keysA, NAME, fs.readFileSync(target)).toString()).toBe('first');
    expect(fs.readdirSync(dir)).toEqual(['id-front-001.png']); // no temporary file left
    // A file encrypted in place replaces its plaintext.
    const recording = write('segment-001.mkv', Buffer.from('matroska bytes'));
    await encryptFile(keysA, 'recordings/s/segment-001.mkv', recording, recording);
    expect(decryptBuffer(keysA, 'recordings/s/segment-001.mkv', fs.readFileSync(recording)).toString()).toBe('matroska bytes');
    // A failed decryption leaves no partial plaintext behind.
    const broken = write('broken', encryptBuffer(keysA, NAME, randomBytes(3 * CHUNK), { chunkSize: CHUNK }).subarray(0, 100));
    await expect(decryptFile(keysA, NAME, broken, path.join(dir, 'out'))).rejects.toThrow(EncryptedFileError);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});
