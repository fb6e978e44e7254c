/**
 * The document reader's `Recognizer` on tesseract.js workers, for both platforms: the Node
 * adapter (`node/tesseract-recognizer.ts`, worker threads on the local `@tesseract.js-data`
 * packages) and the kiosk's (`kiosk/src/ocr/browser-recognizer.ts`, Web Workers on our
 * server's OCR assets) extend `TesseractEngines` and supply only how a worker is created and
 * how a crop's PGM bytes are handed to it.
 *
 * One worker per engine the reader uses (`READER_ENGINES`: eng compact LSTM, chi_sim standard
 * and compact LSTM, eng legacy), each loaded once with its language, model and engine mode,
 * warmed with a first recognition, and reused: a worker's language and engine are fixed when
 * it initialises, and switching costs a model load.
 *
 * Crops go to the worker as binary PGM bytes: Leptonica inside the worker reads them
 * directly, so there is no canvas and no PNG compression (on the kiosk, none on its UI
 * thread), and the pixels are exactly those the reader cut.
 *
 * Calls to one worker are queued (parameters and recognition must not interleave); calls
 * to different workers run in parallel.
 *
 * Platform-neutral (this module is part of `@vtm/shared/ocr`, which the kiosk imports): no
 * Node built-ins. `tesseract.js` resolves to its browser build under Vite and to its Node
 * build in Node.
 */
import { createWorker, type ImageLike, type Worker, type WorkerOptions } from 'tesseract.js';
import { encodePgm, toGray, type RgbaImage } from './image.ts';
import { engineKey, TESSERACT_PARAMETERS, type EngineSpec, type OcrModel, type Recognition, type RecognizeOptions, type Recognizer } from './recognizer.ts';

/**
 * The folder of each model, inside a @tesseract.js-data package and under the server's
 * `/ocr/lang/`: `4.0.0` full models (LSTM and legacy engine), `4.0.0_best_int` compact LSTM-only.
 */
export const MODEL_FOLDERS = { standard: '4.0.0', compact: '4.0.0_best_int' } as const satisfies Record<OcrModel, string>;

export type ModelFolder = (typeof MODEL_FOLDERS)[OcrModel];

/** The model folder an engine loads from: the legacy engine needs the full model. */
export function engineModelFolder(spec: EngineSpec): ModelFolder {
  return MODEL_FOLDERS[spec.legacy === true ? 'standard' : (spec.model ?? 'standard')];
}

/** OEM values (tesseract.js declares its OEM enum as a type only in some builds). */
const OEM_TESSERACT_ONLY = 0;
const OEM_LSTM_ONLY = 1;

/** Where a worker's files come from: the model folder, and in the browser the worker script and WebAssembly core. */
export type WorkerPaths = Pick<WorkerOptions, 'langPath'> & Partial<Pick<WorkerOptions, 'workerPath' | 'corePath'>>;

export interface LoadWorkerOptions {
  /** A load that takes longer than this is treated as failed (default: no limit). */
  timeoutMs?: number;
}

/**
 * Creates the tesseract.js worker of one engine, its model loaded; rejects with a clear error
 * when the model cannot be loaded (a worker that still comes up later is terminated).
 */
export async function loadEngineWorker(spec: EngineSpec, paths: WorkerPaths, opts: LoadWorkerOptions = {}): Promise<Worker> {
  const legacy = spec.legacy === true;
  // Without an error handler a failed load kills the process (Node) or throws inside the
  // worker's message handler (browser); with one, createWorker may never settle. So the
  // handler rejects a promise that races the creation.
  let failLoad: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failLoad = reject;
  });
  const timeoutMs = opts.timeoutMs;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => failLoad(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const creating = createWorker(spec.lang, legacy ? OEM_TESSERACT_ONLY : OEM_LSTM_ONLY, {
    ...paths,
    gzip: true,
    // Nothing is cached: in Node nothing is written to the working directory; in the browser
    // models stay out of IndexedDB (the server's HTTP caching is enough, and nothing of a
    // failed load lingers).
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
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not load OCR model ${spec.lang} (${engineModelFolder(spec)}) from ${paths.langPath}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

interface Engine {
  spec: EngineSpec;
  worker: Worker;
  /** Serialises calls: each job waits for the previous one. */
  queue: Promise<unknown>;
  /** Last parameters set, to skip redundant setParameters round trips. */
  params: string;
}

/** What warms an engine: its first recognition, so the first real document does not pay for lazy initialisation. */
const BLANK: RgbaImage = { width: 64, height: 32, data: new Uint8ClampedArray(64 * 32 * 4).fill(255) };

/** A `Recognizer` on one tesseract.js worker per engine; a platform's adapter says how workers are made and fed. */
export abstract class TesseractEngines implements Recognizer {
  /** Time each engine took to load and warm, ms, for diagnostics. */
  readonly loadMs: Record<string, number> = {};
  private readonly engines = new Map<string, Engine>();

  /** Creates the worker of one engine (`loadEngineWorker` with the platform's paths). */
  protected abstract createWorker(spec: EngineSpec): Promise<Worker>;

  /** The PGM bytes of a crop as the platform's worker takes an image. */
  protected abstract pgmImage(pgm: Uint8Array): ImageLike;

  /**
   * Creates and warms the engines, `concurrency` at a time (default: all at once); rejects
   * (after terminating what was created) when one cannot load.
   */
  protected async load(specs: readonly EngineSpec[], concurrency = specs.length): Promise<void> {
    const pending = [...specs];
    let failure: unknown = null;
    const lane = async () => {
      for (let spec = pending.shift(); spec !== undefined && failure === null; spec = pending.shift()) {
        const started = performance.now();
        try {
          const engine: Engine = { spec, worker: await this.createWorker(spec), queue: Promise.resolve(), params: '' };
          this.engines.set(engineKey(spec), engine);
          await this.recognize(BLANK, { ...spec, psm: 7 });
          this.loadMs[engineKey(spec)] = Math.round(performance.now() - started);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, lane));
    if (failure !== null) {
      await this.terminate();
      throw failure instanceof Error ? failure : new Error(String(failure));
    }
  }

  recognize(crop: RgbaImage, opts: RecognizeOptions): Promise<Recognition> {
    const engine = this.engines.get(engineKey(opts));
    if (!engine) return Promise.reject(new Error(`no OCR engine ${engineKey(opts)} was created`));
    const image = this.pgmImage(encodePgm(toGray(crop)));
    const job = engine.queue.then(async () => {
      const params = JSON.stringify([opts.psm, opts.whitelist ?? '']);
      if (engine.params !== params) {
        await engine.worker.setParameters({
          tessedit_pageseg_mode: String(opts.psm) as never,
          tessedit_char_whitelist: opts.whitelist ?? '',
          // ~300 dpi crops, no classifier statistics, and no adaptive learning (a reading
          // must not depend on earlier customers' documents).
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

/** What the reader needs of tesseract.js's page result. */
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
