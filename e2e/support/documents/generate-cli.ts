/**
 * Generates synthetic identity documents from the command line; one JSON line per document
 * on stdout ({ file, truthFile, kind, variant, truth }).
 *
 *   node --import tsx e2e/support/documents/generate-cli.ts --out DIR --count N --seed S \
 *     [--kinds cn-resident-id-front,cn-resident-id-back,passport-td3] [--variants clean,degraded] \
 *     [--reference-date YYYY-MM-DD]
 */
import { parseArgs } from 'node:util';
import { DOCUMENT_KINDS, VARIANTS, generateDocuments, type DocumentKind, type Variant } from './index.ts';

const USAGE = `usage: generate-cli.ts --out DIR --count N --seed S [--kinds ${DOCUMENT_KINDS.join(',')}] [--variants ${VARIANTS.join(',')}] [--reference-date YYYY-MM-DD]`;

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      kinds: { type: 'string' },
      variants: { type: 'string' },
      'reference-date': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out || values.count === undefined || values.seed === undefined) throw new Error(`--out, --count and --seed are required\n${USAGE}`);
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 0) throw new Error(`--count must be a non-negative integer, got ${values.count}`);
  const kinds = list(values.kinds);
  const variants = list(values.variants);
  await generateDocuments({
    outDir: values.out,
    count,
    seed: values.seed,
    // Checked against the known names inside generateDocuments, with a clear message.
    ...(kinds ? { kinds: kinds as DocumentKind[] } : {}),
    ...(variants ? { variants: variants as Variant[] } : {}),
    ...(values['reference-date'] ? { referenceDate: values['reference-date'] } : {}),
    onDocument: (doc) => process.stdout.write(`${JSON.stringify(doc)}\n`),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
