/// <reference types="node" />
/**
 * PNG and JPEG files to RGBA (Node only): pngjs and jpeg-js, both pure JavaScript.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { rgbaImage, type RgbaImage } from '../image.ts';

/** Largest image decoded (pixels): a camera frame is far smaller; anything bigger is refused rather than exhausting memory. */
const MAX_PIXELS = 40_000_000;

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** Decodes a PNG or JPEG by its signature (not by file name). */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (isPng(bytes)) return decodePng(bytes);
  if (isJpeg(bytes)) return decodeJpeg(bytes);
  throw new ImageDecodeError('not a PNG or JPEG image');
}

function isPng(b: Uint8Array): boolean {
  return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function decodePng(bytes: Uint8Array): RgbaImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ImageDecodeError(`unreadable PNG: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkSize(png.width, png.height);
  return rgbaImage(png.width, png.height, new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength));
}

function decodeJpeg(bytes: Uint8Array): RgbaImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (error) {
    throw new ImageDecodeError(`unreadable JPEG: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkSize(decoded.width, decoded.height);
  return rgbaImage(decoded.width, decoded.height, new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength));
}

function checkSize(width: number, height: number): void {
  if (width <= 0 || height <= 0) throw new ImageDecodeError('image has no pixels');
  if (width * height > MAX_PIXELS) throw new ImageDecodeError(`image of ${width}×${height} is too large`);
}
