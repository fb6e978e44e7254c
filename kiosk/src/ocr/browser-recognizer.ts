/**
 * The document reader's `Recognizer` on tesseract.js Web Workers, in the kiosk's browser.
 *
 * The browser twin of `shared/src/ocr/node/tesseract-recognizer.ts`: one worker per engine
 * the reader uses (`READER_ENGINES`: eng compact LSTM, chi_sim standard and compact LSTM,
 * eng legacy), each loaded once with its language, model and engine mode, warmed with a
 * first recognition, and reused. Everything comes from our own server (kiosks are offline;
 * never a CDN): the worker script, the WebAssembly core and the models, as the server's
 * OCR asset routes serve them (sfu/src/http/ocr-assets.controller.ts). `cacheMethod: 'none'`
 * keeps models out of IndexedDB: the server's HTTP caching is enough, and nothing of a
 * failed load lingers in the browser.
 *
 * Crops go to the worker as binary PGM bytes (the same encoding the Node adapter uses):
 * Leptonica inside the worker reads them directly, so there is no canvas and no PNG
 * compression on the kiosk's UI thread, and the pixels are exactly those the reader cut.
 *
 * Calls to one worker are queued (parameters and recognition must not interleave); calls
 * to different workers run in parallel.
 */
import { createWorker, type Worker } from 'tesseract.js';
import {
  createDocumentReader,
  encodePgm,
  engineKey,
  READER_ENGINES,
  TESSERACT_PARAMETERS,
  toGray,
  type DocumentReader,
  type EngineSpec,
  type Recognition,
  type RecognizeOptions,
  type Recognizer,
  type RgbaImage,
} from '@vtm/shared/ocr';

/** URL paths of the OCR assets (the server's `OCR_ASSET_PATHS`). */
export const OCR_ASSETS = {
  workerPath: '/ocr/tesseract/worker.min.js',
  corePath: '/ocr/core',
  /** `4.0.0`: full models (LSTM and legacy engine); `4.0.0_best_int`: compact LSTM-only. */
  langPath: (folder: '4.0.0' | '4.0.0_best_int') => `/ocr/lang/${folder}`,
} as const;

/** OEM values (tesseract.js declares its OEM enum as a type only in some builds). */
const OEM_TESSERACT_ONLY = 0;
const OEM_LSTM_ONLY = 1;

/** A model load that takes longer than this is treated as failed (a worker can hang on a bad file). */
const LOAD_TIMEOUT_MS = 60_000;

export interface BrowserRecognizerOptions {
  /** Engines to create (default: every engine the document reader uses). */
  engines?: readonly EngineSpec[];
  /** How many workers load at once; on a 2-core kiosk, loading all at once competes with the UI. Default 2. */
  concurrency?: number;
}

interface Engine {
  spec: EngineSpec;
  worker: Worker;
  /** Serialises calls: each job waits for the previous one. */
  queue: Promise<unknown>;
  /** Last parameters set, to skip redundant setParameters round trips. */
  params: string;
}

export class BrowserRecognizer implements Recognizer {
  /** Time each engine took to load and warm, ms, for diagnostics. */
  readonly loadMs: Record<string, number> = {};

  private constructor(private readonly engines: Map<string, Engine>) {}

  /** Creates and warms every engine; rejects (after terminating what was created) when one cannot load. */
  static async create(opts: BrowserRecognizerOptions = {}): Promise<BrowserRecognizer> {
    const wanted = [...(opts.engines ?? READER_ENGINES)];
    const engines = new Map<string, Engine>();
    const recognizer = new BrowserRecognizer(engines);
    const pending = [...wanted];
    let failure: unknown = null;
    const lane = async () => {
      for (let spec = pending.shift(); spec !== undefined && failure === null; spec = pending.shift()) {
        const started = performance.now();
        try {
          const engine: Engine = { spec, worker: await createEngineWorker(spec), queue: Promise.resolve(), params: '' };
          engines.set(engineKey(spec), engine);
          await recognizer.recognize(BLANK, { ...spec, psm: 7 });
          recognizer.loadMs[engineKey(spec)] = Math.round(performance.now() - started);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, lane));
    if (failure !== null) {
      await recognizer.terminate();
      throw failure instanceof Error ? failure : new Error(String(failure));
    }
    return recognizer;
  }

  recognize(crop: RgbaImage, opts: RecognizeOptions): Promise<Recognition> {
    const engine = this.engines.get(engineKey(opts));
    if (!engine) return Promise.reject(new Error(`no OCR engine ${engineKey(opts)} was created`));
    const pgm = encodePgm(toGray(crop));
    const image = new Blob([pgm.buffer as ArrayBuffer], { type: 'image/x-portable-graymap' });
    const job = engine.queue.then(async () => {
      const params = JSON.stringify([opts.psm, opts.whitelist ?? '']);
      if (engine.params !== params) {
        await engine.worker.setParameters({
          tessedit_pageseg_mode: String(opts.psm) as never,
          tessedit_char_whitelist: opts.whitelist ?? '',
          // The same as the Node adapter's: ~300 dpi crops, no classifier statistics, and no
          // adaptive learning (a reading must not depend on earlier customers' documents).
          ...TESSERACT_PARAMETERS,
        });
        engine.params = params;
      }
      const { data } = await engine.worker.recognize(image, {}, { text: true, blocks: true });
      return toRecognition(data);
    });
    engine.queue = job.catch(() => undefined);
    return job;
  }

  async terminate(): Promise<void> {
    const workers = [...this.engines.values()].map((e) => e.worker);
    this.engines.clear();
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }
}

const BLANK: RgbaImage = { width: 64, height: 32, data: new Uint8ClampedArray(64 * 32 * 4).fill(255) };

async function createEngineWorker(spec: EngineSpec): Promise<Worker> {
  const legacy = spec.legacy === true;
  const folder = legacy || (spec.model ?? 'standard') === 'standard' ? '4.0.0' : '4.0.0_best_int';
  // Without an error handler a failed load throws inside the worker's message handler; with
  // one, createWorker may never settle. So the handler rejects a promise that races it.
  let failLoad: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failLoad = reject;
  });
  const timer = setTimeout(() => failLoad(new Error(`timed out after ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS);
  const creating = createWorker(spec.lang, legacy ? OEM_TESSERACT_ONLY : OEM_LSTM_ONLY, {
    workerPath: OCR_ASSETS.workerPath,
    corePath: OCR_ASSETS.corePath,
    langPath: OCR_ASSETS.langPath(folder),
    gzip: true,
    cacheMethod: 'none',
    legacyCore: legacy,
    legacyLang: legacy,
    errorHandler: (error: unknown) => failLoad(error),
  });
  try {
    return await Promise.race([creating, failed]);
  } catch (error) {
    // A worker that still comes up late is not leaked.
    creating.then((w) => w.terminate()).catch(() => undefined);
    throw new Error(`could not load OCR model ${spec.lang} (${folder}): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

interface PageLike {
  text: string;
  confidence: number;
  blocks: { paragraphs: { lines: { words: { symbols: { text: string; confidence: number }[] }[] }[] }[] }[] | null;
}

function toRecognition(page: PageLike): Recognition {
  const symbols = (page.blocks ?? []).flatMap((b) =>
    b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words.flatMap((w) => w.symbols.map((s) => ({ text: s.text, confidence: s.confidence }))))),
  );
  return { text: page.text, confidence: page.confidence, symbols };
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
