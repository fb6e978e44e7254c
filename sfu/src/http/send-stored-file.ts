/**
 * Serves a stored file (evidence, receipt, playable media) to a user already authorised
 * for it, decrypting on the way (storage/stored-file.ts): never a plaintext copy on disk.
 * Answers single byte-range requests (a player seeking asks for ranges) by decrypting only
 * the chunks that cover the range; a request for several ranges gets the whole file.
 */
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { RequestError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { EncryptedFileError } from '../storage/encryption/encrypted-file.ts';
import { openStoredFileReader, storedFileName, type StoredFileReader } from '../storage/stored-file.ts';

export interface SendStoredFileOptions {
  dataDir: string;
  /** The file as its database row names it. */
  file: string;
  /** The Content-Type to send. */
  mimeType: string;
  logger?: Logger;
}

export async function sendStoredFile(req: Request, res: Response, options: SendStoredFileOptions): Promise<void> {
  const name = storedFileName(options.dataDir, options.file);
  let reader: StoredFileReader;
  try {
    reader = await openStoredFileReader(options.dataDir, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new RequestError('not-found', 'the stored file is missing: run the audit verification');
    if (error instanceof EncryptedFileError) {
      options.logger?.error({ err: error.message }, 'a stored file failed its integrity check');
      throw new RequestError('conflict', 'the stored file failed its integrity check (it was changed or damaged): run the audit verification');
    }
    throw error;
  }
  const size = reader.plaintextSize;
  let range: { start: number; end: number } | undefined;
  const asked = req.get('range') ? req.range(size, { combine: true }) : undefined;
  if (asked === -1) {
    await reader.close();
    res.status(416).setHeader('Content-Range', `bytes */${size}`);
    res.end();
    return;
  }
  // A malformed header (-2) or several ranges: the whole file, as RFC 9110 allows.
  if (Array.isArray(asked) && asked.type === 'bytes' && asked.length === 1) range = { start: asked[0]!.start, end: asked[0]!.end };

  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'private, no-store');
  res.type(options.mimeType);
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  }
  res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : size));
  if (req.method === 'HEAD' || size === 0) {
    await reader.close();
    res.end();
    return;
  }
  try {
    await pipeline(reader.stream(range), res);
  } catch (error) {
    // Headers are gone: the client sees a cut-off transfer, never bytes that did not authenticate.
    if (error instanceof EncryptedFileError) options.logger?.error({ err: error.message }, 'a stored file failed its integrity check while being sent');
    res.destroy();
  }
}
