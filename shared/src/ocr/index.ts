/**
 * Identity-document reading, platform-neutral: pure image functions, document finding and
 * classification, field layout, text cleaning, and the reader over an injected recogniser.
 * The tesseract.js engines (`./tesseract-engines.ts`) serve both platforms; Node adapters
 * (decoding, worker threads on local models) are in `./node/`, imported only by Node code.
 */
export * from './image.ts';
export * from './geometry.ts';
export * from './detect-document.ts';
export * from './deskew.ts';
export * from './layout.ts';
export * from './text-lines.ts';
export * from './classify.ts';
export * from './prepare.ts';
export * from './capture.ts';
export * from './parse.ts';
export * from './recognizer.ts';
export * from './reader.ts';
export * from './tesseract-engines.ts';
