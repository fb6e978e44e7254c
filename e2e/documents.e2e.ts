/**
 * The synthetic document generator: images of the right size and format, ground truth that
 * the project's own identity validators accept, reproducible from a seed, and a Y4M fake
 * camera feed that ffmpeg (and so Chromium) can read.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  formatTd3Mrz,
  parseResidentIdNumber,
  parseTd3Mrz,
  validateResidentIdBack,
  validateResidentIdFront,
  type FieldCheck,
} from '../shared/src/domain/identity/index.ts';
import { artifactDir } from './support/artifacts.ts';
import { launchBrowser } from './support/browser.ts';
import { DOCUMENT_KINDS, documentToY4m, generateDocuments, type GeneratedDocument } from './support/documents/index.ts';

const SEED = 'e2e-documents';
const COUNT = 3;
/** Fixed once, so a run that crosses midnight in Beijing still compares like with like. */
const REFERENCE_DATE = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

interface ProbedImage {
  codec: string;
  width: number;
  height: number;
}

function probeVideoStream(file: string): ProbedImage {
  const out = execFileSync('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', '-select_streams', 'v:0', file], { encoding: 'utf8' });
  const stream = (JSON.parse(out) as { streams: Array<{ codec_name: string; width: number; height: number }> }).streams[0];
  if (!stream) throw new Error(`no video stream in ${file}`);
  return { codec: stream.codec_name, width: stream.width, height: stream.height };
}

/** Checks that did not pass, warnings included: a synthetic document must be flawless. */
function notPassed(checks: FieldCheck[]): FieldCheck[] {
  return checks.filter((c) => c.status !== 'pass');
}

function ofKind<K extends GeneratedDocument['kind']>(docs: GeneratedDocument[], kind: K) {
  return docs.filter((d): d is GeneratedDocument & { truth: Extract<GeneratedDocument['truth'], { kind: K }> } => d.truth.kind === kind);
}

describe('synthetic identity documents', () => {
  let dir: string;
  let browser: Browser;
  let docs: GeneratedDocument[];

  beforeAll(async () => {
    dir = artifactDir('documents');
    browser = await launchBrowser();
    docs = await generateDocuments({ outDir: path.join(dir, 'first'), count: COUNT, seed: SEED, referenceDate: REFERENCE_DATE, browser });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('writes every kind in both variants, as images of the size and format the truth states', () => {
    expect(docs).toHaveLength(COUNT * DOCUMENT_KINDS.length * 2);
    for (const doc of docs) {
      const image = probeVideoStream(doc.file);
      expect({ file: doc.file, ...image }).toEqual({
        file: doc.file,
        codec: doc.variant === 'clean' ? 'png' : 'mjpeg',
        width: doc.truth.image.width,
        height: doc.truth.image.height,
      });
      expect(JSON.parse(fs.readFileSync(doc.truthFile, 'utf8'))).toEqual(doc.truth);
    }
    const front = ofKind(docs, 'cn-resident-id-front')[0]!;
    expect(front.truth.image).toEqual({ width: 1012, height: 638, format: 'png' });
    const degraded = docs.filter((d) => d.variant === 'degraded');
    for (const doc of degraded) {
      expect(doc.truth.degradation?.effects).toEqual(expect.arrayContaining(['frame', 'jpeg']));
      expect(doc.truth.degradation?.jpegQuality).toBeGreaterThanOrEqual(50);
      expect(doc.truth.degradation?.jpegQuality).toBeLessThanOrEqual(70);
      expect(Math.abs(doc.truth.degradation?.rotationDeg ?? 99)).toBeLessThanOrEqual(3);
    }
  });

  it('gives ID card fronts that pass every rule of the shared validator', () => {
    const fronts = ofKind(docs, 'cn-resident-id-front');
    expect(fronts.length).toBe(COUNT * 2);
    for (const { truth } of fronts) {
      expect(notPassed(validateResidentIdFront(truth.fields)), truth.fields.idNumber).toEqual([]);
      const info = parseResidentIdNumber(truth.fields.idNumber);
      expect(info).toMatchObject({ birthDate: truth.fields.birthDate, sex: truth.fields.sex });
    }
  });

  it('gives ID card backs that pass every rule, validity length matching the holder of the same index', () => {
    const fronts = ofKind(docs, 'cn-resident-id-front');
    for (const { truth } of ofKind(docs, 'cn-resident-id-back')) {
      const front = fronts.find((f) => f.truth.index === truth.index)!;
      const checks = validateResidentIdBack(truth.fields, { birthDate: front.truth.fields.birthDate });
      expect(notPassed(checks), JSON.stringify(truth.fields)).toEqual([]);
      // The bureau is the one of the ID number's district.
      expect(truth.fields.issuingAuthority).toMatch(/^.+市公安局.+分局$/);
    }
  });

  it('gives passports whose MRZ passes every ICAO check and encodes the visual-zone fields', () => {
    for (const { truth } of ofKind(docs, 'passport-td3')) {
      const [line1, line2] = truth.mrz;
      expect(line1).toHaveLength(44);
      expect(line2).toHaveLength(44);
      const parsed = parseTd3Mrz(line1, line2);
      expect(notPassed(parsed.checks), `${line1}\n${line2}`).toEqual([]);
      const { documentType, personalNumber, ...fields } = parsed.fields!;
      expect(fields).toEqual(truth.fields);
      expect(formatTd3Mrz({ documentType, ...truth.fields })).toEqual(truth.mrz);
      expect(personalNumber).toBeUndefined();
    }
  });

  it('gives the same truth for the same seed, and another for another seed', async () => {
    // Documents are made in index order, so a shorter run must repeat the first ones exactly.
    const again = await generateDocuments({ outDir: path.join(dir, 'again'), count: 2, seed: SEED, referenceDate: REFERENCE_DATE, browser });
    expect(again.map((d) => d.truth)).toEqual(docs.filter((d) => d.truth.index < 2).map((d) => d.truth));
    const other = await generateDocuments({ outDir: path.join(dir, 'other'), count: 1, seed: `${SEED}-other`, browser, variants: ['clean'] });
    const firstFront = (list: GeneratedDocument[]) => list.find((d) => d.kind === 'cn-resident-id-front')!.truth.fields;
    expect(firstFront(other)).not.toEqual(firstFront(docs));
  });

  it('turns a document into a Y4M fake camera feed of the requested size', async () => {
    for (const [doc, width, height] of [
      [ofKind(docs, 'cn-resident-id-front')[0]!, 640, 480],
      [docs.find((d) => d.kind === 'passport-td3' && d.variant === 'degraded')!, 1280, 720],
    ] as const) {
      const y4m = path.join(dir, `${path.basename(doc.file).replace(/\.\w+$/, '')}-${width}x${height}.y4m`);
      const result = await documentToY4m(doc.file, y4m, { seconds: 1, width, height, fps: 5 });
      expect(probeVideoStream(y4m)).toEqual({ codec: 'rawvideo', width, height });
      // Chromium's reader wants a 4:2:0 stream: header, then per frame "FRAME\n" and the planes.
      const header = fs.readFileSync(y4m).subarray(0, 256).toString('latin1').split('\n')[0]!;
      expect(header).toMatch(new RegExp(`^YUV4MPEG2 W${width} H${height} F5:1 .*C420`));
      expect(fs.statSync(y4m).size).toBe(header.length + 1 + result.frames * (6 + (width * height * 3) / 2));
      expect(result.frames).toBe(5);
    }
  });

  it('plays the Y4M feed as Chromium\'s camera: the card in the middle, the desk around it', async () => {
    const doc = ofKind(docs, 'cn-resident-id-front')[0]!;
    const y4m = path.join(dir, 'fake-camera.y4m');
    await documentToY4m(doc.file, y4m, { seconds: 1, width: 640, height: 480, fps: 5 });
    const camera = await launchBrowser({ fakeVideoFile: y4m });
    try {
      const context = await camera.newContext({ permissions: ['camera'] });
      // getUserMedia needs a secure context; localhost is one, and nothing listens there.
      await context.route('http://localhost/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>camera</title>' }));
      const page = await context.newPage();
      await page.goto('http://localhost/');
      const frame = await page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: true });
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = stream;
        await video.play();
        const canvas = document.createElement('canvas');
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const g = canvas.getContext('2d')!;
        g.drawImage(video, 0, 0);
        const luma = Array.from(g.getImageData(0, 0, canvas.width, canvas.height).data);
        stream.getTracks().forEach((t) => t.stop());
        // Mean green level of the 20×20 px corner and of the 20×20 px centre.
        const mean = (x0: number, y0: number) => {
          let sum = 0;
          for (let y = y0; y < y0 + 20; y++) for (let x = x0; x < x0 + 20; x++) sum += luma[(y * canvas.width + x) * 4 + 1]!;
          return sum / 400;
        };
        return { width: canvas.width, height: canvas.height, corner: mean(0, 0), centre: mean(canvas.width / 2 - 10, canvas.height / 2 - 10) };
      });
      expect(frame).toMatchObject({ width: 640, height: 480 });
      expect(frame.corner).toBeLessThan(60);
      expect(frame.centre).toBeGreaterThan(180);
    } finally {
      await camera.close();
    }
  });
});
