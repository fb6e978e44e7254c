/**
 * Walks the shared zod schemas of the signaling protocol to make requests for the fuzzer:
 * a valid sample of each method's data, every field in it, and values of the wrong type
 * (or out of bounds) for a field. Nothing here is written per method: a method added to
 * the protocol is fuzzed without touching this file.
 *
 * Every value is checked against the schema it is made for, so "valid" and "wrong" are
 * what the server's own validation will decide.
 */
import type { z } from 'zod';
import type { Prng } from './prng.ts';

export type Path = Array<string | number>;

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

/** Strings that satisfy the formats the protocol uses (ids, dates, hashes, codes, names). */
function stringCandidates(rng: Prng): string[] {
  const benign = ['sample', '柜员一号', 'Zoë Ünïcödé', 'a b c', '😀 ok', 'x'];
  return [
    rng.pick(benign),
    ...benign,
    'abc',
    'A',
    'P',
    '1',
    'ABC123',
    '2000-01-01',
    rng.uuid(),
    new Date(Date.UTC(2024, 0, 2, 3, 4, 5)).toISOString(),
    '0'.repeat(64),
    'ab'.repeat(16),
  ];
}

/**
 * A value the schema accepts, built from its structure and checked by it. Optional keys
 * are left out or filled at random. Throws if no valid value is found (a schema kind this
 * walker does not know yet): the generator's own test catches that.
 */
export function validSample(schema: z.ZodType, rng: Prng, depth = 0): unknown {
  // Schemas with cross-field rules (identity.record: verified only when every check passed)
  // take a few draws; 12 was not always enough over 10,000 frames.
  for (let attempt = 0; attempt < 64; attempt++) {
    const value = build(schema, rng, depth);
    if (accepts(schema, value)) return value;
  }
  throw new Error(`no valid sample for a ${defOf(schema).type} schema`);
}

function build(schema: z.ZodType, rng: Prng, depth: number): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringCandidates(rng).find((s) => accepts(schema, s)) ?? '';
    case 'number':
      return [rng.int(1, 5), 1, 0, 0.5, 42].find((n) => accepts(schema, n)) ?? 0;
    case 'boolean':
      return rng.chance(0.7);
    case 'enum':
      return rng.pick(Object.values(def.entries!));
    case 'literal':
      return def.values![0];
    case 'unknown':
    case 'any':
      return {};
    case 'never':
      return undefined;
    case 'optional':
      return depth > 6 || rng.chance(0.4) ? undefined : build(def.innerType!, rng, depth + 1);
    case 'default':
    case 'prefault':
      return rng.chance(0.3) ? undefined : build(def.innerType!, rng, depth + 1);
    case 'nullable':
      return rng.chance(0.2) ? null : build(def.innerType!, rng, depth + 1);
    case 'readonly':
    case 'nonoptional':
      return build(def.innerType!, rng, depth + 1);
    case 'pipe':
      return build(def.in!, rng, depth + 1);
    case 'union':
      return build(rng.pick(def.options!), rng, depth + 1);
    case 'array': {
      for (const length of rng.chance(0.5) ? [0, 1, 2] : [1, 0, 2]) {
        const items = Array.from({ length }, () => build(def.element!, rng, depth + 1));
        if (accepts(schema, items)) return items;
      }
      return [];
    }
    case 'record': {
      if (rng.chance(0.5)) return {};
      const key = build(def.keyType!, rng, depth + 1);
      return { [String(key)]: build(def.valueType!, rng, depth + 1) };
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape!)) {
        const value = build(field, rng, depth + 1);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    default:
      throw new Error(`schema-sample: unsupported zod type "${def.type}"`);
  }
}

/** One place in a sample the fuzzer can change. */
export interface FieldTarget {
  path: Path;
  /** The schema of the value at this path. */
  schema: z.ZodType;
  /** Whether the sample has a value here (optional keys may be absent). */
  present: boolean;
  /** Whether leaving the key out is allowed (optional, default). */
  optional: boolean;
  /** For objects: whether unknown keys are refused (strict) or kept (loose). */
  strictObject?: boolean;
}

/** Unwraps optional/default/nullable/readonly to the schema that decides the value's type. */
function core(schema: z.ZodType): { schema: z.ZodType; optional: boolean } {
  let current = schema;
  let optional = false;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true;
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional'].includes(def.type)) current = def.innerType!;
    else if (def.type === 'pipe') current = def.in!;
    else return { schema: current, optional };
  }
}

/** Every field of the sample (and the absent optional keys), with its schema, root first. */
export function fieldTargets(schema: z.ZodType, value: unknown): FieldTarget[] {
  const out: FieldTarget[] = [];
  const visit = (s: z.ZodType, v: unknown, path: Path, present: boolean, optionalHere: boolean) => {
    const { schema: inner, optional } = core(s);
    const def = defOf(inner);
    const target: FieldTarget = { path, schema: s, present, optional: optionalHere || optional };
    if (def.type === 'object') target.strictObject = def.catchall !== undefined && defOf(def.catchall).type === 'never';
    out.push(target);
    if (!present || v === null || v === undefined) return;
    if (def.type === 'object' && typeof v === 'object') {
      for (const [key, field] of Object.entries(def.shape!)) {
        const has = Object.hasOwn(v as object, key);
        visit(field, has ? (v as Record<string, unknown>)[key] : undefined, [...path, key], has, false);
      }
    } else if (def.type === 'array' && Array.isArray(v)) {
      v.forEach((item, i) => visit(def.element!, item, [...path, i], true, false));
    } else if (def.type === 'record' && typeof v === 'object') {
      for (const [key, item] of Object.entries(v as object)) visit(def.valueType!, item, [...path, key], true, true);
    } else if (def.type === 'union') {
      const option = def.options!.find((o) => accepts(o, v));
      if (option) {
        // The union's own entry stays; its fields are the chosen option's.
        out.pop();
        visit(option, v, path, present, optionalHere);
      }
    }
  };
  visit(schema, value, [], true, false);
  return out;
}

/** Values of every JSON type, big and small, odd and ordinary: the fuzzer's palette. */
export function oddValues(rng: Prng): unknown[] {
  return [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0,
    2 ** 53,
    -(2 ** 63),
    1e308,
    Number.MIN_VALUE,
    '',
    ' ',
    'x',
    '0',
    'true',
    'null',
    '\u0000',
    '\ud800',
    '\u202e\u202dabc',
    'e\u0301'.repeat(50),
    '𝕏'.repeat(rng.int(1, 30)),
    'x'.repeat(rng.pick([65, 81, 121, 201, 257, 501, 1001, 4096])),
    [],
    [null],
    [1, 'a', {}],
    {},
    { __proto__: null },
    JSON.parse('{"__proto__":{"polluted":true}}'),
    { constructor: { prototype: { polluted: true } } },
    { toString: 'x', valueOf: 1 },
    [[[[[]]]]],
  ];
}

/** Values the schema refuses (wrong type, out of range, too long), in a random order. */
export function wrongValues(schema: z.ZodType, rng: Prng): unknown[] {
  const candidates = oddValues(rng).filter((v) => !accepts(schema, v));
  // Shuffle (Fisher–Yates) so each call tries the palette in another order.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  return candidates;
}

export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A copy of `root` with the value at `path` replaced (undefined deletes the key). */
export function withValueAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = cloneJson(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete parent[last];
  // defineProperty: a key named __proto__ becomes an own key, as JSON.parse makes it.
  else Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

export function valueAt(root: unknown, path: Path): unknown {
  let current = root as Record<string | number, unknown> | undefined;
  for (const key of path) current = current?.[key] as Record<string | number, unknown> | undefined;
  return current;
}
