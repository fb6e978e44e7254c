/**
 * The document reader's `Recognizer` on tesseract.js Web Workers, in the kiosk's browser.
 *
 * The engines, their queues, warming and loading are `TesseractEngines` (in
 * `@vtm/shared/ocr`, shared with the Node adapter `shared/src/ocr/node/tesseract-recognizer.ts`);
 * this adapter supplies only where a worker's files come from and how a crop is handed to it.
 * Everything comes from our own server (kiosks are offline; never a CDN): the worker script,
 * the WebAssembly core and the models, as the server's OCR asset routes serve them
 * (sfu/src/http/ocr-assets.controller.ts). Crops go to the worker as a Blob of PGM bytes.
 */
import type { Worker } from 'tesseract.js';
import {
  createDocumentReader,
  engineModelFolder,
  loadEngineWorker,
  READER_ENGINES,
  TesseractEngines,
  type DocumentReader,
  type EngineSpec,
  type ModelFolder,
} from '@vtm/shared/ocr';

/** URL paths of the OCR assets (the server's `OCR_ASSET_PATHS`). */
export const OCR_ASSETS = {
  workerPath: '/ocr/tesseract/worker.min.js',
  corePath: '/ocr/core',
  /** `4.0.0`: full models (LSTM and legacy engine); `4.0.0_best_int`: compact LSTM-only. */
  langPath: (folder: ModelFolder) => `/ocr/lang/${folder}`,
} as const;

/** A model load that takes longer than this is treated as failed (a worker can hang on a bad file). */
const LOAD_TIMEOUT_MS = 60_000;

export interface BrowserRecognizerOptions {
  /** Engines to create (default: every engine the document reader uses). */
  engines?: readonly EngineSpec[];
  /** How many workers load at once; on a 2-core kiosk, loading all at once competes with the UI. Default 2. */
  concurrency?: number;
}

export class BrowserRecognizer extends TesseractEngines {
  private constructor() {
    super();
  }

  /** Creates and warms every engine; rejects (after terminating what was created) when one cannot load. */
  static async create(opts: BrowserRecognizerOptions = {}): Promise<BrowserRecognizer> {
    const recognizer = new BrowserRecognizer();
    await recognizer.load(opts.engines ?? READER_ENGINES, opts.concurrency ?? 2);
    return recognizer;
  }

  protected createWorker(spec: EngineSpec): Promise<Worker> {
    const paths = { workerPath: OCR_ASSETS.workerPath, corePath: OCR_ASSETS.corePath, langPath: OCR_ASSETS.langPath(engineModelFolder(spec)) };
    return loadEngineWorker(spec, paths, { timeoutMs: LOAD_TIMEOUT_MS });
  }

  protected pgmImage(pgm: Uint8Array): Blob {
    return new Blob([pgm.buffer as ArrayBuffer], { type: 'image/x-portable-graymap' });
  }
}

// ---------------------------------------------------------------- the kiosk's one reader

export type ReaderStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface KioskDocumentReader {
  reader: DocumentReader;
  recognizer: BrowserRecognizer;
  /** ms from the start of loading until every engine was warm. */
  readyMs: number;
}

let starting: Promise<KioskDocumentReader> | null = null;

/**
 * The kiosk's document reader, created and warmed once (at start-up, before any customer
 * is waiting). A failed load is forgotten, so the next call tries again.
 */
export function kioskDocumentReader(): Promise<KioskDocumentReader> {
  if (starting === null) {
    const started = performance.now();
    const attempt = BrowserRecognizer.create().then((recognizer) => ({
      recognizer,
      reader: createDocumentReader(recognizer),
      readyMs: Math.round(performance.now() - started),
    }));
    starting = attempt;
    attempt.catch(() => {
      if (starting === attempt) starting = null;
    });
  }
  return starting;
}
