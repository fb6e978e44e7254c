/**
 * Document reading: our per-field extraction (tesseract.js, warm workers, the code the
 * kiosk runs) against Debian's native `tesseract IMAGE - -l chi_sim+eng` (one process per
 * image, as a typical integration calls it) on the same freshly generated images in the
 * same run. Prints, per document kind, the median time of each and their ratio, and our
 * field accuracy on clean and degraded images; writes JSON under bench/results/.
 *
 *   npm run bench -- ocr               (this benchmark only)
 *   OCR_DOCS=50 npm run bench -- ocr   (documents per kind and variant; default 20)
 *
 * Targets (issue 3): ID numbers 100% on clean images and ≥ 98% on degraded ones; every
 * field ≥ 98% on clean images; our median per card front ≤ native tesseract's. A missed
 * target makes the run exit non-zero.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DocumentReading } from '../shared/src/ocr/index.ts';
import { createNodeDocumentReader } from '../shared/src/ocr/node/index.ts';
import { artifactDir, repoRoot } from '../e2e/support/artifacts.ts';
import { DOCUMENT_KINDS, VARIANTS, generateDocuments, type DocumentKind, type GeneratedDocument, type Variant } from '../e2e/support/documents/index.ts';
import { resultHeader, summarise } from './stats.ts';
import { positiveInteger } from './command-line.ts';

const DOCS = positiveInteger('OCR_DOCS', 20);
const SEED = process.env['OCR_SEED'] ?? `bench-${Date.now()}`;
const REFERENCE_DATE = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const TODAY = new Date(`${REFERENCE_DATE}T12:00:00+08:00`);
const run = promisify(execFile);

interface Sample {
  file: string;
  kind: DocumentKind;
  variant: Variant;
  ourMs: number;
  nativeMs: number;
  readKind: DocumentKind;
  /** Field name → read correctly. */
  fields: Record<string, boolean>;
  /** Native tesseract's whole-image text contains the ID number (fronts only): a rough look at the baseline's reading. */
  nativeHasIdNumber?: boolean;
  wrong: Record<string, { read: string; truth: string }>;
}

const dir = artifactDir('bench-ocr');
process.stdout.write(`generating ${DOCS} clean and ${DOCS} degraded documents of each kind (seed ${SEED})…\n`);
const generating = performance.now();
const docs = await generateDocuments({ outDir: path.join(dir, 'documents'), count: DOCS, seed: SEED, referenceDate: REFERENCE_DATE });
process.stdout.write(`generated ${docs.length} images in ${Math.round((performance.now() - generating) / 1000)} s\n`);

const initStarted = performance.now();
const reader = await createNodeDocumentReader();
const initMs = Math.round(performance.now() - initStarted);
process.stdout.write(`OCR workers created and warmed in ${initMs} ms\n`);

const ours = new Map<string, { reading: DocumentReading; ms: number }>();
try {
  for (const doc of docs) {
    const bytes = fs.readFileSync(doc.file);
    const started = performance.now();
    const reading = await reader.readBytes(bytes, { today: TODAY });
    ours.set(doc.file, { reading, ms: performance.now() - started });
  }
} finally {
  await reader.close();
}

const native = new Map<string, { text: string; ms: number }>();
for (const doc of docs) {
  const started = performance.now();
  const { stdout } = await run('tesseract', [doc.file, '-', '-l', 'chi_sim+eng'], { maxBuffer: 16 * 1024 * 1024 });
  native.set(doc.file, { text: stdout, ms: performance.now() - started });
}

const samples: Sample[] = docs.map((doc) => sampleOf(doc));

function sampleOf(doc: GeneratedDocument): Sample {
  const our = ours.get(doc.file)!;
  const nat = native.get(doc.file)!;
  const read = our.reading.fields as Record<string, string>;
  const fields: Record<string, boolean> = {};
  const wrong: Sample['wrong'] = {};
  for (const [name, truth] of Object.entries(doc.truth.fields as unknown as Record<string, string>)) {
    fields[name] = our.reading.kind === doc.kind && read[name] === truth;
    if (!fields[name]) wrong[name] = { read: read[name] ?? '', truth };
  }
  const idNumber = doc.kind === 'cn-resident-id-front' ? (doc.truth.fields as { idNumber: string }).idNumber : null;
  return {
    file: path.relative(repoRoot, doc.file),
    kind: doc.kind,
    variant: doc.variant,
    ourMs: Math.round(our.ms),
    nativeMs: Math.round(nat.ms),
    readKind: our.reading.kind,
    fields,
    ...(idNumber ? { nativeHasIdNumber: nat.text.replace(/\s+/g, '').includes(idNumber) } : {}),
    wrong,
  };
}

const percent = (ok: number, n: number) => (n === 0 ? NaN : Math.round((1000 * ok) / n) / 10);

const kinds = DOCUMENT_KINDS.map((kind) => {
  const ofKind = samples.filter((s) => s.kind === kind);
  const ourMs = summarise(ofKind.map((s) => s.ourMs));
  const nativeMs = summarise(ofKind.map((s) => s.nativeMs));
  const accuracy = Object.fromEntries(
    VARIANTS.map((variant) => {
      const set = ofKind.filter((s) => s.variant === variant);
      const names = Object.keys(set[0]?.fields ?? {});
      const perField = Object.fromEntries(names.map((name) => [name, percent(set.filter((s) => s.fields[name]).length, set.length)]));
      const allFields = percent(set.filter((s) => Object.values(s.fields).every(Boolean)).length, set.length);
      const kindRight = percent(set.filter((s) => s.readKind === kind).length, set.length);
      return [variant, { documents: set.length, kindRight, allFields, perField }];
    }),
  ) as Record<Variant, { documents: number; kindRight: number; allFields: number; perField: Record<string, number> }>;
  const nativeIdNumbers = ofKind.filter((s) => s.nativeHasIdNumber !== undefined);
  return {
    kind,
    ourMs,
    nativeMs,
    ratio: Math.round((ourMs.median / nativeMs.median) * 100) / 100,
    accuracy,
    ...(nativeIdNumbers.length > 0 ? { nativeTextHasIdNumber: percent(nativeIdNumbers.filter((s) => s.nativeHasIdNumber).length, nativeIdNumbers.length) } : {}),
  };
});

const front = kinds.find((k) => k.kind === 'cn-resident-id-front')!;
const targets = [
  { target: 'ID numbers 100% on clean images', value: front.accuracy.clean.perField['idNumber'] ?? NaN, met: (front.accuracy.clean.perField['idNumber'] ?? 0) >= 100 },
  { target: 'ID numbers ≥ 98% on degraded images', value: front.accuracy.degraded.perField['idNumber'] ?? NaN, met: (front.accuracy.degraded.perField['idNumber'] ?? 0) >= 98 },
  ...kinds.flatMap((k) =>
    Object.entries(k.accuracy.clean.perField).map(([name, value]) => ({ target: `${k.kind} ${name} ≥ 98% on clean images`, value, met: value >= 98 })),
  ),
  { target: 'median per card front ≤ native tesseract', value: front.ratio, met: front.ourMs.median <= front.nativeMs.median },
];

const result = {
  ...resultHeader('ocr', 'per-field extraction with warm tesseract.js workers vs native `tesseract IMAGE - -l chi_sim+eng` per image, same generated images, same run', 'npm run bench -- ocr'),
  seed: SEED,
  referenceDate: REFERENCE_DATE,
  documentsPerKindAndVariant: DOCS,
  workerInitMs: initMs,
  notes: [
    'ourMs: decode + find + normalise + recognise every field + validate, per image, workers already warm',
    'nativeMs: one `tesseract` process per image (model load included, as a typical integration runs it); it only outputs text, no fields',
  ],
  kinds,
  targets,
  misreads: samples.filter((s) => Object.keys(s.wrong).length > 0 || s.readKind !== s.kind).map(({ file, variant, readKind, wrong }) => ({ file, variant, readKind, wrong })),
  samples,
};

const out = path.join(repoRoot, 'bench', 'results', `ocr-${result.at.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const lines: string[] = ['', `OCR over ${DOCS} clean + ${DOCS} degraded documents per kind (${os.cpus().length} CPUs, workers warmed in ${initMs} ms)`];
for (const k of kinds) {
  lines.push(
    `${k.kind}: median ${k.ourMs.median} ms (p95 ${k.ourMs.p95}) vs native tesseract ${k.nativeMs.median} ms (p95 ${k.nativeMs.p95}), ratio ${k.ratio}`,
  );
  for (const variant of VARIANTS) {
    const a = k.accuracy[variant];
    const fields = Object.entries(a.perField)
      .map(([name, value]) => `${name} ${value}%`)
      .join(', ');
    lines.push(`  ${variant.padEnd(8)} all fields ${a.allFields}%, kind ${a.kindRight}% | ${fields}`);
  }
  if ('nativeTextHasIdNumber' in k) lines.push(`  (native whole-image text contains the ID number in ${k.nativeTextHasIdNumber}% of images)`);
}
lines.push('targets:');
for (const t of targets) lines.push(`  ${t.met ? 'met   ' : 'MISSED'} ${t.target} (${t.value})`);
lines.push(`written to ${path.relative(repoRoot, out)}`);
process.stdout.write(`${lines.join('\n')}\n`);
if (targets.some((t) => !t.met)) process.exitCode = 1;
