/**
 * Hostile signaling frames, by category, from a seeded generator, and what the server
 * must answer to each. The method list, the fields and their types all come from the
 * shared protocol module (`requests`), so every method in the schema is covered.
 *
 * The expected answer is decided by the same shared schemas the server validates with,
 * mirroring the order of its checks (signaling-connection.ts): size (1009), UTF-8 (1007),
 * binary, JSON, the {id, method, data} envelope, the method, then the method's data.
 */
import { MAX_SIGNALING_FRAME_BYTES, MAX_SIGNALING_FRAME_DEPTH, RequestFrame, isMethod, requests, type ErrorCode, type Method } from '@vtm/shared';
import type { z } from 'zod';
import { Prng } from './prng.ts';
import {
  fieldTargets,
  oddValues,
  validSample,
  valueAt,
  withValueAt,
  wrongValues,
  type FieldTarget,
  type Path,
} from './schema-sample.ts';

/** Every request method of the protocol, straight from the shared schema module. */
export const METHODS = Object.keys(requests) as Method[];

export const CATEGORIES = [
  'wrong-type',
  'missing-key',
  'extra-key',
  'prototype-key',
  'huge-string',
  'oversized-frame',
  'deep-nesting',
  'number-edge',
  'unicode-edge',
  'invalid-utf8',
  'not-json',
  'bad-envelope',
  'unknown-method',
  'binary',
  'empty',
  'out-of-order',
  'replayed',
  'unknown-id',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Close codes the server refuses a frame with (ws: 1009 too big, 1007 not UTF-8; ours: 4400). */
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INVALID_UTF8 = 1007;
export const CLOSE_TOO_MANY_BAD_FRAMES = 4400;
/** Bad frames after which the server closes with 4400 (signaling-connection.ts). */
export const BAD_FRAMES_BEFORE_CLOSE = 50;

/** Error codes a handler may give a well-formed request in the wrong state or with unknown ids. */
export const STATE_ERROR_CODES: readonly ErrorCode[] = ['unauthenticated', 'not-allowed', 'not-found', 'conflict', 'invalid-data'];

export type Expectation =
  /** An error reply with one of `codes` (and `ok: true` too when `mayBeOk`), carrying `id`. */
  | { kind: 'reply'; id: number | null; mayBeOk: boolean; codes: readonly ErrorCode[]; countsAsBad: boolean }
  /** The server closes the connection with this code (and answers nothing). */
  | { kind: 'close'; code: number };

export interface FuzzFrame {
  category: Category;
  payload: string | Buffer;
  /** Sent as a binary WebSocket message (else text, even when the payload is bytes). */
  binary: boolean;
  /** Sent as this many fragments (continuation frames) instead of one frame. */
  fragments?: number;
  expect: Expectation;
  /** The method and parsed data, when the frame is a well-formed request. */
  request?: { method: Method; data: unknown };
}

const byteLength = (payload: string | Buffer) => (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the server must answer to these bytes, by its own rules and the shared schemas. */
export function expectationFor(payload: string | Buffer, binary: boolean): { expect: Expectation; request?: { method: Method; data: unknown } } {
  if (byteLength(payload) > MAX_SIGNALING_FRAME_BYTES) return { expect: { kind: 'close', code: CLOSE_TOO_BIG } };
  const bad = (code: ErrorCode, id: number | null) => ({ expect: { kind: 'reply', id, mayBeOk: false, codes: [code], countsAsBad: true } as const });
  if (binary) return bad('bad-frame', null);
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch {
    return { expect: { kind: 'close', code: CLOSE_INVALID_UTF8 } };
  }
  // What the server reads: the UTF-8 of the frame (a lone surrogate sent as text becomes U+FFFD).
  text = Buffer.from(text, 'utf8').toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad('bad-frame', null);
  }
  // Nested deeper than the protocol allows: refused before it is even parsed, so no id.
  if (depthOf(json) > MAX_SIGNALING_FRAME_DEPTH) return bad('bad-frame', null);
  const frame = RequestFrame.safeParse(json);
  if (!frame.success) {
    const id = (json as { id?: unknown } | null)?.id;
    return bad('bad-frame', typeof id === 'number' && Number.isSafeInteger(id) ? id : null);
  }
  const { id, method } = frame.data;
  if (!isMethod(method)) return bad('unknown-method', id);
  const data = requests[method].data.safeParse(frame.data.data ?? {});
  if (!data.success) return bad('invalid-data', id);
  return {
    expect: { kind: 'reply', id, mayBeOk: true, codes: STATE_ERROR_CODES, countsAsBad: false },
    request: { method, data: data.data },
  };
}

/** How many arrays and objects deep a parsed value nests (walked without recursion). */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** What a lane knows that can stand in for ids in requests (learnt from the server's replies). */
export interface KnownIds {
  session: string[];
  transport: string[];
  consumer: string[];
  producer: string[];
}

export const emptyKnownIds = (): KnownIds => ({ session: [], transport: [], consumer: [], producer: [] });

/** Options for a lane's frames: which well-formed requests it may send. */
export interface GeneratorOptions {
  /** Well-formed requests are only generated for these methods (default: all). */
  methods?: readonly Method[];
  /** A well-formed request is skipped when this says no (e.g. requests that would end a call). */
  allowRequest?: (method: Method, data: unknown) => boolean;
  known?: KnownIds;
  /**
   * Only well-formed requests (for a party in a call, whose connection must not be cut off
   * for bad frames): deep nesting goes only where the schema keeps unknown keys.
   */
  wellFormedOnly?: boolean;
}

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

/** Strings that trip up text handling: surrogates, controls, direction marks, odd whitespace, normalisation. */
export function unicodeEdgeStrings(rng: Prng): string[] {
  return [
    '\ud800',
    '\udfff',
    'a\ud83dz',
    '\ufeffbom',
    'nul\u0000byte',
    '\u202eevil\u202c',
    '\u200b\u200c\u200d\u2060',
    '\u2028\u2029',
    '\uffff\ufffe',
    '👨‍👩‍👧‍👦'.repeat(rng.int(1, 8)),
    'e\u0301\u0302\u0303\u0304'.repeat(rng.int(1, 15)),
    'ＶＴＭ－１',
    'İıﬃ',
    '\u0085\u00a0\u1680\u3000',
    '\u001b[31mred\u001b[0m',
    '%00%2e%2e%2f',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    "'; DROP TABLE sessions; --",
    '𠜎𠜱𠝹𠱓',
  ];
}

/** Number literals as JSON text: valid JSON that parses to odd values, and literals JSON forbids. */
export const NUMBER_LITERALS = [
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '0.0',
  '9007199254740993',
  '18446744073709551616',
  '1.7976931348623157e309',
  '4.9e-325',
  '0x10',
  '+1',
  '.5',
  '01',
  '1_000',
  '1e',
  '--1',
] as const;

export class FrameGenerator {
  #nextId = 1;
  readonly #rng: Prng;
  readonly #options: GeneratorOptions;
  /** Frames this generator made, for replays. */
  readonly #history: FuzzFrame[] = [];

  constructor(rng: Prng, options: GeneratorOptions = {}) {
    this.#rng = rng;
    this.#options = options;
  }

  get #methods(): readonly Method[] {
    return this.#options.methods ?? METHODS;
  }

  #id(): number {
    return this.#nextId++;
  }

  #frame(category: Category, payload: string | Buffer, binary = false, fragments?: number): FuzzFrame {
    const { expect, request } = expectationFor(payload, binary);
    const frame: FuzzFrame = { category, payload, binary, expect, ...(request ? { request } : {}), ...(fragments ? { fragments } : {}) };
    if (expect.kind === 'reply') this.#history.push(frame);
    if (this.#history.length > 200) this.#history.shift();
    return frame;
  }

  #envelope(method: string, data: unknown, id: unknown = this.#id()): string {
    return JSON.stringify({ id, method, data });
  }

  /** A well-formed request the options allow, with known ids sometimes standing in for random ones. */
  #validRequest(methods: readonly Method[] = this.#methods): { method: Method; data: unknown } {
    for (let attempt = 0; attempt < 50; attempt++) {
      const method = this.#rng.pick(methods);
      let data = validSample(requests[method].data as z.ZodType, this.#rng);
      data = this.#withKnownIds(data);
      if (!requests[method].data.safeParse(data).success) continue;
      if (this.#options.allowRequest && !this.#options.allowRequest(method, data)) continue;
      return { method, data };
    }
    throw new Error('no allowed well-formed request found');
  }

  #withKnownIds(data: unknown): unknown {
    const known = this.#options.known;
    if (!known || typeof data !== 'object' || data === null) return data;
    let out: unknown = data;
    for (const [key, kind] of [['sessionId', 'session'], ['transportId', 'transport'], ['consumerId', 'consumer'], ['producerId', 'producer']] as const) {
      // The same draws whatever the server has handed out so far, so a seed replays the same frames (ids aside).
      const use = this.#rng.chance(0.5);
      const index = this.#rng.int(0, 1 << 30);
      if (use && Object.hasOwn(out as object, key) && known[kind].length > 0) out = withValueAt(out, [key], known[kind][index % known[kind].length]);
    }
    return out;
  }

  /** A method and a valid sample of its data, with one of the fields the filter picks. */
  #sampleWithTargets(
    filter: (t: FieldTarget, data: unknown) => boolean,
    methods: readonly Method[] = METHODS,
  ): { method: Method; data: unknown; target: FieldTarget } | null {
    for (let attempt = 0; attempt < 50; attempt++) {
      const method = this.#rng.pick(methods);
      const schema = requests[method].data as z.ZodType;
      const data = validSample(schema, this.#rng);
      const targets = fieldTargets(schema, data).filter((t) => filter(t, data));
      if (targets.length > 0) return { method, data, target: this.#rng.pick(targets) };
    }
    return null;
  }

  /** A field of a method's data set to a value of the wrong type (or out of range). */
  wrongType(method?: Method, path?: Path): FuzzFrame {
    for (let attempt = 0; attempt < 50; attempt++) {
      const m = method ?? this.#rng.pick(METHODS);
      const schema = requests[m].data as z.ZodType;
      const data = validSample(schema, this.#rng);
      const targets = fieldTargets(schema, data).filter((t) => (path ? samePath(t.path, path) : t.present || t.optional));
      if (targets.length === 0) continue;
      const target = this.#rng.pick(targets);
      const wrong = this.#wrongFor(schema, data, target);
      if (wrong.length === 0) continue;
      return this.#frame('wrong-type', this.#envelope(m, withValueAt(data, target.path, wrong[0])));
    }
    throw new Error(`no wrong value for ${method ?? 'any method'} ${path?.join('.') ?? ''}`);
  }

  /**
   * Wrong values for the target that make the whole request invalid. Not null for the whole
   * data: the server reads missing or null data as {} (valid for methods without data).
   */
  #wrongFor(schema: z.ZodType, data: unknown, target: FieldTarget): unknown[] {
    return wrongValues(target.schema, this.#rng).filter(
      (v) => !(v === null && target.path.length === 0) && !schema.safeParse(JSON.parse(JSON.stringify(withValueAt(data, target.path, v)) ?? 'null')).success,
    );
  }

  /** Every method and every field of its sample, each with a few wrong values: the systematic pass. */
  *everyFieldWrong(valuesPerField = 2): Generator<FuzzFrame> {
    for (const method of METHODS) {
      const schema = requests[method].data as z.ZodType;
      const data = validSample(schema, this.#rng);
      for (const target of fieldTargets(schema, data)) {
        const wrong = this.#wrongFor(schema, data, target);
        for (const value of wrong.slice(0, valuesPerField)) {
          yield this.#frame('wrong-type', this.#envelope(method, withValueAt(data, target.path, value)));
        }
      }
    }
  }

  /** A required key left out. */
  missingKey(): FuzzFrame {
    const picked = this.#sampleWithTargets((t) => t.present && !t.optional && t.path.length > 0 && typeof t.path[t.path.length - 1] === 'string');
    if (!picked) return this.wrongType();
    return this.#frame('missing-key', this.#envelope(picked.method, withValueAt(picked.data, picked.target.path, undefined)));
  }

  /** An extra key in an object of the data (refused by strict objects, kept by the loose media ones). */
  extraKey(): FuzzFrame {
    const picked = this.#sampleWithTargets((t) => t.present && t.strictObject !== undefined);
    if (!picked) return this.wrongType();
    const key = this.#rng.pick(['admin', 'role', 'x'.repeat(this.#rng.int(1, 70)), 'sessionId', '']);
    const path = [...picked.target.path, key];
    return this.#frame('extra-key', this.#envelope(picked.method, withValueAt(picked.data, path, this.#rng.pick(oddValues(this.#rng)))));
  }

  /** `__proto__`, `constructor` and friends: as keys of the data, of the envelope, and as method names. */
  prototypeKey(): FuzzFrame {
    const key = this.#rng.pick(PROTOTYPE_KEYS);
    const polluting = JSON.parse('{"polluted":true,"role":"teller","isAdmin":true}') as unknown;
    switch (this.#rng.int(0, 3)) {
      case 0: {
        const picked = this.#sampleWithTargets((t) => t.present && t.strictObject !== undefined);
        const data = picked ? withValueAt(picked.data, [...picked.target.path, key], polluting) : polluting;
        return this.#frame('prototype-key', this.#envelope(picked?.method ?? 'hello', data));
      }
      case 1:
        // The envelope itself: {"id":1,"method":"hello","data":{...},"__proto__":{...}}
        return this.#frame('prototype-key', `{"id":${this.#id()},"method":"hello","data":{"role":"kiosk","name":"P"},${JSON.stringify(key)}:${JSON.stringify(polluting)}}`);
      case 2:
        return this.#frame('prototype-key', this.#envelope(key, {}));
      default:
        // Data that is only a prototype key: {"__proto__":{"role":"kiosk","name":"x"}}
        return this.#frame('prototype-key', this.#envelope(this.#rng.pick(METHODS), JSON.parse(`{${JSON.stringify(key)}:{"role":"kiosk","name":"x","direction":"send"}}`)));
    }
  }

  /** Strings from just over a field's limit up to just under the frame limit, one and multi-byte. */
  hugeString(): FuzzFrame {
    const picked = this.#sampleWithTargets((t, data) => t.present && typeof valueAt(data, t.path) === 'string');
    const method = picked?.method ?? 'hello';
    const data = picked?.data ?? { role: 'kiosk', name: 'x' };
    const path = picked?.target.path ?? ['name'];
    const unit = this.#rng.pick(['x', '柜', '😀', ' ']);
    const unitBytes = Buffer.byteLength(unit);
    const room = MAX_SIGNALING_FRAME_BYTES - Buffer.byteLength(this.#envelope(method, data, 1)) - 32;
    const bytes = this.#rng.pick([81 * unitBytes, 257 * unitBytes, 1001 * unitBytes, 16_384, 32_768, room]);
    const text = unit.repeat(Math.max(1, Math.floor(Math.min(bytes, room) / unitBytes)));
    return this.#frame('huge-string', this.#envelope(method, withValueAt(data, path, text)));
  }

  /** Frames at the limit (accepted and answered) and over it (the connection is closed with 1009). */
  oversized(): FuzzFrame {
    const over = this.#rng.pick([MAX_SIGNALING_FRAME_BYTES + 1, 70_000, 256 * 1024, 1024 * 1024]);
    const base = this.#envelope('hello', { role: 'kiosk', name: 'x' });
    switch (this.#rng.int(0, 3)) {
      case 0:
        // Padding with whitespace keeps it valid JSON: only the size is wrong.
        return this.#frame('oversized-frame', base + ' '.repeat(over - Buffer.byteLength(base)));
      case 1:
        return this.#frame('oversized-frame', this.#rng.bytes(over), true);
      case 2:
        // Many small fragments of one message that adds up to too much.
        return this.#frame('oversized-frame', base + ' '.repeat(over - Buffer.byteLength(base)), false, this.#rng.int(4, 64));
      default:
        return this.#frame('oversized-frame', this.#envelope('hello', { role: 'kiosk', name: '柜'.repeat(Math.ceil(over / 3)) }));
    }
  }

  /** Exactly at the limit: still answered. */
  atLimit(): FuzzFrame {
    const base = this.#envelope(this.#rng.pick(METHODS), { pad: true });
    return this.#frame('huge-string', base + ' '.repeat(MAX_SIGNALING_FRAME_BYTES - Buffer.byteLength(base)));
  }

  /** Arrays and objects nested thousands deep (as data, as id, and inside the media objects that keep unknown keys). */
  deepNesting(): FuzzFrame {
    const depth = this.#rng.pick([100, 1_000, 10_000, 20_000, 30_000]);
    const deepArray = '['.repeat(depth) + ']'.repeat(depth);
    // About 6 bytes a level: at most 10,000 levels stay inside the frame limit.
    const deepObject = (d: number) => '{"a":'.repeat(Math.min(d, 10_000)) + '1' + '}'.repeat(Math.min(d, 10_000));
    const id = this.#id();
    switch (this.#rng.int(0, 4)) {
      case 0:
        return this.#frame('deep-nesting', `{"id":${id},"method":${JSON.stringify(this.#rng.pick(METHODS))},"data":${deepArray}}`);
      case 1:
        return this.#frame('deep-nesting', `{"id":${id},"method":"hello","data":${deepObject(depth)}}`);
      case 2:
        return this.#frame('deep-nesting', `{"id":${deepArray},"method":"hello","data":{}}`);
      case 3:
        return this.#frame('deep-nesting', deepArray);
      default:
        return this.deepInLooseObject(depth);
    }
  }

  /**
   * A well-formed request with a deep value under an unknown key of a media object (the
   * media schemas keep unknown keys, so validation lets it through to the handler).
   */
  deepInLooseObject(depth = this.#options.wellFormedOnly ? this.#rng.int(2, MAX_SIGNALING_FRAME_DEPTH - 10) : this.#rng.pick([20, 1_000, 10_000, 20_000])): FuzzFrame {
    const picked = this.#sampleWithTargets((t) => t.present && t.strictObject === false, this.#methods);
    if (!picked) return this.#frame('deep-nesting', '['.repeat(depth) + ']'.repeat(depth));
    const data = this.#withKnownIds(withValueAt(picked.data, [...picked.target.path, 'deep'], '__DEEP__'));
    const levels = Math.min(depth, 10_000);
    const deep = this.#rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    return this.#frame('deep-nesting', this.#envelope(picked.method, data).replace('"__DEEP__"', deep));
  }

  /** NaN, Infinity and other number-like literals, in the id and in numeric fields. */
  numberEdge(): FuzzFrame {
    const literal = this.#rng.pick(NUMBER_LITERALS);
    if (this.#rng.chance(0.4)) return this.#frame('number-edge', `{"id":${literal},"method":"hello","data":{"role":"kiosk","name":"n"}}`);
    const picked = this.#sampleWithTargets((t, data) => t.present && typeof valueAt(data, t.path) === 'number');
    if (!picked) return this.#frame('number-edge', `{"id":1,"method":"hello","data":${literal}}`);
    const text = this.#envelope(picked.method, withValueAt(picked.data, picked.target.path, '__NUM__'));
    return this.#frame('number-edge', text.replace('"__NUM__"', literal));
  }

  /** Unicode edge cases in method names, string fields, and around the frame. */
  unicodeEdge(): FuzzFrame {
    const weird = this.#rng.pick(unicodeEdgeStrings(this.#rng));
    switch (this.#rng.int(0, 3)) {
      case 0:
        return this.#frame('unicode-edge', this.#envelope(`hello${weird}`, {}));
      case 1:
        return this.#frame('unicode-edge', `\ufeff${this.#envelope('hello', { role: 'kiosk', name: 'bom' })}`);
      default: {
        const picked = this.#sampleWithTargets((t, data) => t.present && typeof valueAt(data, t.path) === 'string');
        if (!picked) return this.#frame('unicode-edge', this.#envelope('hello', { role: 'kiosk', name: weird }));
        return this.#frame('unicode-edge', this.#envelope(picked.method, withValueAt(picked.data, picked.target.path, weird)));
      }
    }
  }

  /** Text frames whose bytes are not UTF-8: the connection is closed with 1007. */
  invalidUtf8(): FuzzFrame {
    const bad = this.#rng.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe6, 0x9f], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]);
    const text = this.#envelope('hello', { role: 'kiosk', name: '@@' });
    const at = text.indexOf('@@');
    return this.#frame('invalid-utf8', Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at + 2))]));
  }

  /** Text that is not JSON: broken, truncated, JavaScript-but-not-JSON, random characters. */
  notJson(): FuzzFrame {
    const valid = this.#envelope(this.#rng.pick(METHODS), { role: 'kiosk', name: 'x' });
    const choices = [
      () => valid.slice(0, this.#rng.int(1, valid.length - 1)),
      () => valid.replace(/"/g, "'"),
      () => valid.replace('}', ',}'),
      () => `${valid}${valid}`,
      () => `${valid} trailing`,
      () => `// comment\n${valid}`,
      () => '{id:1,method:"hello",data:{}}',
      () => '{"id":1,"method":"hello","data":undefined}',
      () => '{"id":1,"method":"hello","data":{"role":"kiosk","name":"x"',
      () => '\u0000',
      () => this.#rng.pick(['{', '}', '[', ']', '"', ',', ':', 'nul', 'tru', '{"a"}']),
      () => Array.from({ length: this.#rng.int(1, 200) }, () => String.fromCodePoint(this.#rng.int(0x20, 0x2fff))).join(''),
    ];
    return this.#frame('not-json', this.#rng.pick(choices)());
  }

  /** JSON that is not a request envelope: wrong id, method or data types, extra or missing keys, other JSON types. */
  badEnvelope(): FuzzFrame {
    const method = this.#rng.pick(METHODS);
    const choices = [
      () => JSON.stringify({ method, data: {} }),
      () => JSON.stringify({ id: this.#rng.pick(['1', -1, 1.5, null, true, [], {}, 2 ** 53, -0.0001, '']), method, data: {} }),
      () => JSON.stringify({ id: this.#id(), data: {} }),
      () => JSON.stringify({ id: this.#id(), method: this.#rng.pick([1, null, true, [], {}, ['hello']]), data: {} }),
      () => JSON.stringify({ id: this.#id(), method: 'x'.repeat(this.#rng.int(65, 4000)), data: {} }),
      () => JSON.stringify({ id: this.#id(), method, data: {}, [this.#rng.pick(['extra', 'ID', 'Method', 'notification', 'ok'])]: 1 }),
      () => JSON.stringify({ ID: 1, METHOD: method, DATA: {} }),
      () => JSON.stringify({ notification: method, data: {} }),
      () => JSON.stringify({ id: this.#id(), ok: true, data: {} }),
      () => JSON.stringify(this.#rng.pick([[], [1, 'hello', {}], null, 0, 'hello', true, {}] as unknown[])),
    ];
    return this.#frame('bad-envelope', this.#rng.pick(choices)());
  }

  /** Method names the protocol does not have: near misses, inherited names, random text. */
  unknownMethod(): FuzzFrame {
    const real = this.#rng.pick(METHODS);
    const names = [
      real.toUpperCase(),
      `${real} `,
      ` ${real}`,
      `${real}\u0000`,
      `${real}.extra`,
      real.replace('.', '..'),
      real.replace('.', '/'),
      ...PROTOTYPE_KEYS,
      '',
      'admin.grant',
      'session.delete',
      'audit.erase',
      this.#rng.bytes(12).toString('hex'),
    ].filter((n) => !METHODS.includes(n as Method));
    const name = this.#rng.pick(names);
    return this.#frame('unknown-method', this.#envelope(name, this.#rng.chance(0.5) ? {} : validSample(requests[real].data as z.ZodType, this.#rng)));
  }

  /** Binary messages: random bytes, and even a valid request sent as binary. */
  binary(): FuzzFrame {
    const choices = [
      () => this.#rng.bytes(this.#rng.int(1, 2048)),
      () => Buffer.from(this.#envelope('hello', { role: 'kiosk', name: 'bin' })),
      () => Buffer.from([0xff, 0xfe, 0x00, 0x00]),
      () => Buffer.alloc(this.#rng.int(1, 512)),
    ];
    return this.#frame('binary', this.#rng.pick(choices)(), true);
  }

  empty(): FuzzFrame {
    return this.#rng.pick([
      () => this.#frame('empty', ''),
      () => this.#frame('empty', ' \t\r\n'),
      () => this.#frame('empty', Buffer.alloc(0), true),
      () => this.#frame('empty', '{}'),
      () => this.#frame('empty', JSON.stringify({ id: this.#id(), method: '', data: null })),
    ])();
  }

  /** A well-formed request for whatever state the connection is in (mostly the wrong one). */
  outOfOrder(): FuzzFrame {
    const { method, data } = this.#validRequest();
    return this.#frame('out-of-order', this.#envelope(method, data));
  }

  /** Well-formed requests naming sessions, transports, consumers or evidence that do not exist (or are not this caller's). */
  unknownId(): FuzzFrame {
    const withIds = this.#methods.filter((m) => methodsWithIds().includes(m));
    const { method, data } = this.#validRequest(withIds.length > 0 ? withIds : this.#methods);
    return this.#frame('unknown-id', this.#envelope(method, data));
  }

  /** A frame sent before, again, byte for byte (same id, same request). */
  replayed(): FuzzFrame {
    const earlier = this.#history.filter((f) => !f.request || !this.#options.allowRequest || this.#options.allowRequest(f.request.method, f.request.data));
    if (earlier.length === 0) return this.outOfOrder();
    const frame = this.#rng.pick(earlier);
    return { ...frame, category: 'replayed' };
  }

  /**
   * One frame of the category. A frame that turns out to be a well-formed request the
   * lane may not send (say, a valid hello on a lane that must stay anonymous) is made again.
   */
  make(category: Category): FuzzFrame {
    for (let attempt = 0; ; attempt++) {
      const frame = this.#make(category);
      const allowed = !frame.request || !this.#options.allowRequest || this.#options.allowRequest(frame.request.method, frame.request.data);
      const methodAllowed = !frame.request || !this.#options.methods || this.#options.methods.includes(frame.request.method);
      const wellFormed = !this.#options.wellFormedOnly || frame.request !== undefined;
      if ((allowed && methodAllowed && wellFormed) || attempt > 100) return frame;
    }
  }

  #make(category: Category): FuzzFrame {
    if (this.#options.wellFormedOnly) {
      if (category === 'deep-nesting') return this.deepInLooseObject();
      if (!['out-of-order', 'unknown-id', 'replayed'].includes(category)) throw new Error(`${category} frames are not well-formed`);
    }
    switch (category) {
      case 'wrong-type':
        return this.wrongType();
      case 'missing-key':
        return this.missingKey();
      case 'extra-key':
        return this.extraKey();
      case 'prototype-key':
        return this.prototypeKey();
      case 'huge-string':
        return this.#rng.chance(0.1) ? this.atLimit() : this.hugeString();
      case 'oversized-frame':
        return this.oversized();
      case 'deep-nesting':
        return this.deepNesting();
      case 'number-edge':
        return this.numberEdge();
      case 'unicode-edge':
        return this.unicodeEdge();
      case 'invalid-utf8':
        return this.invalidUtf8();
      case 'not-json':
        return this.notJson();
      case 'bad-envelope':
        return this.badEnvelope();
      case 'unknown-method':
        return this.unknownMethod();
      case 'binary':
        return this.binary();
      case 'empty':
        return this.empty();
      case 'out-of-order':
        return this.outOfOrder();
      case 'replayed':
        return this.replayed();
      case 'unknown-id':
        return this.unknownId();
    }
  }
}

let withIdsCache: Method[] | null = null;

/** Methods whose data names something by id (a key ending in "Id"), found by walking the schemas. */
export function methodsWithIds(): Method[] {
  withIdsCache ??= METHODS.filter((method) => {
    const schema = requests[method].data as z.ZodType;
    try {
      return fieldTargets(schema, validSample(schema, new Prng(1))).some((t) => /Id$/.test(String(t.path[t.path.length - 1] ?? '')));
    } catch {
      return false;
    }
  });
  return withIdsCache;
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
