/// <reference types="node" />
/**
 * The reader's `Recognizer` on tesseract.js worker threads (Node only).
 *
 * The engines, their queues, warming and loading are `TesseractEngines`
 * (`../tesseract-engines.ts`, shared with the kiosk's browser adapter); this adapter supplies
 * only where a worker's model comes from and how a crop is handed to it. Models come only
 * from the local `@tesseract.js-data/<lang>` packages (`langPath` is that package's version
 * folder); nothing is fetched. Every engine loads at once.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Worker } from 'tesseract.js';
import { READER_ENGINES, type EngineSpec, type OcrLanguage } from '../recognizer.ts';
import { engineModelFolder, loadEngineWorker, TesseractEngines } from '../tesseract-engines.ts';

/** The folder of each model inside a @tesseract.js-data package. */
export { MODEL_FOLDERS } from '../tesseract-engines.ts';

export interface TesseractRecognizerOptions {
  /** Engines to create up front (default: every engine the document reader uses). */
  engines?: readonly EngineSpec[];
}

/** Folder of a local model package (throws a clear error when it is not installed). */
export function modelFolder(lang: OcrLanguage, version: string): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`@tesseract.js-data/${lang}/package.json`);
  } catch {
    throw new Error(`OCR model package @tesseract.js-data/${lang} is not installed`);
  }
  return path.join(path.dirname(manifest), version);
}

export class TesseractRecognizer extends TesseractEngines {
  private constructor() {
    super();
  }

  /** Creates and warms every engine; rejects (after terminating what was created) when a model cannot be loaded. */
  static async create(opts: TesseractRecognizerOptions = {}): Promise<TesseractRecognizer> {
    const recognizer = new TesseractRecognizer();
    await recognizer.load(opts.engines ?? READER_ENGINES);
    return recognizer;
  }

  protected async createWorker(spec: EngineSpec): Promise<Worker> {
    const langPath = modelFolder(spec.lang, engineModelFolder(spec));
    const file = path.join(langPath, `${spec.lang}.traineddata.gz`);
    if (!fs.existsSync(file)) throw new Error(`OCR model ${file} is missing`);
    return loadEngineWorker(spec, { langPath });
  }

  protected pgmImage(pgm: Uint8Array): Buffer {
    return Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength);
  }
}
