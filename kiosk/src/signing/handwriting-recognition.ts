/**
 * Reading the customer's handwritten acknowledgement (抄录) with tesseract (chi_sim) and
 * scoring it against the sentence they were asked to copy.
 *
 * The strokes are re-rendered for OCR rather than taking the pad's picture: rows of the grid
 * are laid end to end as one line (tesseract reads one line, PSM 7, far better than wandering
 * hand-drawn rows), drawn black on white with an even pen, scaled to the character height
 * the chi_sim model reads best, and cropped to the ink. The grid itself is never in the image.
 *
 * OCR runs in the kiosk's own warm tesseract worker, which the caller passes in as a
 * `RecognizeImage` function: the worker and its models are served by our server and created
 * when the kiosk starts, not when the customer is waiting. Two adapters build that function
 * from a tesseract.js worker or from a line recogniser with the shape of `shared/src/ocr`'s.
 * Handwriting is not what chi_sim was trained on, so the score is a hint for the teller, who
 * accepts the acknowledgement or asks for a rewrite.
 */
import { type AcknowledgementMatch, acknowledgementMatchScore } from '@vtm/shared';
import { type HandwritingGrid, type Stroke, inkBounds, lineUpGridRows } from './strokes.ts';

/** OCR of one line of text in a PNG; `confidence` is 0–100 as tesseract reports it. */
export type RecognizeImage = (png: Blob) => Promise<{ text: string; confidence: number }>;

export interface HandwritingRecognition extends AcknowledgementMatch {
  /** The text exactly as OCR returned it. */
  text: string;
  /** 0–100, tesseract's mean confidence. */
  confidence: number;
  /** The image OCR read (one line, black on white). */
  image: Blob;
  /** Time spent rendering and recognising, in milliseconds. */
  ms: number;
}

/** Renders the written grid as one line, recognises it and scores it against `expected`. */
export async function recogniseHandwriting(
  written: { strokes: readonly Stroke[]; grid: HandwritingGrid },
  expected: string,
  recognize: RecognizeImage,
): Promise<HandwritingRecognition> {
  const started = performance.now();
  const image = await canvasToPng(renderLineForRecognition(lineUpGridRows(written.strokes, written.grid), written.grid));
  const { text, confidence } = await recognize(image);
  const match = acknowledgementMatchScore(expected, text);
  return { ...match, text, confidence, image, ms: Math.round(performance.now() - started) };
}

// --- Rendering for OCR --------------------------------------------------------------------

/** Cell height in the OCR image: characters then stand about 45 px tall, where chi_sim reads well. */
const OCR_CELL_PX = 64;
/** Pen width relative to the cell: close to the stem width of a regular-weight printed face. */
const OCR_PEN_SHARE = 0.075;
/** White border around the ink, relative to the cell: tesseract wants background around text. */
const OCR_MARGIN_SHARE = 0.3;

/** The lined-up strokes drawn for OCR on a canvas cropped to the ink. */
export function renderLineForRecognition(line: readonly Stroke[], grid: HandwritingGrid): HTMLCanvasElement {
  const scale = OCR_CELL_PX / grid.cellSize;
  const margin = OCR_MARGIN_SHARE * OCR_CELL_PX;
  const bounds = inkBounds(line) ?? { minX: 0, minY: 0, width: 0, height: 0 };
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(bounds.width * scale + 2 * margin);
  canvas.height = Math.ceil(bounds.height * scale + 2 * margin);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('renderLineForRecognition: no 2D canvas context');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  ctx.lineWidth = Math.max(2, OCR_PEN_SHARE * OCR_CELL_PX);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const at = (v: number, min: number) => (v - min) * scale + margin;
  for (const stroke of line) {
    ctx.beginPath();
    ctx.moveTo(at(stroke[0]!.x, bounds.minX), at(stroke[0]!.y, bounds.minY));
    if (stroke.length === 1) {
      // A dot (as in 、or the dot of a character): a zero-length line shows nothing.
      ctx.arc(at(stroke[0]!.x, bounds.minX), at(stroke[0]!.y, bounds.minY), ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    for (const p of stroke.slice(1)) ctx.lineTo(at(p.x, bounds.minX), at(p.y, bounds.minY));
    ctx.stroke();
  }
  return canvas;
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob produced no image'))), 'image/png');
  });
}

// --- Adapters to the kiosk's warm OCR worker -----------------------------------------------

/** The part of a tesseract.js worker (created with 'chi_sim') that recognition uses. */
export interface TesseractWorkerLike {
  setParameters(params: Record<string, string>): Promise<unknown>;
  recognize(image: Blob): Promise<{ data: { text: string; confidence: number } }>;
}

/**
 * A `RecognizeImage` on a tesseract.js worker loaded with chi_sim. The worker may be shared
 * with ID-card reading, so each call sets what it needs: one line of text (PSM 7) and no
 * character whitelist. A whitelist of the expected sentence's characters would force any
 * scribble into those characters and make the match score meaningless.
 */
export function tesseractRecognizer(worker: TesseractWorkerLike): RecognizeImage {
  return async (png) => {
    await worker.setParameters({ tessedit_pageseg_mode: '7', tessedit_char_whitelist: '', tessedit_char_blacklist: '' });
    const { data } = await worker.recognize(png);
    return { text: data.text, confidence: data.confidence };
  };
}

/** A line recogniser with the shape of `Recognizer` in shared/src/ocr (RGBA pixels in, one line out). */
export interface LineRecognizerLike {
  recognize(
    image: { width: number; height: number; data: Uint8ClampedArray },
    options: { lang: 'chi_sim'; psm: number },
  ): Promise<{ text: string; confidence: number }>;
}

/** A `RecognizeImage` on a pixel-based line recogniser: decodes the PNG, then reads it as one chi_sim line. */
export function lineRecognizerAdapter(recognizer: LineRecognizerLike): RecognizeImage {
  return async (png) => {
    const bitmap = await createImageBitmap(png);
    try {
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('lineRecognizerAdapter: no 2D canvas context');
      ctx.drawImage(bitmap, 0, 0);
      const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const { text, confidence } = await recognizer.recognize(pixels, { lang: 'chi_sim', psm: 7 });
      return { text, confidence };
    } finally {
      bitmap.close();
    }
  };
}
