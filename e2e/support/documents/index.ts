/**
 * Synthetic identity documents for tests: Chinese resident ID cards (front and back) and
 * TD3 passport data pages, rendered at test time by headless Chromium, clean or as a
 * camera would see them, each with its ground truth. Nothing here is a real person.
 *
 *   const docs = await generateDocuments({ outDir, count: 3, seed: 'ocr-1' });
 *   await documentToY4m(docs[0].file, 'card.y4m', { seconds: 2, width: 1280, height: 720 });
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beijingTodayIso } from './dates.ts';
import { chooseDegradation, degradedSceneHtml } from './degrade.ts';
import { synthesizeIdentity, type SyntheticIdentity } from './identity.ts';
import { Random } from './random.ts';
import { DocumentRenderer } from './render.ts';
import { CLEAN_SIZE, CORNER_RADIUS, passportHtml, residentIdBackHtml, residentIdFrontHtml } from './templates.ts';
import { DOCUMENT_KINDS, VARIANTS, type Degradation, type DocumentKind, type DocumentTruth, type GeneratedDocument, type Variant } from './types.ts';

export * from './types.ts';
export { documentToY4m, type Y4mOptions, type Y4mResult } from './y4m.ts';
export { synthesizeIdentity, type SyntheticIdentity } from './identity.ts';
export { CLEAN_SIZE } from './templates.ts';
export { DEGRADED_FRAME } from './degrade.ts';

export interface GenerateOptions {
  outDir: string;
  /** Documents per kind and variant. Index i of the front and the back is the same card. */
  count: number;
  /** Same seed (and reference date) → same identities, same degradations, same truth. */
  seed: string | number;
  kinds?: readonly DocumentKind[];
  variants?: readonly Variant[];
  /** The day every document is valid on and every holder an adult; default today in Beijing. */
  referenceDate?: string;
  /** Reuse a running browser; by default one is launched for the batch and closed after. */
  browser?: Browser;
  /** Called as each document is written, e.g. to stream progress. */
  onDocument?: (document: GeneratedDocument) => void;
}

export async function generateDocuments(options: GenerateOptions): Promise<GeneratedDocument[]> {
  const { outDir, count } = options;
  const seed = String(options.seed);
  const kinds = checkedList(options.kinds ?? DOCUMENT_KINDS, DOCUMENT_KINDS, 'kind');
  const variants = checkedList(options.variants ?? VARIANTS, VARIANTS, 'variant');
  const referenceDate = options.referenceDate ?? beijingTodayIso();
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) throw new RangeError(`referenceDate must be YYYY-MM-DD, got ${referenceDate}`);

  await fs.mkdir(outDir, { recursive: true });
  const renderer = await DocumentRenderer.open(options.browser);
  const documents: GeneratedDocument[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const identity = synthesizeIdentity({ seed, index, referenceDate });
      for (const kind of kinds) {
        const base = { seed, index, referenceDate, kind };
        // The degraded image is made from the clean rendering, so render it even if only degraded is asked for.
        const clean = await renderer.render(htmlFor(kind, identity), CLEAN_SIZE[kind], { type: 'png' });
        for (const variant of variants) {
          const doc =
            variant === 'clean'
              ? await writeDocument(outDir, truthFor(identity, base, 'clean'), clean)
              : await writeDegraded(renderer, outDir, identity, base, clean);
          documents.push(doc);
          options.onDocument?.(doc);
        }
      }
    }
  } finally {
    await renderer.close();
  }
  return documents;
}

interface DocumentBase {
  seed: string;
  index: number;
  referenceDate: string;
  kind: DocumentKind;
}

function checkedList<T extends string>(values: readonly string[], allowed: readonly T[], what: string): T[] {
  const unknown = values.filter((v) => !allowed.includes(v as T));
  if (unknown.length > 0) throw new RangeError(`unknown ${what} ${unknown.join(', ')}; expected one of ${allowed.join(', ')}`);
  return [...new Set(values)] as T[];
}

function htmlFor(kind: DocumentKind, identity: SyntheticIdentity): string {
  switch (kind) {
    case 'cn-resident-id-front':
      return residentIdFrontHtml(identity.card);
    case 'cn-resident-id-back':
      return residentIdBackHtml(identity.card);
    case 'passport-td3':
      return passportHtml(identity.passport);
  }
}

async function writeDegraded(renderer: DocumentRenderer, outDir: string, identity: SyntheticIdentity, base: DocumentBase, clean: Buffer): Promise<GeneratedDocument> {
  // A stream per document and kind: adding kinds or variants does not change other documents.
  const degradation = chooseDegradation(new Random(`${base.seed}/degrade/${base.index}/${base.kind}`), base.kind);
  const scene = degradedSceneHtml(`data:image/png;base64,${clean.toString('base64')}`, degradation, {
    ...CLEAN_SIZE[base.kind],
    cornerRadius: CORNER_RADIUS[base.kind],
  });
  const image = await renderer.render(scene, degradation.frame, { type: 'jpeg', quality: degradation.jpegQuality });
  return writeDocument(outDir, truthFor(identity, base, 'degraded', degradation), image);
}

function truthFor(identity: SyntheticIdentity, base: DocumentBase, variant: Variant, degradation?: Degradation): DocumentTruth {
  const size = degradation ? { width: degradation.frame.width, height: degradation.frame.height } : CLEAN_SIZE[base.kind];
  const common = {
    variant,
    seed: base.seed,
    index: base.index,
    referenceDate: base.referenceDate,
    image: { ...size, format: degradation ? ('jpeg' as const) : ('png' as const) },
    ...(degradation ? { degradation } : {}),
  };
  switch (base.kind) {
    case 'cn-resident-id-front':
      return { kind: base.kind, ...common, fields: { ...identity.card.front } };
    case 'cn-resident-id-back':
      return { kind: base.kind, ...common, fields: { ...identity.card.back } };
    case 'passport-td3':
      return { kind: base.kind, ...common, fields: { ...identity.passport.fields }, mrz: [...identity.passport.mrz] };
  }
}

async function writeDocument(outDir: string, truth: DocumentTruth, image: Buffer): Promise<GeneratedDocument> {
  const name = `${String(truth.index).padStart(3, '0')}-${truth.kind}-${truth.variant}`;
  const file = path.join(outDir, `${name}.${truth.image.format === 'png' ? 'png' : 'jpg'}`);
  const truthFile = path.join(outDir, `${name}.json`);
  await fs.writeFile(file, image);
  await fs.writeFile(truthFile, `${JSON.stringify(truth, null, 2)}\n`);
  return { file, truthFile, kind: truth.kind, variant: truth.variant, truth };
}
