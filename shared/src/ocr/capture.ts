/**
 * Automatic capture at the kiosk: whether the current camera frame is worth reading. The
 * kiosk calls this on preview frames and captures once a document is found, it is large
 * enough, and its sharpness (variance of the Laplacian over the document) is high and
 * steady over a few frames; the threshold is a per-camera setting, as the score depends
 * on the camera and the scene.
 */
import { aspectRatio, locateDocument, type DocumentLocation } from './detect-document.ts';
import { laplacianVariance, toGray, type GrayImage, type RgbaImage } from './image.ts';
import { formatOfAspect, type DocumentFormat } from './layout.ts';

export interface CaptureAssessment {
  /** Where the document is, or null when none stands out. */
  location: DocumentLocation | null;
  /** The document's format by its aspect ratio (null without a document). */
  format: DocumentFormat | null;
  /** Share of the frame's area the document covers (0–1). */
  coverage: number;
  /** Variance of the Laplacian over the document (or the whole frame without one). */
  sharpness: number;
}

export function assessCapture(frame: RgbaImage | GrayImage): CaptureAssessment {
  const gray = frame.data.length === frame.width * frame.height * 4 ? toGray(frame as RgbaImage) : (frame as GrayImage);
  const location = locateDocument(gray);
  const region = location?.bounds;
  const coverage = region ? (region.width * region.height) / (gray.width * gray.height) : 0;
  return {
    location,
    format: location ? formatOfAspect(aspectRatio(location)) : null,
    coverage,
    sharpness: laplacianVariance(gray, region),
  };
}
