/**
 * The one way to read back, and to remove, the files the server keeps under DATA_DIR
 * (recordings, playable media, evidence). Files are named as the audit trail names them,
 * relative to the data folder, so a name from the trail or a database row works alike.
 *
 * Kept narrow on purpose: when files are encrypted at rest, reading decrypts here and
 * nowhere else.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { relativeToDataDir, resolveInDataDir } from '../audit/audit-entry.ts';

/** A stored file's name relative to the data folder, from the path a database row holds. */
export function storedFileName(dataDir: string, file: string): string {
  return relativeToDataDir(dataDir, file);
}

function locate(dataDir: string, relativePath: string): string {
  const file = resolveInDataDir(dataDir, relativePath);
  if (!file) throw new Error(`${relativePath} is not inside the data folder`);
  return file;
}

/** The file's content as stored; a missing file shows as the stream's error (ENOENT). */
export function openStoredFile(dataDir: string, relativePath: string): Readable {
  return createReadStream(locate(dataDir, relativePath));
}

export interface StoredFileContent {
  sha256: string;
  sizeBytes: number;
  /** The bytes themselves, when asked for (small files only: images, JSON). */
  bytes?: Buffer;
}

/** Reads a stored file once, hashing it on the way (and keeping its bytes if asked). */
export async function readStoredFile(dataDir: string, relativePath: string, options: { keepBytes?: boolean } = {}): Promise<StoredFileContent> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of openStoredFile(dataDir, relativePath)) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    sizeBytes += bytes.length;
    if (options.keepBytes) chunks.push(bytes);
  }
  return { sha256: hash.digest('hex'), sizeBytes, ...(options.keepBytes ? { bytes: Buffer.concat(chunks) } : {}) };
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
