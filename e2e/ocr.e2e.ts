/**
 * Document reading end to end: synthetic resident-ID fronts and backs and passport pages,
 * clean and as a camera sees them, generated now, read by the same extraction the kiosk
 * runs (tesseract.js on the local models), and compared with their ground truth.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockingFailures } from '../shared/src/domain/identity/index.ts';
import type { DocumentReading } from '../shared/src/ocr/index.ts';
import { createNodeDocumentReader, type NodeDocumentReader } from '../shared/src/ocr/node/index.ts';
import { artifactDir } from './support/artifacts.ts';
import { generateDocuments, type GeneratedDocument } from './support/documents/index.ts';

const SEED = 'e2e-ocr';
/** Documents per kind and variant: 2 × 3 kinds × 2 variants = 12 images. */
const COUNT = 2;
/** Fixed once, so a run that crosses midnight in Beijing still judges like with like. */
const REFERENCE_DATE = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const TODAY = new Date(`${REFERENCE_DATE}T12:00:00+08:00`);

describe('OCR of identity documents', () => {
  let reader: NodeDocumentReader;
  let docs: GeneratedDocument[];
  const readings = new Map<string, { reading: DocumentReading; ms: number }>();

  beforeAll(async () => {
    const dir = artifactDir('ocr');
    [reader, docs] = await Promise.all([
      createNodeDocumentReader(),
      generateDocuments({ outDir: path.join(dir, 'documents'), count: COUNT, seed: SEED, referenceDate: REFERENCE_DATE }),
    ]);
    for (const doc of docs) {
      const started = performance.now();
      const reading = await reader.readFile(doc.file, { today: TODAY });
      readings.set(doc.file, { reading, ms: performance.now() - started });
    }
  });

  afterAll(async () => {
    await reader?.close();
  });

  const readingOf = (doc: GeneratedDocument) => {
    const entry = readings.get(doc.file);
    if (!entry) throw new Error(`${doc.file} was not read`);
    return entry.reading;
  };
  const describeDoc = (doc: GeneratedDocument) => `${path.basename(doc.file)}${doc.truth.degradation ? ` (${doc.truth.degradation.summary})` : ''}`;

  it('tells each document kind, clean or degraded', () => {
    for (const doc of docs) expect(readingOf(doc).kind, describeDoc(doc)).toBe(doc.kind);
  });

  it('reads every ID number exactly, and derives sex and birth date from it', () => {
    const fronts = docs.filter((d) => d.truth.kind === 'cn-resident-id-front');
    expect(fronts.length).toBe(2 * COUNT);
    for (const doc of fronts) {
      const { fields } = readingOf(doc);
      const truth = doc.truth.fields as { idNumber: string; sex: string; birthDate: string };
      expect(fields, describeDoc(doc)).toMatchObject({ idNumber: truth.idNumber, sex: truth.sex, birthDate: truth.birthDate });
    }
  });

  it('reads every field of the clean documents', () => {
    for (const doc of docs.filter((d) => d.variant === 'clean')) {
      expect(readingOf(doc).fields, describeDoc(doc)).toEqual(doc.truth.fields);
    }
  });

  it('reads the degraded documents field for field (a degraded image may cost a field, never a check-digit-protected one)', () => {
    const wrong: string[] = [];
    for (const doc of docs.filter((d) => d.variant === 'degraded')) {
      const fields = readingOf(doc).fields as Record<string, string>;
      for (const [name, value] of Object.entries(doc.truth.fields)) {
        if (fields[name] !== value) wrong.push(`${describeDoc(doc)} ${name}: read ${JSON.stringify(fields[name])}, printed ${JSON.stringify(value)}`);
      }
    }
    // Fields the check digits protect must never be wrong; at most one other field in all degraded images may be.
    const protectedFields = ['idNumber', 'documentNumber', 'birthDate', 'expiryDate'];
    expect(wrong.filter((w) => protectedFields.some((f) => w.includes(` ${f}:`))), wrong.join('\n')).toEqual([]);
    expect(wrong.length, wrong.join('\n')).toBeLessThanOrEqual(1);
  });

  it('validates what it read with the shared rules: correct readings pass every blocking check', () => {
    for (const doc of docs) {
      const reading = readingOf(doc);
      const allRight = JSON.stringify(reading.fields) === JSON.stringify(doc.truth.fields);
      if (!allRight) continue;
      expect(blockingFailures(reading.checks), describeDoc(doc)).toEqual([]);
      expect(reading.confidence.overall, describeDoc(doc)).toBeGreaterThan(0);
    }
  });

  it('reads a card with the warm workers well within a second', () => {
    const ms = docs.filter((d) => d.truth.kind !== 'passport-td3').map((d) => readings.get(d.file)?.ms ?? Infinity).sort((a, b) => a - b);
    const median = ms[ms.length >> 1] ?? Infinity;
    expect(median).toBeLessThan(1500);
  });
});
