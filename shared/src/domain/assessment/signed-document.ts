/**
 * The document the customer's signature is bound to, and its hash.
 *
 * The signature pad signs a SHA-256 hash of exactly what the customer agreed to: which
 * questionnaire (id and version), their answers, the resulting level, the product and the
 * disclosure version shown. The kiosk, the server and a reviewer years later must compute
 * the same hash from the same content, so the bytes hashed are a canonical JSON text
 * (keys sorted, no whitespace) rather than whatever `JSON.stringify` happens to produce.
 */
import { z } from 'zod';
import { CustomerRiskLevel } from './levels.ts';
import { type WealthProduct, ProductCode } from './products.ts';
import { Answer, type QuestionnaireDefinition } from './questionnaire.ts';
import { scoreAssessment } from './scoring.ts';

export const SignedDocument = z.strictObject({
  questionnaireId: z.string().min(1).max(64),
  questionnaireVersion: z.number().int().positive(),
  /** Normalised as `validateAnswers` returns them, so tap order does not change the hash. */
  answers: z.array(Answer).min(1).max(100),
  level: CustomerRiskLevel,
  productCode: ProductCode,
  disclosureVersion: z.number().int().positive(),
});
export type SignedDocument = z.infer<typeof SignedDocument>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Canonical JSON, after RFC 8785 (JCS) for the values we sign: object keys sorted by
 * UTF-16 code units, no whitespace, strings escaped as ECMAScript's JSON.stringify does,
 * numbers in ECMAScript's shortest round-trip form (-0 as 0). Anything that plain JSON
 * would drop or mangle silently — undefined, functions, symbols, bigint, NaN/Infinity,
 * lone surrogates, Dates, class instances, sparse arrays, cycles — is a TypeError instead:
 * a signed document must say exactly what it contains.
 */
export function canonicalJson(value: unknown): string {
  const ancestors = new Set<object>();
  const write = (v: unknown, at: string): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${at} is not a finite number`);
        return JSON.stringify(v);
      case 'string':
        if (LONE_SURROGATE.test(v)) throw new TypeError(`canonicalJson: ${at} contains a lone surrogate`);
        return JSON.stringify(v);
      case 'object':
        break;
      default:
        throw new TypeError(`canonicalJson: ${at} is a ${typeof v}, which JSON cannot represent`);
    }
    if (ancestors.has(v)) throw new TypeError(`canonicalJson: ${at} is circular`);
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        const items: string[] = [];
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) throw new TypeError(`canonicalJson: ${at}[${i}] is a hole`);
          items.push(write(v[i], `${at}[${i}]`));
        }
        return `[${items.join(',')}]`;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: ${at} is not a plain object`);
      }
      if (Object.getOwnPropertySymbols(v).length > 0) throw new TypeError(`canonicalJson: ${at} has symbol keys`);
      // Default sort compares UTF-16 code units, which is what RFC 8785 prescribes.
      const keys = Object.keys(v).sort();
      const record = v as Record<string, unknown>;
      return `{${keys.map((k) => `${write(k, `${at} key`)}:${write(record[k], `${at}.${k}`)}`).join(',')}}`;
    } finally {
      ancestors.delete(v);
    }
  };
  return write(value, '$');
}

/** SHA-256 of the UTF-8 bytes of `text`, lower-case hex, via Web Crypto (browsers and Node 20+). */
export async function sha256Hex(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('Web Crypto is unavailable (browsers provide it only to secure contexts: HTTPS or localhost)');
  }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The hash a signature binds to: SHA-256 hex of the canonical JSON of a `SignedDocument`.
 * The document is validated first (unknown or missing fields are an error, never ignored).
 */
export async function documentHash(doc: SignedDocument): Promise<string> {
  return sha256Hex(canonicalJson(SignedDocument.parse(doc)));
}

/**
 * Builds the document for a sale from the raw answers: validates and scores them (throws
 * `InvalidAnswersError` when invalid) and takes the level from the score, so no channel
 * can sign a level the answers do not support.
 */
export function buildSignedDocument(
  definition: QuestionnaireDefinition,
  answers: unknown,
  product: Pick<WealthProduct, 'code' | 'disclosure'>,
): SignedDocument {
  const result = scoreAssessment(definition, answers);
  return SignedDocument.parse({
    questionnaireId: definition.id,
    questionnaireVersion: definition.version,
    answers: result.answers,
    level: result.level,
    productCode: product.code,
    disclosureVersion: product.disclosure.version,
  });
}
