/** What a kiosk uploads as evidence of a session, and the stroke data of pads. */
import { z } from 'zod';

export const KioskUploadKind = z.enum([
  'id-front',
  'id-back',
  'passport-page',
  'acknowledgement-image',
  'acknowledgement-strokes',
  'signature-image',
  'signature-svg',
  'signature-strokes',
]);
export type KioskUploadKind = z.infer<typeof KioskUploadKind>;

/** One point of a pen stroke: position in CSS pixels, time in ms since the pad opened, pressure 0..1. */
export const StrokePoint = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  t: z.number().finite().min(0),
  pressure: z.number().finite().min(0).max(1),
});
export const Strokes = z.array(z.array(StrokePoint).max(5000)).max(300);
export type Strokes = z.infer<typeof Strokes>;

export const UploadedEvidence = z.object({ evidenceId: z.number().int(), sha256: z.string() });
export type UploadedEvidence = z.infer<typeof UploadedEvidence>;

/** The header that carries a session's kiosk upload token. */
export const KIOSK_UPLOAD_TOKEN_HEADER = 'x-vtm-upload-token';
