/**
 * The one thing the document reader needs from an OCR engine: read a single line of text
 * from a small image. Node (tesseract.js worker threads, `node/`) and the kiosk's browser
 * (a tesseract.js Web Worker) each provide their own; the reader does not know which.
 */
import type { RgbaImage } from './image.ts';

export type OcrLanguage = 'eng' | 'chi_sim';

/**
 * Which traineddata of a language: 'standard' is tesseract's full model (`4.0.0`, LSTM and
 * legacy engine), 'compact' its integer-quantised LSTM model (`4.0.0_best_int`). They err
 * differently (compact reads 汉 right where standard sees 汊; standard reads names and
 * addresses better), so a field may ask both for a second opinion.
 */
export type OcrModel = 'standard' | 'compact';

export interface RecognizeOptions {
  lang: OcrLanguage;
  /** Default 'standard'. The legacy engine always uses 'standard'. */
  model?: OcrModel;
  /** Tesseract page segmentation mode; the reader uses 7 (one line of text). */
  psm: number;
  /** Only these characters may be recognised (none: every character of the model). */
  whitelist?: string;
  /** Use the legacy (non-LSTM) engine, OEM 0: needs the full `4.0.0` traineddata. */
  legacy?: boolean;
}

export interface RecognizedSymbol {
  text: string;
  /** 0–100, as tesseract reports it. */
  confidence: number;
}

export interface Recognition {
  /** The text as recognised (may include spaces and a trailing newline). */
  text: string;
  /** 0–100, tesseract's mean confidence for the line. */
  confidence: number;
  /** Each recognised character with its own confidence, in reading order. */
  symbols: RecognizedSymbol[];
}

export interface Recognizer {
  recognize(crop: RgbaImage, opts: RecognizeOptions): Promise<Recognition>;
}

/** The tesseract configurations the reader uses, for adapters that create one engine per configuration up front. */
export const READER_ENGINES: readonly EngineSpec[] = Object.freeze([
  { lang: 'eng', model: 'compact' },
  { lang: 'chi_sim', model: 'standard' },
  { lang: 'chi_sim', model: 'compact' },
  { lang: 'eng', model: 'standard', legacy: true },
]);

/** What fixes an engine (one tesseract instance): language, model and engine mode. */
export type EngineSpec = Pick<RecognizeOptions, 'lang' | 'model' | 'legacy'>;

/** A stable key for an engine: 'chi_sim/standard', 'eng/standard/legacy'. */
export function engineKey(spec: EngineSpec): string {
  const model = spec.legacy ? 'standard' : (spec.model ?? 'standard');
  return `${spec.lang}/${model}${spec.legacy ? '/legacy' : ''}`;
}

/**
 * Tesseract parameters every adapter sets on every engine, besides the page segmentation
 * mode and whitelist of each call.
 */
export const TESSERACT_PARAMETERS: Readonly<Record<string, string>> = Object.freeze({
  // Crops are normalised to about 300 dpi; without it tesseract guesses from the image size.
  user_defined_dpi: '300',
  // The legacy engine prints classifier statistics for blank crops to stdout otherwise.
  debug_file: '/dev/null',
  // The legacy engine otherwise adapts its character classifier to every image it has seen:
  // after the digits of ID cards it read a passport's MRZ differently. A reading must not
  // depend on earlier customers' documents.
  classify_enable_learning: '0',
});
