/**
 * A fake kiosk camera that shows a synthetic resident ID card: the front for a few seconds,
 * then the back, in a loop, as Chromium's `--use-file-for-fake-video-capture` plays it. Every
 * test that takes a customer through the queue launches its browser with this feed, so the
 * kiosk's real ID capture (automatic capture, OCR in the browser, confirmation) runs as a
 * customer would go through it. Made once per test file (a few seconds).
 *
 *   const camera = await prepareIdCamera(dir);
 *   browser = await launchBrowser({ fakeVideoFile: camera.y4m });
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
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
  /** Seconds each side is shown before the card is turned. Default 2.5. */
  secondsPerSide?: number;
  /** Frame size: the kiosk reads the card from this; 1280×720 like a kiosk's document camera. */
  width?: number;
  height?: number;
  /** Reuse a running browser to render the documents (else one is launched and closed). */
  browser?: Browser;
}

export async function prepareIdCamera(dir: string, opts: IdCameraOptions = {}): Promise<IdCamera> {
  const { seed = 'e2e-id-camera', secondsPerSide = 2.5, width = 1280, height = 720 } = opts;
  const outDir = path.join(dir, 'id-camera');
  const documents = await generateDocuments({
    outDir,
    count: 1,
    seed,
    kinds: ['cn-resident-id-front', 'cn-resident-id-back'],
    variants: ['clean'],
    ...(opts.browser ? { browser: opts.browser } : {}),
  });
  const front = documents.find((d) => d.kind === 'cn-resident-id-front');
  const back = documents.find((d) => d.kind === 'cn-resident-id-back');
  if (!front || !back) throw new Error('the generator made no ID card');
  const y4m = await sequenceY4m([front.file, back.file], path.join(outDir, 'id-card-front-back.y4m'), { seconds: secondsPerSide, width, height });
  return { y4m, front: front.truth as ResidentIdFrontTruth, back: back.truth as ResidentIdBackTruth, documents };
}

/**
 * One Y4M showing each image in turn for `seconds` (5 fps: Chromium repeats frames as
 * needed, and a still card needs no more). Each image becomes a Y4M of the same size and
 * rate; their frames are joined after the first file's header.
 */
export async function sequenceY4m(images: string[], y4mFile: string, opts: { seconds: number; width: number; height: number }): Promise<string> {
  const parts: Buffer[] = [];
  for (const [i, image] of images.entries()) {
    const part = `${y4mFile}.part${i}`;
    await documentToY4m(image, part, { seconds: opts.seconds, width: opts.width, height: opts.height, fps: 5 });
    const bytes = await fs.readFile(part);
    await fs.rm(part);
    // Every part starts with the same header line; only the first is kept.
    parts.push(i === 0 ? bytes : bytes.subarray(bytes.indexOf(0x0a) + 1));
  }
  await fs.writeFile(y4mFile, Buffer.concat(parts));
  return y4mFile;
}
