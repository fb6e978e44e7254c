/**
 * Headless document reading, the same extraction the kiosk runs:
 *
 *   npm run ocr -- IMAGE [IMAGE...]
 *
 * Creates and warms the OCR workers once, then prints one JSON object per image per line:
 * {"file","kind","fields","checks","confidence","ms"}, `ms` being the time to read that
 * image (decode, find, normalise, recognise, validate) with the warm workers. An image that
 * cannot be read prints {"file","error"} instead, and the exit code is 1.
 *
 *   --today YYYY-MM-DD   judge validity on this day instead of today
 *   --kind KIND          read every image as this kind
 *   --details            also print corrections, raw OCR text and geometry
 */
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DOCUMENT_KINDS, type DocumentKind } from '../shared/src/ocr/index.ts';
import { createNodeDocumentReader } from '../shared/src/ocr/node/index.ts';

const USAGE = `usage: npm run ocr -- [--today YYYY-MM-DD] [--kind ${DOCUMENT_KINDS.join('|')}] [--details] IMAGE [IMAGE...]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      today: { type: 'string' },
      kind: { type: 'string' },
      details: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.kind !== undefined && !DOCUMENT_KINDS.includes(values.kind as DocumentKind)) {
    process.stderr.write(`unknown --kind ${values.kind}\n${USAGE}\n`);
    return 2;
  }
  let today: Date | undefined;
  if (values.today !== undefined) {
    today = new Date(`${values.today}T12:00:00+08:00`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.today) || Number.isNaN(today.getTime())) {
      process.stderr.write(`--today must be YYYY-MM-DD\n`);
      return 2;
    }
  }
  const opts = { ...(today ? { today } : {}), ...(values.kind ? { kind: values.kind as DocumentKind } : {}) };

  const reader = await createNodeDocumentReader();
  let failures = 0;
  try {
    for (const file of positionals) {
      let line: object;
      try {
        const bytes = await fs.readFile(file);
        const started = performance.now();
        const reading = await reader.readBytes(bytes, opts);
        const ms = Math.round(performance.now() - started);
        line = {
          file,
          kind: reading.kind,
          fields: reading.fields,
          checks: reading.checks,
          confidence: reading.confidence,
          ms,
          ...(values.details ? { corrections: reading.corrections, raw: reading.raw, geometry: reading.geometry } : {}),
        };
      } catch (error) {
        failures++;
        line = { file, error: error instanceof Error ? error.message : String(error) };
      }
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } finally {
    await reader.close();
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
