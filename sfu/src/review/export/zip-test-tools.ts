/**
 * Reading an evidence export back with an independent ZIP reader (yauzl), for the
 * export's specs and the end-to-end test. Used by tests only.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every entry of a ZIP, by its name in the archive, in archive order. */
export function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      file.on('entry', (entry: yauzl.Entry) =>
        file.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          readAll(stream).then((bytes) => {
            entries.set(entry.fileName, bytes);
            file.readEntry();
          }, reject);
        }),
      );
      file.once('end', () => resolve(entries));
      file.once('error', reject);
      file.readEntry();
    });
  });
}
