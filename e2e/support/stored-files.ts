/**
 * The tests' way into the files a test server stores encrypted at rest: with the server's
 * keys (the development key it generated into DATA_DIR/keys/data-keys, unless the test
 * gave it DATA_KEYS), decrypt a stored file into a copy of the test's own for ffprobe
 * and ffmpeg. The server itself never leaves such a copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDataKeys, type DataKeyring } from '../../sfu/src/storage/encryption/data-keys.ts';
import { MAGIC, decryptBuffer, decryptFile, looksEncrypted } from '../../sfu/src/storage/encryption/encrypted-file.ts';
import { readRecordingJournal, type JournalReadOutcome } from '../../sfu/src/storage/encryption/recording-journal.ts';
import { DEVELOPMENT_KEY_FILE } from '../../sfu/src/storage/encryption/key-setup.ts';

/** The keys of a test server's data folder: its generated development key. */
export function dataKeysOf(dataDir: string): DataKeyring {
  const text = fs.readFileSync(path.join(dataDir, DEVELOPMENT_KEY_FILE), 'utf8');
  const value = (name: string) => text.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]?.trim();
  return parseDataKeys(value('DATA_KEYS')!, value('DATA_KEY_ID'));
}

/** True when the file on disk is in the encrypted format. */
export function isEncrypted(file: string): boolean {
  const start = Buffer.alloc(MAGIC.length);
  const fd = fs.openSync(file, 'r');
  try {
    return looksEncrypted(start.subarray(0, fs.readSync(fd, start, 0, start.length, 0)));
  } finally {
    fs.closeSync(fd);
  }
}

const nameIn = (dataDir: string, file: string) => path.relative(dataDir, file).split(path.sep).join('/');

/** Decrypts the stored `file` into `target` (overwritten); returns `target`. */
export async function decryptedCopy(dataDir: string, file: string, target: string, keys: DataKeyring = dataKeysOf(dataDir)): Promise<string> {
  fs.rmSync(target, { force: true });
  await decryptFile(keys, nameIn(dataDir, file), file, target);
  return target;
}

/** The stored file's content, decrypted. */
export function storedContent(dataDir: string, file: string, keys: DataKeyring = dataKeysOf(dataDir)): Buffer {
  return decryptBuffer(keys, nameIn(dataDir, file), fs.readFileSync(file));
}

/**
 * What a recording's encrypted journal (`<recording>.journal`, while a call is recorded or
 * after a crash) holds so far: its complete records' plaintext, and whether a torn record
 * was left out.
 */
export async function journalContent(dataDir: string, journalFile: string, keys: DataKeyring = dataKeysOf(dataDir)): Promise<{ plaintext: Buffer; outcome: JournalReadOutcome }> {
  return readRecordingJournal(keys, nameIn(dataDir, journalFile), journalFile);
}
