/** Serving stored files over HTTP: decrypted whole or by byte range, refused when they do not authenticate. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import { useDataKeys, writeStoredFile } from '../storage/stored-file.ts';
import { RequestError } from '../errors.ts';
import { sendStoredFile } from './send-stored-file.ts';

describe('sendStoredFile', () => {
  let dataDir: string;
  let server: http.Server;
  let url: string;
  let release: () => void;
  const media = randomBytes(1_000_000);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-send-'));
    release = useDataKeys(dataDir, new DataKeyring([{ id: 'k', key: randomBytes(32) }], 'k'));
    await writeStoredFile(dataDir, 'playback/s1/segment-001-kiosk.webm', media);
    await writeStoredFile(dataDir, 'evidence/s1/empty.json', Buffer.alloc(0));
    const app = express();
    app.get('/files/:folder/:name', async (req, res) => {
      await sendStoredFile(req, res, { dataDir, file: path.join(dataDir, req.params.folder, 's1', req.params.name), mimeType: 'video/webm' });
    });
    app.use(((error, _req, res, _next) => {
      res.status(error instanceof RequestError ? (error.code === 'conflict' ? 409 : 404) : 500).json({ message: error.message });
    }) as express.ErrorRequestHandler);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    release();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (name: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(`${url}/${name}`, { headers, method });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('sends the whole file decrypted, and any single range of it', async () => {
    const whole = await get('playback/segment-001-kiosk.webm');
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.res.headers.get('content-type')).toBe('video/webm');
    expect(whole.res.headers.get('cache-control')).toBe('private, no-store');
    expect(whole.body.equals(media)).toBe(true);

    for (const [range, start, end] of [
      ['bytes=0-1', 0, 1],
      ['bytes=65530-65545', 65530, 65545],
      ['bytes=500000-', 500000, media.length - 1],
      ['bytes=-100', media.length - 100, media.length - 1],
      ['bytes=999990-2000000', 999990, media.length - 1],
    ] as const) {
      const part = await get('playback/segment-001-kiosk.webm', { range });
      expect(part.res.status, range).toBe(206);
      expect(part.res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${media.length}`);
      expect(Number(part.res.headers.get('content-length'))).toBe(end - start + 1);
      expect(part.body.equals(media.subarray(start, end + 1)), range).toBe(true);
    }
    // Unsatisfiable: 416; several ranges or a malformed header: the whole file.
    const beyond = await get('playback/segment-001-kiosk.webm', { range: 'bytes=2000000-' });
    expect(beyond.res.status).toBe(416);
    expect(beyond.res.headers.get('content-range')).toBe(`bytes */${media.length}`);
    expect((await get('playback/segment-001-kiosk.webm', { range: 'bytes=0-1,500-600' })).body.length).toBe(media.length);
    expect((await get('playback/segment-001-kiosk.webm', { range: 'pages=1' })).res.status).toBe(200);
    const head = await get('playback/segment-001-kiosk.webm', {}, 'HEAD');
    expect(head.res.headers.get('content-length')).toBe(String(media.length));
    expect(head.body.length).toBe(0);
    const empty = await get('evidence/empty.json');
    expect([empty.res.status, empty.body.length]).toEqual([200, 0]);
  });

  it('refuses a missing file, and a changed one before a byte of it is sent', async () => {
    expect((await get('playback/missing.webm')).res.status).toBe(404);
    const file = path.join(dataDir, 'playback/s1/segment-001-kiosk.webm');
    const original = fs.readFileSync(file);
    fs.chmodSync(file, 0o644);
    try {
      // The last chunk is checked on opening: a change there is refused with 409.
      const changed = Buffer.from(original);
      changed[changed.length - 3]! ^= 1;
      fs.writeFileSync(file, changed);
      const refused = await get('playback/segment-001-kiosk.webm');
      expect(refused.res.status).toBe(409);
      expect(refused.body.toString()).toMatch(/failed its integrity check/);
      // A change in the middle is found when its chunk is read: the transfer is cut short.
      const middle = Buffer.from(original);
      middle[original.length / 2]! ^= 1;
      fs.writeFileSync(file, middle);
      await expect(get('playback/segment-001-kiosk.webm')).rejects.toThrow();
      // A range before the change still reads.
      expect((await get('playback/segment-001-kiosk.webm', { range: 'bytes=0-99' })).body.equals(media.subarray(0, 100))).toBe(true);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
