/// <reference types="node" />
/**
 * Node side of document reading (import from Node code only): image decoding, the
 * tesseract.js recogniser on local models, and a ready reader.
 *
 *   const reader = await createNodeDocumentReader();
 *   const reading = await reader.readFile('card.jpg');
 *   await reader.close();
 */
import fs from 'node:fs/promises';
import type { RgbaImage } from '../image.ts';
import { DocumentReader, type DocumentReading, type ReadOptions } from '../reader.ts';
import { decodeImage } from './decode.ts';
import { TesseractRecognizer, type TesseractRecognizerOptions } from './tesseract-recognizer.ts';

export { decodeImage, ImageDecodeError } from './decode.ts';
export { MODEL_FOLDERS, modelFolder, TesseractRecognizer, type TesseractRecognizerOptions } from './tesseract-recognizer.ts';

export interface NodeDocumentReader {
  /** Reads a decoded image. */
  read(image: RgbaImage, opts?: ReadOptions): Promise<DocumentReading>;
  /** Reads PNG or JPEG bytes. */
  readBytes(bytes: Uint8Array, opts?: ReadOptions): Promise<DocumentReading>;
  /** Reads a PNG or JPEG file. */
  readFile(file: string, opts?: ReadOptions): Promise<DocumentReading>;
  readonly recognizer: TesseractRecognizer;
  /** Terminates the OCR workers. */
  close(): Promise<void>;
}

/** Creates and warms the OCR workers (a second or two), then reads any number of documents. */
export async function createNodeDocumentReader(opts: TesseractRecognizerOptions = {}): Promise<NodeDocumentReader> {
  const recognizer = await TesseractRecognizer.create(opts);
  const reader = new DocumentReader(recognizer);
  return {
    recognizer,
    read: (image, readOpts) => reader.read(image, readOpts),
    readBytes: (bytes, readOpts) => reader.read(decodeImage(bytes), readOpts),
    readFile: async (file, readOpts) => reader.read(decodeImage(await fs.readFile(file)), readOpts),
    close: () => recognizer.terminate(),
  };
}
