/**
 * A fake kiosk camera that shows a synthetic resident ID card: the front for a few seconds,
 * then the back, in a loop, as Chromium's `--use-file-for-fake-video-capture` plays it. Every
 * test that takes a customer through the queue launches its browser with this feed, so the
 * kiosk's real ID capture (automatic capture, OCR in the browser, confirmation) runs as a
 * customer would go through it.
 *
 * The feed is generated once (a few seconds) and kept under e2e/artifacts/id-camera-cache/,
 * keyed by seed, day and format, so the test files of a run share it. The same feed is the
 * customer's video in the call: by default 960×540 at 20 fps, like the call's own camera
 * settings (the console grades a picture under 8 fps as a poor connection, and a large raw
 * feed costs two browsers' worth of scaling on a 2-core machine). The card still reads
 * right at that size; e2e/id-capture.e2e.ts reads it at 1280×720, as a document camera gives.
 *
 *   const camera = await prepareIdCamera();
 *   browser = await launchBrowser({ fakeVideoFile: camera.y4m });
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot } from './artifacts.ts';
import { launchBrowser } from './browser.ts';
import { beijingTodayIso } from './documents/dates.ts';
import { documentToY4m, generateDocuments, type GeneratedDocument, type ResidentIdBackTruth, type ResidentIdFrontTruth } from './documents/index.ts';

export interface IdCamera {
  /** The looping feed: front, then back. */
  y4m: string;
  front: ResidentIdFrontTruth;
  back: ResidentIdBackTruth;
  documents: GeneratedDocument[];
}

export interface IdCameraOptions {
  seed?: string;
  /** Seconds each side is shown before the card is turned. Default 3. */
  secondsPerSide?: number;
  /** Frame size; default 960×540. */
  width?: number;
  height?: number;
  fps?: number;
  /** Reuse a running browser to render the documents (else one is launched and closed). */
  browser?: Browser;
}

const CACHE_DIR = path.join(repoRoot, 'e2e', 'artifacts', 'id-camera-cache');

export async function prepareIdCamera(opts: IdCameraOptions = {}): Promise<IdCamera> {
  const { seed = 'e2e-id-camera', secondsPerSide = 3, width = 960, height = 540, fps = 20 } = opts;
  const referenceDate = beijingTodayIso();
  const outDir = path.join(CACHE_DIR, `${seed}-${referenceDate}-${width}x${height}-${fps}fps-${secondsPerSide}s`);
  const y4m = path.join(outDir, 'id-card-front-back.y4m');
  const manifest = path.join(outDir, 'documents.json');
  const cached = await fs.readFile(manifest, 'utf8').then((text) => JSON.parse(text) as GeneratedDocument[], () => null);
  const documents =
    cached ??
    (await generateDocuments({
      outDir,
      count: 1,
      seed,
      referenceDate,
      kinds: ['cn-resident-id-front', 'cn-resident-id-back'],
      variants: ['clean'],
      ...(opts.browser ? { browser: opts.browser } : {}),
    }));
  const front = documents.find((d) => d.kind === 'cn-resident-id-front');
  const back = documents.find((d) => d.kind === 'cn-resident-id-back');
  if (!front || !back) throw new Error('the generator made no ID card');
  if (!cached) {
    await sequenceY4m([front.file, back.file], y4m, { seconds: secondsPerSide, width, height, fps, fill: 0.9 });
    // Written last: its presence says the feed is complete.
    await fs.writeFile(manifest, JSON.stringify(documents));
  }
  return { y4m, front: front.truth as ResidentIdFrontTruth, back: back.truth as ResidentIdBackTruth, documents };
}

/** Chromium whose fake camera shows a generated ID card (front, then back): for tests that take a customer through the queue. */
export async function launchBrowserWithIdCard(opts: IdCameraOptions = {}): Promise<Browser> {
  const camera = await prepareIdCamera(opts);
  return launchBrowser({ fakeVideoFile: camera.y4m });
}

/**
 * One Y4M showing each image in turn for `seconds`. Each image becomes a Y4M of the same
 * size and rate; their frames are joined after the first file's header.
 */
export async function sequenceY4m(
  images: string[],
  y4mFile: string,
  opts: { seconds: number; width: number; height: number; fps?: number; fill?: number },
): Promise<string> {
  const parts: Buffer[] = [];
  for (const [i, image] of images.entries()) {
    const part = `${y4mFile}.part${i}`;
    await documentToY4m(image, part, { seconds: opts.seconds, width: opts.width, height: opts.height, fps: opts.fps ?? 15, ...(opts.fill ? { fill: opts.fill } : {}) });
    const bytes = await fs.readFile(part);
    await fs.rm(part);
    // Every part starts with the same header line; only the first is kept.
    parts.push(i === 0 ? bytes : bytes.subarray(bytes.indexOf(0x0a) + 1));
  }
  await fs.mkdir(path.dirname(y4mFile), { recursive: true });
  await fs.writeFile(y4mFile, Buffer.concat(parts));
  return y4mFile;
}
