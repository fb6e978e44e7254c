/**
 * The at-rest format of a recording while it is being written: an append-only journal of
 * AES-256-GCM records. ffmpeg's Matroska arrives as a stream; the STREAM format of
 * encrypted-file.ts seals fixed 64 KiB chunks and cannot seal a partial one without
 * sealing it again later (nonce reuse), yet a crash must lose at most about a second. So
 * a recording in progress is written as records of whatever is pending, each sealed once
 * and never touched again; when the recording ends (or at the next start after a crash)
 * the journal is converted into the usual encrypted file and removed.
 *
 *   header   "VTMJRN1\0"            8 bytes, magic and version
 *            key id length, key id  uint8 + ASCII: which DATA_KEYS key
 *            salt                   16 random bytes
 *            base nonce             12 random bytes
 *            key check              16 bytes
 *   records  uint32 BE plaintext length n (1 to 16 MiB), n bytes of ciphertext, 16-byte GCM tag
 *
 * The file key and key check come from HKDF-SHA256(data key, salt, "VTMJRN1 file " + name)
 * as in encrypted-file.ts (another label: the two formats never share a key); `name` is
 * the journal's own name relative to the data folder. Record i is sealed with nonce =
 * base nonce XOR i and additional data = the whole header ‖ uint64 i, so a changed header,
 * a record flipped, dropped, repeated or moved fails authentication.
 *
 * A record is sealed once 64 KiB are pending, or 200 ms after the first pending byte, and
 * appended with one write: a crash loses what was pending (at most 0.2 s) and may leave
 * the last record torn (cut short, or zeros after a power loss). Readers drop such a
 * tail and report it (`truncated`); a record that does not authenticate with bytes after
 * it, or complete and not zeros, is damage and an error. Records removed from the end
 * cannot be told from a crash: the journal is short-lived, and the sealed file that
 * replaces it authenticates its own end.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import { KEY_ID_PATTERN, type DataKeyring } from './data-keys.ts';
import {
  CHECK_BYTES,
  EncryptedFileError,
  JOURNAL_MAGIC,
  NONCE_BYTES,
  SALT_BYTES,
  TAG_BYTES,
  deriveFileKeys,
  indexedNonce,
  openFileKey,
  readAt,
  writeEncryptedStream,
  type KeySource,
  type StoredBytes,
  type WriteOptions,
} from './encrypted-file.ts';

export { JOURNAL_MAGIC } from './encrypted-file.ts';

const FORMAT = 'VTMJRN1';
const LENGTH_BYTES = 4;
/** Far above what the writer seals (64 KiB): a larger length is damage, not a record. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const FIXED_PREFIX = JOURNAL_MAGIC.length + 1;
const READ_BATCH_BYTES = 1024 * 1024;
export const JOURNAL_RECORD_BYTES = 64 * 1024;
export const JOURNAL_SEAL_AFTER_MS = 200;

interface JournalHeader {
  keyId: string;
  salt: Buffer;
  baseNonce: Buffer;
  check: Buffer;
  /** As stored: authenticated with every record. */
  bytes: Buffer;
}

function buildHeader(keyId: string, salt: Buffer, baseNonce: Buffer, check: Buffer): Buffer {
  const id = Buffer.from(keyId, 'latin1');
  return Buffer.concat([JOURNAL_MAGIC, Buffer.from([id.length]), id, salt, baseNonce, check]);
}

/** The header at the start of `bytes`; null when more bytes are needed (`atEnd` false) or it is not a journal. */
function parseHeader(bytes: Buffer, name: string, atEnd: boolean): JournalHeader | 'need-more' {
  const notJournal = () => new EncryptedFileError(`${name}: not a recording journal`);
  const prefix = bytes.subarray(0, JOURNAL_MAGIC.length);
  if (!JOURNAL_MAGIC.subarray(0, prefix.length).equals(prefix)) throw notJournal();
  if (bytes.length >= FIXED_PREFIX) {
    const idLength = bytes.readUInt8(JOURNAL_MAGIC.length);
    const length = FIXED_PREFIX + idLength + SALT_BYTES + NONCE_BYTES + CHECK_BYTES;
    if (bytes.length >= length) {
      const keyId = bytes.toString('latin1', FIXED_PREFIX, FIXED_PREFIX + idLength);
      if (!KEY_ID_PATTERN.test(keyId)) throw new EncryptedFileError(`${name}: the journal's header is not valid`);
      let at = FIXED_PREFIX + idLength;
      const take = (n: number) => bytes.subarray(at, (at += n));
      return { keyId, salt: take(SALT_BYTES), baseNonce: take(NONCE_BYTES), check: take(CHECK_BYTES), bytes: Buffer.from(bytes.subarray(0, length)) };
    }
  }
  if (atEnd) throw new EncryptedFileError(`${name}: the journal's header is cut short`);
  return 'need-more';
}

/** Seals and opens the records of one journal. */
class RecordCipher {
  readonly header: JournalHeader;
  readonly #key: Buffer;
  readonly #name: string;

  private constructor(header: JournalHeader, key: Buffer, name: string) {
    this.header = header;
    this.#key = key;
    this.#name = name;
  }

  static create(keys: DataKeyring, name: string): RecordCipher {
    const keyId = keys.currentId;
    const salt = randomBytes(SALT_BYTES);
    const baseNonce = randomBytes(NONCE_BYTES);
    const { key, check } = deriveFileKeys(keys.key(keyId), salt, name, FORMAT);
    return new RecordCipher({ keyId, salt, baseNonce, check, bytes: buildHeader(keyId, salt, baseNonce, check) }, key, name);
  }

  static forJournal(keys: KeySource, header: JournalHeader, name: string): RecordCipher {
    return new RecordCipher(header, openFileKey(keys, header, name, FORMAT), name);
  }

  #aad(index: number): Buffer {
    const position = Buffer.alloc(8);
    position.writeBigUInt64BE(BigInt(index));
    return Buffer.concat([this.header.bytes, position]);
  }

  /** The whole record: length, ciphertext, tag. */
  seal(index: number, plaintext: Buffer): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.#key, indexedNonce(this.header.baseNonce, index), { authTagLength: TAG_BYTES });
    cipher.setAAD(this.#aad(index));
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(plaintext.length);
    return Buffer.concat([length, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  /** The plaintext of record `index` (ciphertext and tag), or null when it does not authenticate. */
  open(index: number, sealed: Buffer): Buffer | null {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, indexedNonce(this.header.baseNonce, index), { authTagLength: TAG_BYTES });
      decipher.setAAD(this.#aad(index));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      return null;
    }
  }

  damaged(index: number, why: string): EncryptedFileError {
    return new EncryptedFileError(`${this.#name}: journal record ${index + 1} ${why}: the journal was changed, or had records removed or reordered`);
  }
}

export interface JournalWriterOptions {
  /** Plaintext bytes that make a record at once (64 KiB). */
  recordBytes?: number;
  /** The longest a pending byte waits before it is sealed (200 ms). */
  sealAfterMs?: number;
  /** Sealed records waiting for the disk beyond which `onBacklog` is told (8 MiB; then at each doubling). */
  backlogWarnBytes?: number;
  onBacklog?: (queuedBytes: number) => void;
  /** A write failed: later records are dropped (what is on disk stays readable). */
  onError?: (error: Error) => void;
}

export interface JournalWritten {
  records: number;
  plaintextBytes: number;
  /** The first write error, when the disk refused (the journal then ends before it). */
  error: Error | null;
}

/**
 * Appends a stream (ffmpeg's stdout) to a new journal. `write` never waits: records are
 * sealed at once and queued for the disk, so a slow disk costs memory, never the reading
 * of the stream (a blocked pipe would make ffmpeg drop RTP packets).
 */
export class RecordingJournalWriter {
  readonly #handle: FileHandle;
  readonly #cipher: RecordCipher;
  readonly #recordBytes: number;
  readonly #sealAfterMs: number;
  readonly #onBacklog: (queuedBytes: number) => void;
  readonly #onError: (error: Error) => void;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #sealTimer: NodeJS.Timeout | null = null;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #backlogWarnAt: number;
  #position: number;
  #writing: Promise<void> | null = null;
  #records = 0;
  #plaintextBytes = 0;
  #error: Error | null = null;
  #ended: Promise<JournalWritten> | null = null;

  private constructor(handle: FileHandle, cipher: RecordCipher, options: JournalWriterOptions) {
    this.#handle = handle;
    this.#cipher = cipher;
    this.#recordBytes = options.recordBytes ?? JOURNAL_RECORD_BYTES;
    this.#sealAfterMs = options.sealAfterMs ?? JOURNAL_SEAL_AFTER_MS;
    this.#backlogWarnAt = options.backlogWarnBytes ?? 8 * 1024 * 1024;
    this.#onBacklog = options.onBacklog ?? (() => {});
    this.#onError = options.onError ?? (() => {});
    this.#position = cipher.header.bytes.length;
  }

  /** Creates the journal `file` (named `name` in the data folder; it must not exist) and writes its header. */
  static async create(keys: DataKeyring, name: string, file: string, options: JournalWriterOptions = {}): Promise<RecordingJournalWriter> {
    const recordBytes = options.recordBytes ?? JOURNAL_RECORD_BYTES;
    if (!Number.isInteger(recordBytes) || recordBytes < 1 || recordBytes > MAX_RECORD_BYTES) throw new RangeError(`record size ${recordBytes} is out of range`);
    const cipher = RecordCipher.create(keys, name);
    const handle = await fs.open(file, 'wx', 0o600);
    try {
      await writeFully(handle, cipher.header.bytes, 0);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new RecordingJournalWriter(handle, cipher, options);
  }

  get keyId(): string {
    return this.#cipher.header.keyId;
  }

  /** Bytes sealed and waiting for the disk. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  write(data: Buffer): void {
    if (this.#ended) throw new Error('the journal has ended');
    if (data.length === 0) return;
    this.#pending.push(data);
    this.#pendingBytes += data.length;
    if (this.#pendingBytes >= this.#recordBytes) this.#sealFullRecords();
    if (this.#pendingBytes > 0 && !this.#sealTimer) this.#sealTimer = setTimeout(() => this.#sealPending(), this.#sealAfterMs);
  }

  /** Seals what is pending as the last record, waits for the disk and closes the journal. */
  end(): Promise<JournalWritten> {
    this.#ended ??= (async () => {
      this.#sealPending();
      while (this.#writing) await this.#writing;
      await this.#handle.close();
      return { records: this.#records, plaintextBytes: this.#plaintextBytes, error: this.#error };
    })();
    return this.#ended;
  }

  #sealFullRecords(): void {
    const pending = Buffer.concat(this.#pending);
    let at = 0;
    for (; pending.length - at >= this.#recordBytes; at += this.#recordBytes) this.#enqueue(pending.subarray(at, at + this.#recordBytes));
    this.#pending = at < pending.length ? [pending.subarray(at)] : [];
    this.#pendingBytes = pending.length - at;
    if (this.#pendingBytes === 0) this.#clearTimer();
  }

  #sealPending(): void {
    this.#clearTimer();
    if (this.#pendingBytes === 0) return;
    const pending = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#enqueue(pending);
  }

  #clearTimer(): void {
    if (this.#sealTimer) clearTimeout(this.#sealTimer);
    this.#sealTimer = null;
  }

  #enqueue(plaintext: Buffer): void {
    if (this.#error) return;
    const record = this.#cipher.seal(this.#records++, plaintext);
    this.#plaintextBytes += plaintext.length;
    this.#queue.push(record);
    this.#queuedBytes += record.length;
    if (this.#queuedBytes >= this.#backlogWarnAt) {
      this.#onBacklog(this.#queuedBytes);
      this.#backlogWarnAt *= 2; // one warning per doubling: a bounded log
    }
    this.#writing ??= this.#drain().finally(() => (this.#writing = null));
  }

  /** Appends queued records in order, all that are queued in one write. */
  async #drain(): Promise<void> {
    while (this.#queue.length && !this.#error) {
      const batch = this.#queue.length === 1 ? this.#queue[0]! : Buffer.concat(this.#queue);
      this.#queue = [];
      try {
        await writeFully(this.#handle, batch, this.#position);
        this.#position += batch.length;
      } catch (error) {
        this.#error = error as Error;
        this.#onError(this.#error);
      }
      this.#queuedBytes -= batch.length;
    }
    this.#queue = [];
    this.#queuedBytes = 0;
  }
}

async function writeFully(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at, position + at)).bytesWritten;
}

export interface JournalReadOutcome {
  keyId: string;
  records: number;
  plaintextBytes: number;
  /** The journal ended in a torn record (a crash while it was written), dropped. */
  truncated: boolean;
  /** Bytes of the torn tail left out. */
  droppedBytes: number;
}

/**
 * Reads a journal's records in order, each authenticated before its plaintext is given.
 * After `plaintext()` has run to its end, `outcome` says what was read.
 */
export class RecordingJournalReader {
  readonly #handle: FileHandle;
  readonly #cipher: RecordCipher;
  readonly #size: number;
  outcome: JournalReadOutcome | null = null;

  private constructor(handle: FileHandle, cipher: RecordCipher, size: number) {
    this.#handle = handle;
    this.#cipher = cipher;
    this.#size = size;
  }

  /** Opens the journal `file` (named `name`), checking its header and that the key is the journal's. */
  static async open(keys: KeySource, name: string, file: string): Promise<RecordingJournalReader> {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const { bytes } = await readAt(handle, 0, Math.min(size, FIXED_PREFIX + 255 + SALT_BYTES + NONCE_BYTES + CHECK_BYTES));
      const header = parseHeader(bytes, name, true) as JournalHeader;
      return new RecordingJournalReader(handle, RecordCipher.forJournal(keys, header, name), size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get keyId(): string {
    return this.#cipher.header.keyId;
  }

  /** True when the journal holds no record bytes at all (nothing was ever sealed). */
  get empty(): boolean {
    return this.#size <= this.#cipher.header.bytes.length;
  }

  async *plaintext(): AsyncGenerator<Buffer> {
    const outcome: JournalReadOutcome = { keyId: this.keyId, records: 0, plaintextBytes: 0, truncated: false, droppedBytes: 0 };
    let position = this.#cipher.header.bytes.length;
    let buffered = Buffer.alloc(0);
    let bufferedAt = position;
    /** The bytes from `position` on, at least `length` of them unless the file ends first. */
    const bytesAt = async (length: number): Promise<Buffer> => {
      const start = position - bufferedAt;
      if (buffered.length - start < length && bufferedAt + buffered.length < this.#size) {
        const more = await readAt(this.#handle, bufferedAt + buffered.length, Math.max(length, READ_BATCH_BYTES));
        buffered = Buffer.concat([buffered.subarray(start), more.bytes]);
        bufferedAt = position;
      }
      const from = position - bufferedAt;
      return buffered.subarray(from, from + length);
    };
    const tornTail = () => {
      outcome.truncated = true;
      outcome.droppedBytes = this.#size - position;
    };
    while (position < this.#size) {
      const lengthBytes = await bytesAt(LENGTH_BYTES);
      if (lengthBytes.length < LENGTH_BYTES) {
        tornTail();
        break;
      }
      const length = lengthBytes.readUInt32BE(0);
      const recordLength = LENGTH_BYTES + length + TAG_BYTES;
      if (length === 0 || length > MAX_RECORD_BYTES) {
        if (await this.#zerosFrom(position)) {
          tornTail();
          break;
        }
        throw this.#cipher.damaged(outcome.records, `has an impossible length (${length})`);
      }
      if (position + recordLength > this.#size) {
        tornTail();
        break;
      }
      const record = await bytesAt(recordLength);
      const plain = this.#cipher.open(outcome.records, record.subarray(LENGTH_BYTES));
      if (!plain) {
        if (await this.#zerosFrom(position)) {
          tornTail();
          break;
        }
        throw this.#cipher.damaged(outcome.records, 'does not authenticate');
      }
      position += recordLength;
      outcome.records++;
      outcome.plaintextBytes += plain.length;
      yield plain;
    }
    this.outcome = outcome;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }

  /** Whether every byte from `position` to the end is zero: a tail the disk never got (power loss). */
  async #zerosFrom(position: number): Promise<boolean> {
    for (let at = position; at < this.#size; at += READ_BATCH_BYTES) {
      const { bytes } = await readAt(this.#handle, at, Math.min(READ_BATCH_BYTES, this.#size - at));
      if (bytes.some((b) => b !== 0)) return false;
    }
    return true;
  }
}

/** Reads a whole journal: its plaintext and what was read (for tests and tools; recordings are large). */
export async function readRecordingJournal(keys: KeySource, name: string, file: string): Promise<{ plaintext: Buffer; outcome: JournalReadOutcome }> {
  const reader = await RecordingJournalReader.open(keys, name, file);
  try {
    const parts: Buffer[] = [];
    for await (const plain of reader.plaintext()) parts.push(plain);
    return { plaintext: Buffer.concat(parts), outcome: reader.outcome! };
  } finally {
    await reader.close();
  }
}

/** The key id of a journal's header; null when the file is not a journal. Reads only the first bytes. */
export async function readJournalKeyId(file: string, name = file): Promise<string | null> {
  const handle = await fs.open(file, 'r');
  try {
    const { bytes, atEnd } = await readAt(handle, 0, FIXED_PREFIX + 255 + SALT_BYTES + NONCE_BYTES + CHECK_BYTES);
    if (!(bytes.length >= JOURNAL_MAGIC.length && bytes.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC))) return null;
    const header = parseHeader(bytes, name, atEnd);
    return header === 'need-more' ? null : header.keyId;
  } finally {
    await handle.close();
  }
}

/**
 * Converts the journal `journal.file` into the encrypted file (encrypted-file.ts format)
 * `target.file`, named `target.name`, atomically: the records' plaintext, in order, a
 * torn last record left out. The journal is left as it is (the caller removes it once
 * the conversion is safely in place).
 */
export async function convertJournalToEncryptedFile(
  keys: DataKeyring,
  journal: { name: string; file: string },
  target: { name: string; file: string },
  options: WriteOptions = {},
): Promise<{ stored: StoredBytes; outcome: JournalReadOutcome }> {
  const reader = await RecordingJournalReader.open(keys, journal.name, journal.file);
  try {
    const stored = await writeEncryptedStream(keys, target.name, target.file, reader.plaintext(), options);
    return { stored, outcome: reader.outcome! };
  } finally {
    await reader.close();
  }
}
