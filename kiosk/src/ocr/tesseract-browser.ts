/**
 * tesseract.js in the kiosk's browser, loading everything from our own server (kiosks
 * are offline): the worker script, the WebAssembly core and the models. Workers are
 * created and warmed when the kiosk starts, not while a customer waits.
 */
import { createWorker, OEM, type Worker } from 'tesseract.js';

/** Same paths as the server's OCR asset routes (sfu/src/http/ocr-assets.controller.ts). */
const ASSETS = {
  workerPath: '/ocr/tesseract/worker.min.js',
  corePath: '/ocr/core',
  langPath: (model: '4.0.0' | '4.0.0_best_int') => `/ocr/lang/${model}`,
};

let handwritingWorker: Promise<Worker> | null = null;

/** The chi_sim worker that reads the customer's handwritten acknowledgement. */
export function handwritingRecognizer(): Promise<Worker> {
  handwritingWorker ??= createWorker('chi_sim', OEM.LSTM_ONLY, {
    workerPath: ASSETS.workerPath,
    corePath: ASSETS.corePath,
    langPath: ASSETS.langPath('4.0.0_best_int'),
    cacheMethod: 'none',
    gzip: true,
  });
  return handwritingWorker;
}
