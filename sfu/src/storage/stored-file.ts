/**
 * The one way to write, read back and remove the files the server keeps under DATA_DIR
 * (recordings, playable media, evidence, receipts). Files are named as the audit trail
 * names them, relative to the data folder, so a name from the trail or a database row
 * works alike.
 *
 * Personal data is encrypted at rest (storage/encryption/encrypted-file.ts): writing
 * encrypts under the data folder's current key, reading decrypts here and nowhere else
 * (while streaming to an authorised user, or into a private temporary file for ffmpeg).
 * A file from before encryption (no encrypted header) is read as it is. A recording in
 * progress is an encrypted journal beside its stored name (recording-journal.ts), sealed
 * into the stored file when it ends.
 *
 * Hashes and sizes kept in the database and chained into the audit trail are those of
 * the bytes on disk, so the trail verifies without keys; GCM authenticates the plaintext.
 *
 * Each data folder's keys are set up once, at start (`useDataKeys`); a folder without
 * keys can still have its plaintext files read, never a file written.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { relativeToDataDir, resolveInDataDir } from '../audit/audit-entry.ts';
import { DataKeyError, type DataKeyring } from './encryption/data-keys.ts';
import { Decryptor, EncryptedFileReader, decryptFile, encryptFile, readEncryptionHeader, writeEncryptedFile, type KeySource, type StoredBytes } from './encryption/encrypted-file.ts';
import { RecordingJournalReader, RecordingJournalWriter, convertJournalToEncryptedFile, type JournalReadOutcome, type JournalWriterOptions } from './encryption/recording-journal.ts';

export type { StoredBytes } from './encryption/encrypted-file.ts';

/** The data folders this process works on, each with its keys. */
const dataFolders = new Map<string, DataKeyring>();

/** Sets up a data folder's keys (at start); returns the undo (at close). */
export function useDataKeys(dataDir: string, keys: DataKeyring): () => void {
  const root = path.resolve(dataDir);
  dataFolders.set(root, keys);
  return () => {
    if (dataFolders.get(root) === keys) dataFolders.delete(root);
  };
}

function keyringOf(dataDir: string): DataKeyring {
  const keys = dataFolders.get(path.resolve(dataDir));
  if (!keys) throw new DataKeyError(`no data keys are set up for ${dataDir}: personal data is never stored unencrypted`);
  return keys;
}

/** For reading: a folder without keys reads its plaintext files, and says why it cannot read the rest. */
function readingKeysOf(dataDir: string): KeySource {
  return dataFolders.get(path.resolve(dataDir)) ?? { key: () => keyringOf(dataDir).key('') };
}

/** The data folder (with keys set up) that holds this file. */
export function dataFolderOf(file: string): string {
  const absolute = path.resolve(file);
  for (const root of dataFolders.keys()) if (absolute.startsWith(root + path.sep)) return root;
  throw new DataKeyError(`no data keys are set up for the data folder of ${file}: personal data is never stored unencrypted`);
}

/** A stored file's name relative to the data folder, from the path a database row holds. */
export function storedFileName(dataDir: string, file: string): string {
  return relativeToDataDir(dataDir, file);
}

function locate(dataDir: string, relativePath: string): string {
  const file = resolveInDataDir(dataDir, relativePath);
  if (!file) throw new Error(`${relativePath} is not inside the data folder`);
  return file;
}

/** Writes a new stored file (read-only), encrypted under the current key; never replaces one. */
export async function writeStoredFile(dataDir: string, relativePath: string, plaintext: Buffer): Promise<StoredBytes> {
  const file = locate(dataDir, relativePath);
  await fs.mkdir(path.dirname(file), { recursive: true });
  return writeEncryptedFile(keyringOf(dataDir), relativePath, file, plaintext, { mode: 0o444 });
}

/**
 * Encrypts a plaintext file into the store as `relativePath` (read-only): from a private
 * temporary file (which the caller then removes), or the stored file itself, replaced in
 * place by its encrypted form (a recording being sealed).
 */
export async function encryptIntoStore(dataDir: string, plaintextFile: string, relativePath: string): Promise<StoredBytes> {
  const file = locate(dataDir, relativePath);
  await fs.mkdir(path.dirname(file), { recursive: true });
  return encryptFile(keyringOf(dataDir), relativePath, plaintextFile, file, { mode: 0o444, replace: true });
}

/** Whether the stored file is encrypted (false for one from before encryption), and under which key. */
export async function storedFileKeyId(dataDir: string, relativePath: string): Promise<string | null> {
  return (await readEncryptionHeader(locate(dataDir, relativePath), relativePath))?.keyId ?? null;
}

/** An open stored file: its plaintext size, and its plaintext (or a byte range of it) as one stream. */
export interface StoredFileReader {
  encrypted: boolean;
  keyId: string | null;
  plaintextSize: number;
  /** The bytes from `start` to `end` inclusive (the whole file by default); call once: the file closes when the stream ends. */
  stream(range?: { start: number; end: number }): Readable;
  /** Closes the file when no stream is read. */
  close(): Promise<void>;
}

/**
 * Opens a stored file for reading; a missing file rejects with ENOENT, an encrypted one
 * that does not authenticate with EncryptedFileError, an unknown key with UnknownDataKeyError.
 */
export async function openStoredFileReader(dataDir: string, relativePath: string): Promise<StoredFileReader> {
  const file = locate(dataDir, relativePath);
  const encrypted = await EncryptedFileReader.open(readingKeysOf(dataDir), relativePath, file);
  if (encrypted) {
    return {
      encrypted: true,
      keyId: encrypted.keyId,
      plaintextSize: encrypted.plaintextSize,
      stream: (range) => Readable.from(closing(encrypted.range(range?.start, range?.end), () => encrypted.close()), { objectMode: false }),
      close: () => encrypted.close(),
    };
  }
  const { size } = await fs.stat(file);
  return {
    encrypted: false,
    keyId: null,
    plaintextSize: size,
    stream: (range) => (range && size > 0 ? createReadStream(file, { start: range.start, end: Math.min(range.end, size - 1) }) : createReadStream(file)),
    close: async () => {},
  };
}

async function* closing(chunks: AsyncGenerator<Buffer>, close: () => Promise<void>): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } finally {
    await close();
  }
}

/** The file's plaintext (or a byte range of it); a missing or damaged file shows as the stream's error. */
export function openStoredFile(dataDir: string, relativePath: string, range?: { start: number; end: number }): Readable {
  async function* plaintext(): AsyncGenerator<Buffer> {
    const reader = await openStoredFileReader(dataDir, relativePath);
    yield* reader.stream(range);
  }
  return Readable.from(plaintext(), { objectMode: false });
}

export interface StoredFileContent {
  /** SHA-256 and size of the file as stored (ciphertext when encrypted): what the database and the trail hold. */
  sha256: string;
  sizeBytes: number;
  /** SHA-256 and size of its content, decrypted (the same as above for a file from before encryption). */
  plaintext: { sha256: string; sizeBytes: number };
  encrypted: boolean;
  /** The decrypted bytes themselves, when asked for (small files only: images, JSON). */
  bytes?: Buffer;
}

/**
 * Reads a stored file once, hashing it as stored and decrypting it on the way (every
 * chunk authenticated), keeping the plaintext if asked.
 */
export async function readStoredFile(dataDir: string, relativePath: string, options: { keepBytes?: boolean } = {}): Promise<StoredFileContent> {
  const stored = createHash('sha256');
  const plain = createHash('sha256');
  const decryptor = new Decryptor(readingKeysOf(dataDir), relativePath);
  const kept: Buffer[] = [];
  let sizeBytes = 0;
  let plainBytes = 0;
  const take = (chunks: Buffer[]) => {
    for (const chunk of chunks) {
      plain.update(chunk);
      plainBytes += chunk.length;
      if (options.keepBytes) kept.push(chunk);
    }
  };
  for await (const chunk of createReadStream(locate(dataDir, relativePath))) {
    const bytes = chunk as Buffer;
    stored.update(bytes);
    sizeBytes += bytes.length;
    take(decryptor.push(bytes));
  }
  take(decryptor.finish());
  return {
    sha256: stored.digest('hex'),
    sizeBytes,
    plaintext: { sha256: plain.digest('hex'), sizeBytes: plainBytes },
    encrypted: decryptor.encrypted === true,
    ...(options.keepBytes ? { bytes: Buffer.concat(kept) } : {}),
  };
}

/** SHA-256 and size of a stored file as it is on disk; needs no key. */
export async function hashStoredFile(dataDir: string, relativePath: string): Promise<StoredBytes> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(locate(dataDir, relativePath))) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

/** DATA_DIR/tmp: private working copies (decrypted for ffmpeg), emptied at every start. */
const TEMP_FOLDER = 'tmp';

/** A new private folder (0700) under DATA_DIR/tmp; the caller removes it. */
export async function makePrivateTempDir(dataDir: string, prefix: string): Promise<string> {
  const root = path.join(path.resolve(dataDir), TEMP_FOLDER);
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  await fs.chmod(root, 0o700);
  return fs.mkdtemp(path.join(root, prefix));
}

/** Removes working copies a stopped or crashed process left behind (at start, before any work). */
export async function clearPrivateTemp(dataDir: string): Promise<void> {
  await fs.rm(path.join(path.resolve(dataDir), TEMP_FOLDER), { recursive: true, force: true });
}

/**
 * The stored file as plaintext that ffmpeg or ffprobe can open: an encrypted file is
 * decrypted into `privateDir` (see makePrivateTempDir; the caller removes it once done);
 * a file from before encryption is used where it is.
 */
export async function plaintextCopyOf(dataDir: string, relativePath: string, privateDir: string): Promise<string> {
  const file = locate(dataDir, relativePath);
  if (!(await readEncryptionHeader(file, relativePath))) return file;
  const copy = path.join(privateDir, `${path.basename(file)}.plain`);
  await decryptFile(readingKeysOf(dataDir), relativePath, file, copy, { mode: 0o600 });
  return copy;
}

/** Runs `use` on a private plaintext copy of the stored file, removed right after. */
export async function withPlaintextCopy<T>(dataDir: string, relativePath: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await makePrivateTempDir(dataDir, 'plain-');
  try {
    return await use(await plaintextCopyOf(dataDir, relativePath, dir));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export async function storedFileExists(dataDir: string, relativePath: string): Promise<boolean> {
  return fs.access(locate(dataDir, relativePath)).then(
    () => true,
    () => false,
  );
}

/** Removes a stored file (read-only as it is); true when it was there. */
export async function removeStoredFile(dataDir: string, relativePath: string): Promise<boolean> {
  try {
    await fs.unlink(locate(dataDir, relativePath));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Removes a folder of stored files and whatever else is left in it (e.g. a recorder's SDP). */
export async function removeStoredFolder(dataDir: string, relativePath: string): Promise<void> {
  await fs.rm(locate(dataDir, relativePath), { recursive: true, force: true });
}

/** A recording in progress is kept beside its stored name, as `<name>.journal` (recording-journal.ts). */
export const recordingJournalName = (relativePath: string): string => `${relativePath}.journal`;

/** Starts the encrypted journal of the recording to be stored as `relativePath`, under the current key. */
export async function createRecordingJournal(dataDir: string, relativePath: string, options: JournalWriterOptions = {}): Promise<RecordingJournalWriter> {
  const journal = recordingJournalName(relativePath);
  const file = locate(dataDir, journal);
  await fs.mkdir(path.dirname(file), { recursive: true });
  return RecordingJournalWriter.create(keyringOf(dataDir), journal, file, options);
}

export type JournalSealOutcome =
  /** Converted into the stored file; `outcome` says whether a torn last record was dropped. */
  | { kind: 'converted'; stored: StoredBytes; outcome: JournalReadOutcome }
  /** The stored file was already there (a crash came after the conversion): the journal was only removed. */
  | { kind: 'already-sealed' }
  /** Nothing was ever recorded: the journal was removed and no stored file made. */
  | { kind: 'empty' };

/**
 * Turns the journal of the recording `relativePath` into the stored encrypted file
 * (read-only), atomically, then removes the journal; null when there is no journal.
 */
export async function sealRecordingJournal(dataDir: string, relativePath: string): Promise<JournalSealOutcome | null> {
  const journalName = recordingJournalName(relativePath);
  const journal = locate(dataDir, journalName);
  const target = locate(dataDir, relativePath);
  if (!(await fs.access(journal).then(() => true, () => false))) return null;
  let result: JournalSealOutcome;
  if (await fs.access(target).then(() => true, () => false)) {
    // Written all or nothing: a file there is the whole conversion.
    result = { kind: 'already-sealed' };
  } else {
    const reader = await RecordingJournalReader.open(readingKeysOf(dataDir), journalName, journal);
    const empty = reader.empty;
    await reader.close();
    result = empty
      ? { kind: 'empty' }
      : { kind: 'converted', ...(await convertJournalToEncryptedFile(keyringOf(dataDir), { name: journalName, file: journal }, { name: relativePath, file: target }, { mode: 0o444 })) };
  }
  await fs.rm(journal, { force: true });
  return result;
}
