import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'vtm-sfu' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Signaling data can carry personal data; never log it whole.
    redact: { paths: ['data', '*.data', 'req.headers.cookie'], censor: '[redacted]' },
  });
}
