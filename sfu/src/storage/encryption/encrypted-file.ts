/**
 * The at-rest format of personal data (ID images, stills, handwriting, signatures,
 * receipts, recordings, playable media): AES-256-GCM in fixed-size chunks, the STREAM
 * construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), so that any byte range can be
 * decrypted without the rest (a player seeking with HTTP range requests) and every chunk
 * is authenticated on its own.
 *
 *   header  "VTMENC1\0"            8 bytes, magic and version
 *           chunk size             uint32 BE: plaintext bytes per chunk (64 KiB)
 *           key id length, key id  uint8 + ASCII: which DATA_KEYS key (rotation)
 *           salt                   16 random bytes
 *           base nonce             12 random bytes
 *           key check              16 bytes (below)
 *   chunks  ciphertext + 16-byte GCM tag each; every chunk but the last holds exactly
 *           `chunk size` plaintext bytes, the last 1 to `chunk size` (0 only when the whole
 *           plaintext is empty: there is always a last chunk)
 *
 * Each file has its own AES key: HKDF-SHA256(data key, salt, "VTMENC1 file " + name) gives
 * 48 bytes, the file key and the key check. `name` is the file's name relative to the data
 * folder (`evidence/<session>/id-front-001.png`): a file copied over another one does not
 * decrypt under the other's name. The key check tells a wrong key (or a moved file) from
 * damage before any chunk is tried, and commits the file to one key.
 * Chunk i is sealed with nonce = base nonce XOR i (in its last 8 bytes) and additional data
 * = the whole header ‖ uint64 i ‖ final flag (1 for the last chunk, else 0). So a changed
 * header, a chunk flipped, dropped, repeated or moved, a file cut at a chunk boundary or
 * extended all fail authentication. Per-file keys keep GCM's nonce limits per file rather
 * than per data key, which encrypts years of recordings.
 *
 * A file that does not start with the magic is plaintext from before encryption (a data
 * folder of an earlier version): readers pass it through unchanged.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { KEY_ID_PATTERN, type DataKeyring } from './data-keys.ts';

export const MAGIC = Buffer.from('VTMENC1\0', 'latin1');
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
const MIN_CHUNK_SIZE = 16;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const TAG_BYTES = 16;
export const SALT_BYTES = 16;
export const NONCE_BYTES = 12;
export const CHECK_BYTES = 16;
/** The magic of a recording journal (recording-journal.ts): never to be read as a plaintext file. */
export const JOURNAL_MAGIC = Buffer.from('VTMJRN1\0', 'latin1');
/** magic, chunk size, key id length: what tells how long the header is. */
const FIXED_PREFIX = MAGIC.length + 4 + 1;
const headerLength = (keyIdLength: number) => FIXED_PREFIX + keyIdLength + SALT_BYTES + NONCE_BYTES + CHECK_BYTES;
const MAX_HEADER = headerLength(255);
/** Chunks read from disk at once when a range spans many. */
const READ_BATCH_BYTES = 1024 * 1024;

/** A stored file that is not what was encrypted: damaged, changed, cut short, moved, or under another key. */
export class EncryptedFileError extends Error {
  override name = 'EncryptedFileError';
}

interface Header {
  keyId: string;
  chunkSize: number;
  salt: Buffer;
  baseNonce: Buffer;
  check: Buffer;
  /** The header as stored (authenticated with every chunk). */
  bytes: Buffer;
}

export interface EncryptionHeader {
  keyId: string;
  chunkSize: number;
  headerLength: number;
}

export interface EncryptOptions {
  /** Plaintext bytes per chunk (tests use small ones to get many chunks). */
  chunkSize?: number;
}

export interface WriteOptions {
  /** Mode of the new file (stored files are read-only: 0o444). */
  mode?: number;
  /** Replace an existing file at the target (a recording encrypted in place); otherwise refuse (EEXIST). */
  replace?: boolean;
}

export interface StoredBytes {
  /** Size and SHA-256 of the bytes on disk (the ciphertext): what the database and the audit trail keep. */
  sizeBytes: number;
  sha256: string;
}

/**
 * A file's AES key and key check: HKDF-SHA256(data key, salt, "<format> file " + name).
 * `format` keeps the keys of different formats apart ("VTMENC1", "VTMJRN1").
 */
export function deriveFileKeys(dataKey: Buffer, salt: Buffer, name: string, format = 'VTMENC1'): { key: Buffer; check: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', dataKey, salt, Buffer.from(`${format} file ${name}`, 'utf8'), 32 + CHECK_BYTES));
  return { key: okm.subarray(0, 32), check: okm.subarray(32) };
}

/** The key of an existing file, once its key check shows that the configured key is the file's. */
export function openFileKey(keys: KeySource, header: { keyId: string; salt: Buffer; check: Buffer }, name: string, format = 'VTMENC1'): Buffer {
  const { key, check } = deriveFileKeys(keys.key(header.keyId, name), header.salt, name, format);
  if (!timingSafeEqual(check, header.check)) {
    throw new EncryptedFileError(
      `${name}: the key "${header.keyId}" does not open this file (a different key under that id, or the file was copied from another name)`,
    );
  }
  return key;
}

/** The nonce of chunk (or record) `index`: the base nonce XOR the index, in its last 8 bytes. */
export function indexedNonce(baseNonce: Buffer, index: number): Buffer {
  const nonce = Buffer.from(baseNonce);
  nonce.writeUInt32BE((nonce.readUInt32BE(4) ^ Math.floor(index / 2 ** 32)) >>> 0, 4);
  nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ index) >>> 0, 8);
  return nonce;
}

function buildHeader(keyId: string, chunkSize: number, salt: Buffer, baseNonce: Buffer, check: Buffer): Buffer {
  const id = Buffer.from(keyId, 'latin1');
  const fixed = Buffer.alloc(FIXED_PREFIX);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32BE(chunkSize, MAGIC.length);
  fixed.writeUInt8(id.length, MAGIC.length + 4);
  return Buffer.concat([fixed, id, salt, baseNonce, check]);
}

type Parsed = { kind: 'header'; header: Header } | { kind: 'plaintext' } | { kind: 'need-more' };

/** Reads a header from the start of a file; `atEnd` when `bytes` is all there is. */
function parseHeader(bytes: Buffer, name: string, atEnd: boolean): Parsed {
  const prefix = bytes.subarray(0, MAGIC.length);
  if (prefix.length === JOURNAL_MAGIC.length && prefix.equals(JOURNAL_MAGIC)) {
    throw new EncryptedFileError(`${name}: this is a recording journal (a recording in progress), not a sealed file: seal the recording first`);
  }
  if (!MAGIC.subarray(0, prefix.length).equals(prefix)) return { kind: 'plaintext' };
  if (prefix.length < MAGIC.length) return atEnd ? { kind: 'plaintext' } : { kind: 'need-more' };
  const truncated = () => new EncryptedFileError(`${name}: the encrypted file's header is cut short`);
  if (bytes.length < FIXED_PREFIX) {
    if (atEnd) throw truncated();
    return { kind: 'need-more' };
  }
  const chunkSize = bytes.readUInt32BE(MAGIC.length);
  const idLength = bytes.readUInt8(MAGIC.length + 4);
  const length = headerLength(idLength);
  if (bytes.length < length) {
    if (atEnd) throw truncated();
    return { kind: 'need-more' };
  }
  const keyId = bytes.toString('latin1', FIXED_PREFIX, FIXED_PREFIX + idLength);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE || !KEY_ID_PATTERN.test(keyId)) {
    throw new EncryptedFileError(`${name}: the encrypted file's header is not valid`);
  }
  let at = FIXED_PREFIX + idLength;
  const take = (n: number) => bytes.subarray(at, (at += n));
  const salt = take(SALT_BYTES);
  const baseNonce = take(NONCE_BYTES);
  const check = take(CHECK_BYTES);
  return { kind: 'header', header: { keyId, chunkSize, salt, baseNonce, check, bytes: Buffer.from(bytes.subarray(0, length)) } };
}

/** Seals and opens the chunks of one file. */
class ChunkCipher {
  readonly header: Header;
  readonly #key: Buffer;
  readonly #name: string;

  constructor(header: Header, key: Buffer, name: string) {
    this.header = header;
    this.#key = key;
    this.#name = name;
  }

  /** The cipher of an existing file; checks that the configured key is the file's. */
  static forFile(keys: KeySource, header: Header, name: string): ChunkCipher {
    return new ChunkCipher(header, openFileKey(keys, header, name), name);
  }

  /** A new file under the keyring's current key. */
  static create(keys: DataKeyring, name: string, chunkSize: number): ChunkCipher {
    if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new RangeError(`chunk size ${chunkSize} is out of range`);
    const keyId = keys.currentId;
    const salt = randomBytes(SALT_BYTES);
    const baseNonce = randomBytes(NONCE_BYTES);
    const { key, check } = deriveFileKeys(keys.key(keyId), salt, name);
    const bytes = buildHeader(keyId, chunkSize, salt, baseNonce, check);
    return new ChunkCipher({ keyId, chunkSize, salt, baseNonce, check, bytes }, key, name);
  }

  #nonce(index: number): Buffer {
    return indexedNonce(this.header.baseNonce, index);
  }

  #aad(index: number, final: boolean): Buffer {
    const position = Buffer.alloc(9);
    position.writeBigUInt64BE(BigInt(index), 0);
    position.writeUInt8(final ? 1 : 0, 8);
    return Buffer.concat([this.header.bytes, position]);
  }

  seal(index: number, plaintext: Buffer, final: boolean): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.#key, this.#nonce(index), { authTagLength: TAG_BYTES });
    cipher.setAAD(this.#aad(index, final));
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  open(index: number, sealed: Buffer, final: boolean, chunks?: number): Buffer {
    try {
      // A chunk shorter than its tag (a file cut short since it was opened) fails like any other.
      if (sealed.length < TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, this.#nonce(index), { authTagLength: TAG_BYTES });
      decipher.setAAD(this.#aad(index, final));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      const of = chunks === undefined ? '' : ` of ${chunks}`;
      throw new EncryptedFileError(
        `${this.#name}: chunk ${index + 1}${of}${final ? ' (the last)' : ''} does not authenticate: the file was changed, cut short, or had chunks removed or reordered`,
      );
    }
  }
}

/** Splits plaintext into sealed chunks; `finish` seals the last one. */
class Encryptor {
  readonly #cipher: ChunkCipher;
  #pending: Buffer = Buffer.alloc(0);
  #index = 0;

  constructor(keys: DataKeyring, name: string, chunkSize: number) {
    this.#cipher = ChunkCipher.create(keys, name, chunkSize);
  }

  get header(): Buffer {
    return this.#cipher.header.bytes;
  }

  push(data: Buffer): Buffer[] {
    const size = this.#cipher.header.chunkSize;
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, data]) : data;
    const out: Buffer[] = [];
    let at = 0;
    // A full chunk with more bytes after it is not the last.
    while (this.#pending.length - at > size) {
      out.push(this.#cipher.seal(this.#index++, this.#pending.subarray(at, at + size), false));
      at += size;
    }
    this.#pending = Buffer.from(this.#pending.subarray(at));
    return out;
  }

  finish(): Buffer {
    return this.#cipher.seal(this.#index++, this.#pending, true);
  }
}

/** What reading needs of a keyring: the key a file names. */
export type KeySource = Pick<DataKeyring, 'key'>;

/**
 * Opens sealed chunks as they arrive, in order; passes a plaintext file through. The last
 * chunk is only known at the end, so one chunk is always held back until then.
 */
export class Decryptor {
  readonly #keys: KeySource;
  readonly #name: string;
  #mode: 'unknown' | 'plaintext' | 'encrypted' = 'unknown';
  #cipher: ChunkCipher | null = null;
  #pending: Buffer = Buffer.alloc(0);
  #index = 0;

  constructor(keys: KeySource, name: string) {
    this.#keys = keys;
    this.#name = name;
  }

  /** True once the file is known to be encrypted; false for plaintext; null before its first bytes. */
  get encrypted(): boolean | null {
    return this.#mode === 'unknown' ? null : this.#mode === 'encrypted';
  }

  get keyId(): string | null {
    return this.#cipher?.header.keyId ?? null;
  }

  push(data: Buffer): Buffer[] {
    if (this.#mode === 'plaintext') return [data];
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, data]) : data;
    if (this.#mode === 'unknown' && !this.#readHeader(false)) return this.#flushIfPlaintext();
    const sealedSize = this.#cipher!.header.chunkSize + TAG_BYTES;
    const out: Buffer[] = [];
    let at = 0;
    while (this.#pending.length - at > sealedSize) {
      out.push(this.#cipher!.open(this.#index++, this.#pending.subarray(at, at + sealedSize), false));
      at += sealedSize;
    }
    this.#pending = Buffer.from(this.#pending.subarray(at));
    return out;
  }

  finish(): Buffer[] {
    if (this.#mode === 'unknown' && !this.#readHeader(true)) return this.#flushIfPlaintext();
    if (this.#mode === 'plaintext') return [];
    const rest = this.#pending.length;
    const sealedSize = this.#cipher!.header.chunkSize + TAG_BYTES;
    // A last chunk is never empty unless it is the only one.
    if (rest < TAG_BYTES || (rest === TAG_BYTES && this.#index > 0) || rest > sealedSize) {
      throw new EncryptedFileError(`${this.#name}: the encrypted file is cut short (its last chunk is missing or incomplete)`);
    }
    return [this.#cipher!.open(this.#index++, this.#pending, true)];
  }

  /** True once the header is read; false when more bytes are needed or the file is plaintext. */
  #readHeader(atEnd: boolean): boolean {
    const parsed = parseHeader(this.#pending, this.#name, atEnd);
    if (parsed.kind === 'plaintext') {
      this.#mode = 'plaintext';
      return false;
    }
    if (parsed.kind === 'need-more') return false;
    this.#cipher = ChunkCipher.forFile(this.#keys, parsed.header, this.#name);
    this.#mode = 'encrypted';
    this.#pending = Buffer.from(this.#pending.subarray(parsed.header.bytes.length));
    return true;
  }

  /** Plaintext passes through as it is; bytes of a header still incomplete wait. */
  #flushIfPlaintext(): Buffer[] {
    if (this.#mode !== 'plaintext') return [];
    const out = this.#pending.length ? [this.#pending] : [];
    this.#pending = Buffer.alloc(0);
    return out;
  }
}

/** A whole plaintext, encrypted under the current key, as a file would hold it. */
export function encryptBuffer(keys: DataKeyring, name: string, plaintext: Buffer, options: EncryptOptions = {}): Buffer {
  const encryptor = new Encryptor(keys, name, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  return Buffer.concat([encryptor.header, ...encryptor.push(plaintext), encryptor.finish()]);
}

/** The plaintext of a whole encrypted file's bytes (a plaintext file's bytes as they are). */
export function decryptBuffer(keys: KeySource, name: string, stored: Buffer): Buffer {
  const decryptor = new Decryptor(keys, name);
  return Buffer.concat([...decryptor.push(stored), ...decryptor.finish()]);
}

/** True when these first bytes of a file are an encrypted file's. */
export function looksEncrypted(start: Buffer): boolean {
  return start.length >= MAGIC.length && start.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Encrypts what is written to it (the header first, then sealed chunks). */
export function createEncryptStream(keys: DataKeyring, name: string, options: EncryptOptions = {}): Transform {
  const encryptor = new Encryptor(keys, name, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (!started) this.push(encryptor.header);
        started = true;
        for (const sealed of encryptor.push(chunk)) this.push(sealed);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!started) this.push(encryptor.header);
        callback(null, encryptor.finish());
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/**
 * Decrypts a stored file's bytes in order, authenticating each chunk (a plaintext file
 * passes through). An error stops the stream before the first unauthenticated byte.
 */
export function createDecryptStream(keys: KeySource, name: string): Transform & { readonly encrypted: boolean | null } {
  const decryptor = new Decryptor(keys, name);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        for (const plain of decryptor.push(chunk)) this.push(plain);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        for (const plain of decryptor.finish()) this.push(plain);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  Object.defineProperty(stream, 'encrypted', { get: () => decryptor.encrypted });
  return stream as Transform & { readonly encrypted: boolean | null };
}

/** The header of a stored file, or null for a plaintext one. Reads only the first bytes. */
export async function readEncryptionHeader(file: string, name = file): Promise<EncryptionHeader | null> {
  const handle = await fs.open(file, 'r');
  try {
    const { bytes, atEnd } = await readAt(handle, 0, MAX_HEADER);
    const parsed = parseHeader(bytes, name, atEnd);
    if (parsed.kind !== 'header') return null;
    return { keyId: parsed.header.keyId, chunkSize: parsed.header.chunkSize, headerLength: parsed.header.bytes.length };
  } finally {
    await handle.close();
  }
}

/**
 * An open encrypted file for random access: its plaintext size (known from the file's
 * size; the last chunk is authenticated on opening, so a file cut short or extended is
 * caught at once) and any plaintext range, decrypting only the chunks that cover it.
 */
export class EncryptedFileReader {
  readonly #handle: FileHandle;
  readonly #cipher: ChunkCipher;
  readonly #chunks: number;
  readonly plaintextSize: number;
  readonly storedSize: number;

  private constructor(handle: FileHandle, cipher: ChunkCipher, storedSize: number, name: string) {
    this.#handle = handle;
    this.#cipher = cipher;
    this.storedSize = storedSize;
    const body = storedSize - cipher.header.bytes.length;
    const sealedSize = cipher.header.chunkSize + TAG_BYTES;
    this.#chunks = Math.max(1, Math.ceil(body / sealedSize));
    const last = body - (this.#chunks - 1) * sealedSize;
    if (last < TAG_BYTES || (last === TAG_BYTES && this.#chunks > 1)) {
      throw new EncryptedFileError(`${name}: the encrypted file is cut short (its last chunk is missing or incomplete)`);
    }
    this.plaintextSize = body - this.#chunks * TAG_BYTES;
  }

  get keyId(): string {
    return this.#cipher.header.keyId;
  }

  /** Opens `file`; null (and nothing left open) when it is plaintext. */
  static async open(keys: KeySource, name: string, file: string): Promise<EncryptedFileReader | null> {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const { bytes, atEnd } = await readAt(handle, 0, MAX_HEADER);
      const parsed = parseHeader(bytes, name, atEnd);
      if (parsed.kind !== 'header') {
        await handle.close();
        return null;
      }
      const reader = new EncryptedFileReader(handle, ChunkCipher.forFile(keys, parsed.header, name), size, name);
      // Authenticates the size: the last chunk must be the one sealed as last.
      for await (const _ of reader.#open(reader.#chunks - 1, reader.#chunks - 1));
      return reader;
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
  }

  /** The plaintext bytes from `start` to `end` inclusive (clamped to the file), chunk by chunk. */
  async *range(start = 0, end = this.plaintextSize - 1): AsyncGenerator<Buffer> {
    const last = Math.min(end, this.plaintextSize - 1);
    if (start > last) return;
    const size = this.#cipher.header.chunkSize;
    const first = Math.floor(start / size);
    let offset = first * size;
    for await (const plain of this.#open(first, Math.floor(last / size))) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(last - offset + 1, plain.length);
      offset += plain.length;
      if (to > from) yield plain.subarray(from, to);
    }
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }

  /** Reads and opens chunks first..last, a batch of chunks per read. */
  async *#open(first: number, last: number): AsyncGenerator<Buffer> {
    const sealedSize = this.#cipher.header.chunkSize + TAG_BYTES;
    const base = this.#cipher.header.bytes.length;
    const perRead = Math.max(1, Math.floor(READ_BATCH_BYTES / sealedSize));
    for (let index = first; index <= last; ) {
      const count = Math.min(perRead, last - index + 1);
      const position = base + index * sealedSize;
      const length = Math.min(count * sealedSize, this.storedSize - position);
      const { bytes } = await readAt(this.#handle, position, length);
      for (let i = 0; i < count; i++, index++) {
        const sealed = bytes.subarray(i * sealedSize, Math.min((i + 1) * sealedSize, bytes.length));
        yield this.#cipher.open(index, sealed, index === this.#chunks - 1, this.#chunks);
      }
    }
  }
}

export async function readAt(handle: FileHandle, position: number, length: number): Promise<{ bytes: Buffer; atEnd: boolean }> {
  const bytes = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) return { bytes: bytes.subarray(0, filled), atEnd: true };
    filled += bytesRead;
  }
  return { bytes, atEnd: false };
}

/**
 * Writes bytes to `target` all or nothing: into a hidden temporary file beside it, flushed
 * to disk, then renamed (or, without `replace`, linked: an existing file is never
 * overwritten) into place, and the folder flushed. Returns the size and SHA-256 written.
 */
export async function writeFileAtomically(target: string, content: AsyncIterable<Buffer> | Iterable<Buffer>, options: WriteOptions = {}): Promise<StoredBytes> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    const handle = await fs.open(temp, 'wx', options.mode ?? 0o444);
    try {
      let batch: Buffer[] = [];
      let batched = 0;
      const flush = async () => {
        const bytes = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
        batch = [];
        batched = 0;
        for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
      };
      for await (const chunk of content) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        batch.push(chunk);
        batched += chunk.length;
        if (batched >= READ_BATCH_BYTES) await flush();
      }
      if (batched) await flush();
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace) {
      await fs.rename(temp, target);
    } else {
      await fs.link(temp, target);
      await fs.unlink(temp);
    }
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncFolder(path.dirname(target));
  return { sizeBytes, sha256: hash.digest('hex') };
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Encrypts a plaintext buffer into a new file, atomically. */
export async function writeEncryptedFile(keys: DataKeyring, name: string, target: string, plaintext: Buffer, options: WriteOptions & EncryptOptions = {}): Promise<StoredBytes> {
  return writeFileAtomically(target, [encryptBuffer(keys, name, plaintext, options)], options);
}

/**
 * Encrypts the plaintext file `source` into `target` (they may be the same file: it is
 * then replaced by its encrypted form), streaming, atomically. The source is left as it
 * is unless it was the target.
 */
export async function encryptFile(keys: DataKeyring, name: string, source: string, target: string, options: WriteOptions & EncryptOptions = {}): Promise<StoredBytes> {
  const replace = options.replace ?? path.resolve(source) === path.resolve(target);
  return writeFileAtomically(target, encryptChunks(keys, name, createReadStream(source, { highWaterMark: READ_BATCH_BYTES }), options), { ...options, replace });
}

/**
 * Encrypts plaintext as it comes (a recording journal's records) into the new file
 * `target`, streaming, atomically.
 */
export async function writeEncryptedStream(keys: DataKeyring, name: string, target: string, plaintext: AsyncIterable<Buffer>, options: WriteOptions & EncryptOptions = {}): Promise<StoredBytes> {
  return writeFileAtomically(target, encryptChunks(keys, name, plaintext, options), options);
}

async function* encryptChunks(keys: DataKeyring, name: string, source: AsyncIterable<Buffer>, options: EncryptOptions): AsyncGenerator<Buffer> {
  const encryptor = new Encryptor(keys, name, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  yield encryptor.header;
  for await (const data of source) yield* encryptor.push(data);
  yield encryptor.finish();
}

/**
 * Decrypts a stored file (encrypted or plaintext) into a new file `target`, created with
 * `mode` (0o600: a private working copy for ffmpeg or ffprobe). Removes the partial
 * target when the source fails to decrypt.
 */
export async function decryptFile(keys: KeySource, name: string, source: string, target: string, options: { mode?: number } = {}): Promise<void> {
  const decryptor = new Decryptor(keys, name);
  const handle = await fs.open(target, 'wx', options.mode ?? 0o600);
  try {
    const write = async (bytes: Buffer) => {
      for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
    };
    for await (const data of createReadStream(source, { highWaterMark: READ_BATCH_BYTES })) {
      for (const plain of decryptor.push(data as Buffer)) await write(plain);
    }
    for (const plain of decryptor.finish()) await write(plain);
  } catch (error) {
    await handle.close();
    await fs.rm(target, { force: true });
    throw error;
  }
  await handle.close();
}
