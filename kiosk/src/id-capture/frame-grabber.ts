/**
 * Camera frames for ID capture: a video-only stream at the camera's best resolution (the
 * call's camera, opened later, asks for far less), drawn to a canvas each tick. A small
 * copy is analysed for automatic capture; the full frame of the same tick is what gets
 * read and kept as evidence, so the picture judged sharp is the picture taken.
 */
import { rgbaImage, type RgbaImage } from '@vtm/shared/ocr';

/** Width of the copy analysed each tick (document finding works at 480 px). */
export const ANALYSIS_WIDTH = 480;
/** JPEG quality of the evidence image: print stays legible, a 1280×720 frame is ~150 kB. */
const EVIDENCE_JPEG_QUALITY = 0.92;

/** The document camera: video only, as sharp as the camera gives (the card must be legible). */
export function openDocumentCamera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 15, max: 30 } },
  });
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** A captured frame: pixels for the reader, and a JPEG of the same pixels for the evidence store. */
export interface CapturedFrame {
  image: RgbaImage;
  jpeg: Promise<Blob>;
}

export class FrameGrabber {
  readonly #video: HTMLVideoElement;
  readonly #full = document.createElement('canvas');
  readonly #small = document.createElement('canvas');
  readonly #fullContext: CanvasRenderingContext2D;
  readonly #smallContext: CanvasRenderingContext2D;
  #hasFrame = false;

  constructor(video: HTMLVideoElement) {
    this.#video = video;
    const full = this.#full.getContext('2d', { willReadFrequently: true });
    const small = this.#small.getContext('2d', { willReadFrequently: true });
    if (!full || !small) throw new Error('no 2D canvas context');
    this.#fullContext = full;
    this.#smallContext = small;
  }

  /** Draws the current video frame; returns the small copy to analyse, or null while the video has no picture. */
  grab(): RgbaImage | null {
    const video = this.#video;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0 || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return null;
    if (this.#full.width !== width || this.#full.height !== height) {
      this.#full.width = width;
      this.#full.height = height;
    }
    this.#fullContext.drawImage(video, 0, 0, width, height);
    const smallWidth = Math.min(ANALYSIS_WIDTH, width);
    const smallHeight = Math.max(1, Math.round((smallWidth * height) / width));
    if (this.#small.width !== smallWidth || this.#small.height !== smallHeight) {
      this.#small.width = smallWidth;
      this.#small.height = smallHeight;
    }
    this.#smallContext.drawImage(this.#full, 0, 0, smallWidth, smallHeight);
    this.#hasFrame = true;
    return fromImageData(this.#smallContext.getImageData(0, 0, smallWidth, smallHeight));
  }

  /** The full-resolution frame last grabbed (grabbing one first if there is none yet). */
  capture(): CapturedFrame | null {
    if (!this.#hasFrame && this.grab() === null) return null;
    const image = fromImageData(this.#fullContext.getImageData(0, 0, this.#full.width, this.#full.height));
    // toBlob copies the canvas as it is now; later grabs do not change this picture.
    const jpeg = new Promise<Blob>((resolve, reject) =>
      this.#full.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the frame could not be encoded'))), 'image/jpeg', EVIDENCE_JPEG_QUALITY),
    );
    return { image, jpeg };
  }

  /** Forgets the last frame (the customer's document must not stay in memory longer than needed). */
  clear(): void {
    this.#fullContext.clearRect(0, 0, this.#full.width, this.#full.height);
    this.#full.width = this.#full.height = 1;
    this.#small.width = this.#small.height = 1;
    this.#hasFrame = false;
  }
}

function fromImageData(data: ImageData): RgbaImage {
  return rgbaImage(data.width, data.height, data.data);
}
