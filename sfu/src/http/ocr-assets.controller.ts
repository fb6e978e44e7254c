/**
 * What the kiosk's in-browser OCR loads, served by us from the npm packages (kiosks are
 * offline; never a CDN): the tesseract.js worker script, its WebAssembly core, and the
 * chi_sim / eng models. Models are immutable per version, so they are cached for long.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** URL paths, shared with the kiosk's OCR set-up. */
export const OCR_ASSET_PATHS = {
  worker: '/ocr/tesseract/worker.min.js',
  core: '/ocr/core',
  /** `/ocr/lang/<model>/` holds `<lang>.traineddata.gz`; model is `4.0.0` (with legacy engine) or `4.0.0_best_int`. */
  lang: '/ocr/lang',
} as const;

export function ocrAssetsController(): Router {
  const router = Router();
  const immutable = { immutable: true, maxAge: '30d', fallthrough: false } as const;
  router.get(OCR_ASSET_PATHS.worker, (_req, res) => {
    res.sendFile(path.join(packageDir('tesseract.js'), 'dist', 'worker.min.js'));
  });
  router.use(OCR_ASSET_PATHS.core, express.static(packageDir('tesseract.js-core'), { ...immutable, index: false }));
  for (const lang of ['chi_sim', 'eng']) {
    const dir = packageDir(`@tesseract.js-data/${lang}`);
    for (const model of ['4.0.0', '4.0.0_best_int']) {
      router.get(`${OCR_ASSET_PATHS.lang}/${model}/${lang}.traineddata.gz`, (_req, res) => {
        res.setHeader('Cache-Control', 'public, max-age=2592000, immutable');
        res.sendFile(path.join(dir, model, `${lang}.traineddata.gz`));
      });
    }
  }
  return router;
}
