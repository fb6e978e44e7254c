/// <reference types="node" />
/**
 * The reader's `Recognizer` on tesseract.js worker threads (Node only).
 *
 * One worker per language and engine (eng LSTM, chi_sim LSTM, eng legacy), created once,
 * warmed with a first recognition, and reused: a worker's language and engine are fixed
 * when it initialises, and switching costs a model load. Models come only from the local
 * `@tesseract.js-data/<lang>` packages (`langPath` is that package's version folder,
 * `gzip: true`, `cacheMethod: 'none'` so nothing is written to the working directory);
 * nothing is fetched. Calls to one worker are queued (parameters and recognition must not
 * interleave); calls to different workers run in parallel.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, type Worker } from 'tesseract.js';
import { encodePgm, grayImage, type RgbaImage } from '../image.ts';
import { engineKey, READER_ENGINES, TESSERACT_PARAMETERS, type EngineSpec, type OcrLanguage, type OcrModel, type Recognition, type RecognizeOptions, type Recognizer } from '../recognizer.ts';

/** The folder of each model inside a @tesseract.js-data package. */
export const MODEL_FOLDERS: Record<OcrModel, string> = { standard: '4.0.0', compact: '4.0.0_best_int' };

/** OEM values (tesseract.js's OEM enum is declared, not exported as a value). */
const OEM_TESSERACT_ONLY = 0;
const OEM_LSTM_ONLY = 1;

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

interface Engine {
  spec: EngineSpec;
  worker: Worker;
  /** Serialises calls: each job waits for the previous one. */
  queue: Promise<unknown>;
  /** Last parameters set, to skip redundant setParameters round trips. */
  params: string;
}

export class TesseractRecognizer implements Recognizer {
  private constructor(private readonly engines: Map<string, Engine>) {}

  /** Creates and warms every engine; rejects (after terminating what was created) when a model cannot be loaded. */
  static async create(opts: TesseractRecognizerOptions = {}): Promise<TesseractRecognizer> {
    const wanted = opts.engines ?? READER_ENGINES;
    const engines = new Map<string, Engine>();
    const results = await Promise.allSettled(
      wanted.map(async (spec) => {
        const worker = await createEngineWorker(spec);
        engines.set(engineKey(spec), { spec, worker, queue: Promise.resolve(), params: '' });
      }),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const recognizer = new TesseractRecognizer(engines);
    if (failure) {
      await recognizer.terminate();
      throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
    }
    await recognizer.warm();
    return recognizer;
  }

  /** One small recognition per engine, so the first real document does not pay for lazy initialisation. */
  private async warm(): Promise<void> {
    const blank: RgbaImage = { width: 64, height: 32, data: new Uint8ClampedArray(64 * 32 * 4).fill(255) };
    await Promise.all([...this.engines.values()].map((engine) => this.recognize(blank, { ...engine.spec, psm: 7 })));
  }

  recognize(crop: RgbaImage, opts: RecognizeOptions): Promise<Recognition> {
    const engine = this.engines.get(engineKey(opts));
    if (!engine) return Promise.reject(new Error(`no OCR engine ${engineKey(opts)} was created`));
    const pgm = encodePgm(rgbaToGray(crop));
    const job = engine.queue.then(async () => {
      const params = JSON.stringify([opts.psm, opts.whitelist ?? '']);
      if (engine.params !== params) {
        await engine.worker.setParameters({
          tessedit_pageseg_mode: String(opts.psm) as never,
          tessedit_char_whitelist: opts.whitelist ?? '',
          ...TESSERACT_PARAMETERS,
        });
        engine.params = params;
      }
      const { data } = await engine.worker.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), {}, { text: true, blocks: true });
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

async function createEngineWorker(spec: EngineSpec): Promise<Worker> {
  const legacy = spec.legacy === true;
  const version = MODEL_FOLDERS[legacy ? 'standard' : (spec.model ?? 'standard')];
  const langPath = modelFolder(spec.lang, version);
  const file = path.join(langPath, `${spec.lang}.traineddata.gz`);
  if (!fs.existsSync(file)) throw new Error(`OCR model ${file} is missing`);
  // Without an error handler a failed load kills the process; with one, createWorker may
  // never settle. So the handler rejects a promise that races the creation.
  let failLoad: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failLoad = reject;
  });
  const creating = createWorker(spec.lang, legacy ? OEM_TESSERACT_ONLY : OEM_LSTM_ONLY, {
    langPath,
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
    throw new Error(`could not load OCR model ${spec.lang} (${version}) from ${langPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function rgbaToGray(image: RgbaImage) {
  const out = new Uint8ClampedArray(image.width * image.height);
  const d = image.data;
  for (let i = 0, j = 0; j < out.length; i += 4, j++) {
    out[j] = (77 * (d[i] as number) + 150 * (d[i + 1] as number) + 29 * (d[i + 2] as number) + 128) >> 8;
  }
  return grayImage(image.width, image.height, out);
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
