import type { DestinationStream } from 'pino';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach the log, wherever a log call puts them (at the top or one
 * level down): personal data of customers (names, ID and document numbers, birth dates,
 * whole documents, OCR readings, handwriting), and secrets (passwords, session and upload
 * tokens, cookies). Log ids (sessionId, evidence ids) and counts instead.
 */
export const REDACTED_KEYS = [
  // Signaling data can carry any of the below; never log it whole.
  'data',
  'password',
  'passwordHash',
  'token',
  'tokenHash',
  'uploadToken',
  'cookie',
  'authorization',
  'set-cookie',
  'x-vtm-upload-token',
  'customerName',
  'fullName',
  'surname',
  'givenNames',
  'idNumber',
  'documentNumber',
  'birthDate',
  'address',
  'mrz',
  'document',
  'identity',
  'fields',
  'ocr',
  'strokes',
] as const;

const bracket = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);

export const REDACT_PATHS = [
  ...REDACTED_KEYS.flatMap((key) => [key.includes('-') ? `["${key}"]` : key, `*${bracket(key)}`]),
  'req.headers.cookie',
  '*.headers.cookie',
  '*.headers["x-vtm-upload-token"]',
  // A top-level `name` is a person's in this code base (kiosks and tellers are logged as kiosk/teller).
  'name',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'vtm-sfu' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
