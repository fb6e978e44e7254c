/**
 * Personal data encrypted at rest, against the real server with keys from configuration
 * (DATA_KEYS: last year's key and the current one). A whole recorded sale (ID card images,
 * a still, the handwritten acknowledgement, the signature, the receipt) is finalised.
 * While the call is recorded, the recording exists only as its encrypted journal: no file
 * under DATA_DIR is Matroska, yet the journal decrypts to the Matroska recorded so far.
 * Then:
 *  - no file under DATA_DIR/evidence, recordings or playback is an image, a PDF, SVG, JSON
 *    or media file: each starts with the encrypted header under the current key, none
 *    holds a PNG/JPEG/Matroska/WebM/MP4 signature at its start, ffprobe cannot read the
 *    recording, and no decrypted working copy is left in DATA_DIR/tmp;
 *  - yet every route gives the content back to an authorised user: the evidence route the
 *    very bytes the kiosk and the teller uploaded, the receipt a PDF, playback (whole and
 *    by range requests, timed) WebM or MP4 that ffprobe reads, the export a ZIP whose
 *    manifest holds with the recording in it decrypted;
 *  - the audit trail verifies, by the API and by `npm run audit:verify` without any key;
 *  - keys rotate: restarted with a new current key (the old one still listed) everything
 *    reads; restarted without the key the files use, the server refuses to start and says why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportManifest, type AuditVerificationReport, type SessionDetail } from '@vtm/shared';
import { parseDataKeys } from '../sfu/src/storage/encryption/data-keys.ts';
import { readEncryptionHeader } from '../sfu/src/storage/encryption/encrypted-file.ts';
import { JOURNAL_MAGIC } from '../sfu/src/storage/encryption/recording-journal.ts';
import { unzip } from '../sfu/src/review/export/zip-test-tools.ts';
import { WRITE_HEADERS, signIn } from './support/api.ts';
import { artifactDir, repoRoot } from './support/artifacts.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { callAndAccept, openKioskAndConsole, waitForFinalisation } from './support/call-flow.ts';
import { probe } from './support/ffprobe.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { completeSession, sellUpToSignature } from './support/regulated-flow.ts';
import { startServer, type TestServer } from './support/server.ts';
import { decryptedCopy, journalContent, storedContent } from './support/stored-files.ts';

const PRODUCT = 'WM-R1-90D';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const OLD_KEY = key('k2025');
const CURRENT_KEY = key('k2026');
const NEXT_KEY = key('k2027');

/** What plaintext files of these kinds start with. */
const SIGNATURES: Record<string, { at: number; bytes: Buffer }> = {
  png: { at: 0, bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  jpeg: { at: 0, bytes: Buffer.from([0xff, 0xd8, 0xff]) },
  'matroska/webm (EBML)': { at: 0, bytes: Buffer.from([0x1a, 0x45, 0xdf, 0xa3]) },
  mp4: { at: 4, bytes: Buffer.from('ftyp') },
  pdf: { at: 0, bytes: Buffer.from('%PDF') },
  svg: { at: 0, bytes: Buffer.from('<svg') },
  json: { at: 0, bytes: Buffer.from('{') },
};

/** Every file under the folders that hold personal data. */
function storedFiles(dataDir: string): string[] {
  return ['evidence', 'recordings', 'playback'].flatMap((folder) =>
    fs.existsSync(path.join(dataDir, folder)) ? (fs.readdirSync(path.join(dataDir, folder), { recursive: true }) as string[]).map((f) => path.join(dataDir, folder, f)).filter((f) => fs.statSync(f).isFile()) : [],
  );
}

/** Every file under the data folder (database, keys, temporary copies included). */
function everyFile(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile());
}

const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** The DocType of every Matroska file's header: 8 bytes, never there by chance in ciphertext. */
const MATROSKA_DOCTYPE = Buffer.from('matroska');

/** The recorder's own files beside a segment: its SDP (ports and codecs) and ffmpeg's log. No personal data. */
const isRecorderFile = (file: string) => /\.(sdp|ffmpeg\.log)$/.test(file);

/** In the page: wraps fetch to keep, by evidence kind, the base64 of every upload's body. */
function recordUploads(): void {
  const uploads: Record<string, string[]> = {};
  (window as unknown as { vtmTestUploads: Record<string, string[]> }).vtmTestUploads = uploads;
  const original = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const kind = url.match(/\/kiosk-uploads\/([a-z-]+)$/)?.[1] ?? (/\/stills$/.test(url) ? 'still' : null);
    if (kind && init?.method === 'POST' && init.body) {
      const bytes = new Uint8Array(await new Response(init.body).arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      (uploads[kind] ??= []).push(btoa(text));
    }
    return original(input, init);
  };
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', script), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('personal data encrypted at rest', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;
  let sessionId: string;
  let detail: SessionDetail;
  /** The bodies the kiosk and the teller uploaded, by evidence kind, in the order sent. */
  const uploaded = new Map<string, Buffer[]>();

  beforeAll(async () => {
    dir = artifactDir('encryption-at-rest');
    server = await startServer(dir, { DATA_KEYS: `${OLD_KEY},${CURRENT_KEY}`, DATA_KEY_ID: 'k2026' });
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const get = async (route: string, headers: Record<string, string> = {}) => {
    const started = performance.now();
    const response = await fetch(`${server.url}${route}`, { headers: { cookie: await signIn(server.url, 'compliance1'), ...headers } });
    const body = Buffer.from(await response.arrayBuffer());
    return { response, body, ms: performance.now() - started };
  };

  it('stores nothing readable, and gives everything back decrypted to those allowed', { timeout: 420_000 }, async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-ENCRYPTED', teller: 'teller1' });
    // Keep a copy of each upload's body as the page sends it (Blob bodies are not in Playwright's request events).
    for (const page of [pages.kiosk, pages.teller]) await page.evaluate(recordUploads);
    ({ sessionId } = await callAndAccept(pages));
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await sellUpToSignature(pages, PRODUCT);
    for (const page of [pages.kiosk, pages.teller]) {
      const sent = await page.evaluate(() => (window as unknown as { vtmTestUploads: Record<string, string[]> }).vtmTestUploads);
      for (const [kind, bodies] of Object.entries(sent)) uploaded.set(kind, bodies.map((b) => Buffer.from(b, 'base64')));
    }

    // ---- during the call: the recording is only an encrypted journal, nothing on disk is Matroska ----
    const segmentFile = path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv');
    const journal = `${segmentFile}.journal`;
    expect(fs.existsSync(segmentFile), 'no recording file while the call runs').toBe(false);
    const journalBytes = fs.readFileSync(journal);
    expect(journalBytes.subarray(0, JOURNAL_MAGIC.length)).toEqual(JOURNAL_MAGIC);
    expect(journalBytes.subarray(0, 4).equals(EBML)).toBe(false);
    expect(journalBytes.includes(MATROSKA_DOCTYPE), 'the journal holds a Matroska header').toBe(false);
    for (const file of everyFile(server.dataDir)) {
      const start = Buffer.alloc(4);
      const fd = fs.openSync(file, 'r');
      const read = fs.readSync(fd, start, 0, 4, 0);
      fs.closeSync(fd);
      expect(read === 4 && start.equals(EBML), `${file} is plaintext Matroska during the call`).toBe(false);
    }
    for (const file of storedFiles(server.dataDir).filter((f) => !isRecorderFile(f))) expect(fs.readFileSync(file).includes(MATROSKA_DOCTYPE), `${file} holds a Matroska header`).toBe(false);
    // Yet the journal is the recording so far: Matroska once decrypted, with a second or more in it.
    const live = await journalContent(server.dataDir, journal, parseDataKeys(`${OLD_KEY},${CURRENT_KEY}`, 'k2026'));
    expect(live.plaintext.subarray(0, 4)).toEqual(EBML);
    expect(live.outcome.keyId).toBe('k2026'); // (its last record may be torn: it is being written)
    expect(live.outcome.records).toBeGreaterThan(1);
    const livePart = path.join(dir, 'live-journal.mkv');
    fs.writeFileSync(livePart, live.plaintext);
    expect(probe(livePart).streams).toHaveLength(4);
    expect(probe(livePart).durationS).toBeGreaterThan(1);

    await completeSession(pages);
    detail = await waitForFinalisation(server.url, sessionId);
    await pages.close();

    // ---- on disk: every file encrypted under the current key, none readable as what it holds ----
    const files = storedFiles(server.dataDir);
    const personal = files.filter((f) => !isRecorderFile(f));
    const names = personal.map((f) => path.relative(server.dataDir, f)).sort();
    expect(names.filter((n) => n.startsWith('recordings/'))).toEqual([`recordings/${sessionId}/segment-001.mkv`]);
    expect(names.filter((n) => n.startsWith('playback/'))).toHaveLength(2);
    for (const kind of ['id-front', 'id-back', 'still', 'acknowledgement-image', 'acknowledgement-strokes', 'signature-image', 'signature-svg', 'signature-strokes', 'receipt']) {
      expect(names.some((n) => n.startsWith(`evidence/${sessionId}/${kind}-001.`)), kind).toBe(true);
    }
    for (const file of personal) {
      const bytes = fs.readFileSync(file);
      expect(await readEncryptionHeader(file), file).toMatchObject({ keyId: 'k2026', chunkSize: 64 * 1024 });
      for (const [format, { at, bytes: signature }] of Object.entries(SIGNATURES)) {
        expect(bytes.subarray(at, at + signature.length).equals(signature), `${file} starts like ${format}`).toBe(false);
      }
      // Not just the start: no PNG signature anywhere (8 bytes: never by chance in ciphertext).
      expect(bytes.includes(SIGNATURES['png']!.bytes), `${file} holds a PNG`).toBe(false);
    }
    const recording = path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv');
    const refused = spawnSync('ffprobe', ['-v', 'error', '-show_streams', recording], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(fs.readdirSync(path.join(server.dataDir, 'tmp'))).toEqual([]);
    for (const recorderFile of files.filter(isRecorderFile)) expect(fs.readFileSync(recorderFile).includes(SIGNATURES['png']!.bytes)).toBe(false);

    // The database and the trail hold the stored bytes' hashes.
    expect(detail.recordings[0]!.sha256).toBe(sha256(fs.readFileSync(recording)));
    for (const e of detail.evidence) {
      const file = personal.find((f) => path.basename(f).startsWith(`${e.kind}-`) && f.includes('/evidence/'))!;
      expect(e.sha256, e.kind).toBe(sha256(fs.readFileSync(file)));
    }

    // ---- the evidence route: the very bytes that were uploaded ----
    expect([...uploaded.keys()].sort()).toEqual(['acknowledgement-image', 'acknowledgement-strokes', 'id-back', 'id-front', 'signature-image', 'signature-strokes', 'signature-svg', 'still']);
    for (const [kind, originals] of uploaded) {
      // Each upload of the kind (a rejected handwriting is written again), in order.
      const stored = detail.evidence.filter((e) => e.kind === kind).sort((a, b) => a.id - b.id);
      expect(stored.length, kind).toBe(originals.length);
      for (const [i, evidence] of stored.entries()) {
        const { response, body } = await get(`/api/sessions/${sessionId}/evidence/${evidence.id}`);
        expect(response.status, kind).toBe(200);
        expect(body.equals(originals[i]!), `${kind} ${i + 1}: the evidence route gives back the upload`).toBe(true);
      }
    }
    const signaturePng = (await get(`/api/sessions/${sessionId}/evidence/${detail.evidence.find((e) => e.kind === 'signature-image')!.id}`)).body;
    expect(signaturePng.subarray(0, 8)).toEqual(SIGNATURES['png']!.bytes);
    const pngFile = path.join(dir, 'signature.png');
    fs.writeFileSync(pngFile, signaturePng);
    expect(probe(pngFile).streams[0]!.codec_name).toBe('png');
    // A teller not on the session is refused before anything is decrypted.
    const other = await fetch(`${server.url}/api/sessions/${sessionId}/evidence/${detail.evidence[0]!.id}`, { headers: { cookie: await signIn(server.url, 'teller2') } });
    expect([403, 404]).toContain(other.status);
    const receipt = await get(`/api/sessions/${sessionId}/receipt`);
    expect([receipt.response.status, receipt.body.subarray(0, 4).toString()]).toEqual([200, '%PDF']);

    // ---- playback: whole, and by range requests as a seeking player asks ----
    const latencies: number[] = [];
    for (const media of detail.playback) {
      const route = `/api/sessions/${sessionId}/playback/${media.id}`;
      const whole = await get(route, { range: 'bytes=0-' });
      expect(whole.response.status).toBe(206);
      const size = Number(whole.response.headers.get('content-range')!.split('/')[1]);
      expect(whole.body.length).toBe(size);
      const file = path.join(dir, `playback-${media.party}.${media.mimeType.includes('mp4') ? 'mp4' : 'webm'}`);
      fs.writeFileSync(file, whole.body);
      const probed = probe(file);
      expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      expect(probed.durationS).toBeGreaterThan(2);
      for (let i = 0; i < 10; i++) {
        const start = Math.floor((size * i) / 10);
        const end = Math.min(size - 1, start + 256 * 1024 - 1);
        const part = await get(route, { range: `bytes=${start}-${end}` });
        expect(part.response.status).toBe(206);
        expect(part.response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
        expect(part.body.equals(whole.body.subarray(start, end + 1))).toBe(true);
        latencies.push(part.ms);
      }
    }

    // ---- the export: verified, and the recording in it decrypted and playable ----
    const exported = await get(`/api/review/sessions/${sessionId}/export`);
    expect(exported.response.status).toBe(200);
    const entries = await unzip(exported.body);
    const manifest = ExportManifest.parse(JSON.parse(entries.get('manifest.json')!.toString('utf8')));
    for (const entry of manifest.files) {
      const bytes = entries.get(entry.path)!;
      expect({ size: bytes.length, sha256: sha256(bytes) }, entry.path).toEqual({ size: entry.sizeBytes, sha256: entry.sha256 });
    }
    const zipped = manifest.files.find((f) => f.path === 'recordings/segment-001.mkv')!;
    expect(zipped.storedSha256).toBe(detail.recordings[0]!.sha256);
    const zippedRecording = path.join(dir, 'exported-segment-001.mkv');
    fs.writeFileSync(zippedRecording, entries.get('recordings/segment-001.mkv')!);
    expect(probe(zippedRecording).streams).toHaveLength(4);
    expect(entries.get('recordings/segment-001.mkv')!.equals(storedContent(server.dataDir, recording, parseDataKeys(`${OLD_KEY},${CURRENT_KEY}`, 'k2026')))).toBe(true);
    for (const [kind, originals] of uploaded) {
      const name = manifest.files.find((f) => f.path.startsWith(`evidence/${kind}-001.`))!.path;
      expect(entries.get(name)!.equals(originals[0]!), `${kind} in the export`).toBe(true);
    }

    // ---- the audit trail verifies, by the API and without any key ----
    const verified = await fetch(`${server.url}/api/audit/verify`, { method: 'POST', headers: { cookie: await signIn(server.url, 'compliance1'), ...WRITE_HEADERS } });
    expect((await verified.json()) as AuditVerificationReport).toMatchObject({ ok: true, brokenFiles: [] });
    const cli = runScript('audit-verify.ts', ['--json'], { DATA_DIR: server.dataDir, DATA_KEYS: '', DATA_KEY_ID: '' });
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as AuditVerificationReport).files).toBeGreaterThanOrEqual(personal.length);

    latencies.sort((a, b) => a - b);
    const measured = {
      recordingBytes: detail.recordings[0]!.sizeBytes,
      rangeRequests: latencies.length,
      rangeBytes: 256 * 1024,
      rangeLatencyMedianMs: Math.round(latencies[Math.floor(latencies.length / 2)]! * 10) / 10,
      rangeLatencyMaxMs: Math.round(latencies.at(-1)! * 10) / 10,
      exportBytes: exported.body.length,
      exportMs: Math.round(exported.ms),
    };
    fs.writeFileSync(path.join(dir, 'encryption-timing.json'), `${JSON.stringify(measured, null, 2)}\n`);
    console.log('encryption at rest', measured);
  });

  it('reads files of the old key after rotation, and refuses to start without a key the files need', { timeout: 180_000 }, async () => {
    expect(detail, 'the first test made the sale').toBeDefined();
    const idFront = detail.evidence.find((e) => e.kind === 'id-front')!;
    await server.stop();

    // A new current key; the files' key still listed.
    server = await startServer(dir, { DATA_KEYS: `${NEXT_KEY},${CURRENT_KEY}`, DATA_KEY_ID: 'k2027' });
    const { body } = await get(`/api/sessions/${sessionId}/evidence/${idFront.id}`);
    expect(body.equals(uploaded.get('id-front')![0]!)).toBe(true);
    await server.stop();

    // Without it: no start, and the reason names the key and a file.
    const logSize = fs.statSync(path.join(dir, 'server.log')).size;
    await expect(startServer(dir, { DATA_KEYS: NEXT_KEY, DATA_KEY_ID: 'k2027' })).rejects.toThrow(/server exited/);
    const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(logSize);
    expect(log).toMatch(/encrypted with key id "k2026", which DATA_KEYS does not list/);
    expect(log).not.toContain(CURRENT_KEY.split(':')[1]!);
    // A malformed key: no start either, and the key is not echoed.
    const short = randomBytes(16).toString('base64');
    await expect(startServer(dir, { DATA_KEYS: `k2026:${short}` })).rejects.toThrow(/server exited/);
    const bad = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
    expect(bad).toMatch(/DATA_KEYS entry 1 \("k2026"\): the key is 16 bytes, it must be 32/);
    expect(bad).not.toContain(short);

    // Back with the right keys for afterAll.
    server = await startServer(dir, { DATA_KEYS: `${NEXT_KEY},${CURRENT_KEY}`, DATA_KEY_ID: 'k2027' });
    // A copy decrypted by the test itself is the playable recording.
    const copy = await decryptedCopy(server.dataDir, path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv'), path.join(dir, 'segment-001.mkv'), parseDataKeys(CURRENT_KEY, undefined));
    expect(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', copy], { encoding: 'utf8' }).trim().split('\n')).toHaveLength(4);
  });

  it('keeps the customer\'s name and ID number out of the database file and its WAL, yet shows them to compliance', { timeout: 60_000 }, async () => {
    expect(detail, 'the first test made the sale').toBeDefined();
    // The identity as stored (the generated card the kiosk read), given back decrypted; after the rotation above, under the old key.
    const review = await get(`/api/review/sessions/${sessionId}`);
    expect(review.response.status).toBe(200);
    const customer = (JSON.parse(review.body.toString('utf8')) as { customer: { name: string; documentNumber: string } | null }).customer;
    expect(customer?.name).toBeTruthy();
    expect(customer?.documentNumber).toMatch(/^\d{17}[\dX]$/);
    const database = path.join(server.dataDir, 'vtm.sqlite');
    for (const file of [database, `${database}-wal`].filter((f) => fs.existsSync(f))) {
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(Buffer.from(customer!.documentNumber, 'utf8')), `${file} holds the ID number`).toBe(false);
      expect(bytes.includes(Buffer.from(customer!.name, 'utf8')), `${file} holds the name`).toBe(false);
    }
  });
});
