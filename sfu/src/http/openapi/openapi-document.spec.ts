/**
 * Keeps GET /api/openapi.json honest against the real express app (createHttpApp with
 * stub services): every /api/ route is described and every description has a route; the
 * roles each description lists are exactly the roles the route's guard lets through; the
 * document is valid OpenAPI 3.1; and the JSON Schemas in it accept and reject request
 * bodies as the zod schemas the controllers parse with do.
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, UserRole } from '@vtm/shared';
import { SESSION_COOKIE } from '../../auth/auth.service.ts';
import { createHttpApp } from '../app.ts';
import { API_OPERATIONS, type OperationDescription } from './api-description.ts';
import { COMPONENTS, buildOpenApiDocument } from './openapi-document.ts';

// --- The app, with stub services ---------------------------------------------------------

/** Any property of it is itself and calling it throws: a handler that gets past its guard ends in a 500, at once. */
const stub: unknown = new Proxy(function stubService() {}, {
  get: (_target, key) => (key === 'then' ? undefined : stub),
  apply: () => {
    throw new Error('stub service reached');
  },
});

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** The cookie value is the role (or anything else: signed out). */
const auth = {
  userForToken: async (token: string | undefined) =>
    UserRole.safeParse(token).success ? { id: 1, username: `${token}-user`, displayName: token, role: token, createdAt: '', disabledAt: null } : undefined,
};

function appWithStubs(): Express {
  const missing = path.join(os.tmpdir(), 'vtm-openapi-spec-no-such-dir');
  const given: Record<string, unknown> = {
    auth,
    logger: silent,
    staticDir: { kiosk: missing, console: missing },
    kiosk: { idleTimeoutSeconds: 60 },
    secureCookies: false,
  };
  // Services the spec does not name (and ones added later) are stubs.
  const deps = new Proxy(given, { get: (target, key) => (typeof key === 'string' && key in target ? target[key] : stub) });
  return createHttpApp(deps as unknown as Parameters<typeof createHttpApp>[0]);
}

// --- Routes as express has them ----------------------------------------------------------

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
  slash?: boolean;
}

/** `METHOD /path` of every route in the router tree, paths in OpenAPI style (`:id` → `{id}`). */
function registeredRoutes(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
      return paths.flatMap((p) => methods.map((m) => `${m.toUpperCase()} ${(prefix + p).replace(/:(\w+)/g, '{$1}')}`));
    }
    if (!layer.handle.stack) return [];
    const mount = layer.slash || typeof layer.rawPath !== 'string' ? '' : layer.rawPath;
    return registeredRoutes(layer.handle.stack, prefix + mount);
  });
}

const key = (op: Pick<OperationDescription, 'method' | 'path'>) => `${op.method.toUpperCase()} ${op.path}`;

const app = appWithStubs();
const registered = new Set(registeredRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack));
const described = new Set(API_OPERATIONS.map(key));
const document = buildOpenApiDocument();

describe('the OpenAPI description covers the express app', () => {
  it('describes every /api/ route express serves', () => {
    const undescribed = [...registered].filter((route) => route.split(' ')[1]!.startsWith('/api/') && !described.has(route));
    expect(undescribed, 'add these to sfu/src/http/openapi/api-description.ts').toEqual([]);
  });

  it('describes no route that express does not serve', () => {
    const unserved = [...described].filter((route) => !registered.has(route));
    expect(unserved, 'described in api-description.ts, but no such express route').toEqual([]);
  });

  it('puts every described operation in the document under its path and method', () => {
    const inDocument = Object.entries(document.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(new Set(inDocument)).toEqual(described);
  });
});

// --- Roles: what the description says against what the guards do -------------------------

const SAMPLE_PARAMS: Record<string, string> = {
  sessionId: '0b7c6f1e-4d2a-4c8e-9f3b-2a1d5e6f7a8b',
  kind: 'id-front',
  code: 'ABCD-2345',
};

describe('roles in the description match the route guards', () => {
  let base = '';
  let close = () => {};
  beforeAll(async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  async function replyAs(op: OperationDescription, role: string | null, extraHeaders: Record<string, string> = { [CSRF_HEADER]: '1' }) {
    const url = base + op.path.replace(/\{(\w+)\}/g, (_m, name: string) => SAMPLE_PARAMS[name] ?? '1');
    const headers: Record<string, string> = { ...extraHeaders, ...(role ? { cookie: `${SESSION_COOKIE}=${role}` } : {}) };
    const response = await fetch(url, { method: op.method.toUpperCase(), headers, signal: AbortSignal.timeout(5000) });
    return { status: response.status, text: await response.text() };
  }
  const statusAs = async (op: OperationDescription, role: string | null) => (await replyAs(op, role)).status;

  // Kiosk-token routes check their token inside the handler (behind the stubs): not testable here.
  const guarded = API_OPERATIONS.filter((op) => registered.has(key(op)) && (op.access.kind === 'user' || op.access.kind === 'public'));

  it.each(guarded.map((op) => [key(op), op] as const))('%s', async (_name, op) => {
    const allowed: readonly string[] = op.access.kind === 'user' ? op.access.roles : UserRole.options;
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    const gate = (status: number) => (status === 401 || status === 403 ? String(status) : 'passes');
    for (const role of [null, ...UserRole.options]) {
      const who = role ?? 'signed out';
      expected[who] = op.access.kind === 'public' ? 'passes' : role === null ? '401' : allowed.includes(role) ? 'passes' : '403';
      actual[who] = gate(await statusAs(op, role));
    }
    expect(actual).toEqual(expected);
  });

  // Every change a signed-in user may make: refused without the CSRF header, or from another origin.
  const changes = guarded.filter((op) => op.access.kind === 'user' && op.method !== 'get');
  it.each(changes.map((op) => [key(op), op] as const))('%s refuses a possible cross-site forgery', async (_name, op) => {
    const role = op.access.kind === 'user' ? op.access.roles[0]! : 'teller';
    const bare = await replyAs(op, role, {});
    expect(bare.status).toBe(403);
    expect(bare.text).toContain(CSRF_HEADER);
    const foreign = await replyAs(op, role, { [CSRF_HEADER]: '1', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('another origin');
  });
});

// --- The document itself -----------------------------------------------------------------

describe('the generated document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('documents cookie and kiosk-token security, roles, and ApiError failures', () => {
    const decide = document.paths['/api/review/sessions/{sessionId}/decisions']!.post!;
    expect(decide['security']).toEqual([{ cookieAuth: [] }]);
    expect(decide['x-roles']).toEqual(['compliance']);
    expect(Object.keys(decide['responses'] as object)).toEqual(['201', '400', '401', '403', '404']);
    const upload = document.paths['/api/sessions/{sessionId}/kiosk-uploads/{kind}']!.post!;
    expect(upload['security']).toEqual([{ kioskUploadToken: [] }]);
    expect(document.components.securitySchemes).toMatchObject({
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'vtm_session' },
      kioskUploadToken: { type: 'apiKey', in: 'header', name: 'x-vtm-upload-token' },
    });
    expect(document.paths['/api/openapi.json']!.get!['security']).toEqual([]);
  });

  it('notes range requests for playback and the manifest inside the export ZIP', () => {
    const playback = document.paths['/api/sessions/{sessionId}/playback/{mediaId}']!.get!;
    expect(Object.keys(playback['responses'] as object)).toEqual(expect.arrayContaining(['200', '206', '416']));
    const exported = (document.paths['/api/review/sessions/{sessionId}/export']!.get!['responses'] as Record<string, Record<string, unknown>>)['200']!;
    expect(Object.keys(exported['content'] as object)).toEqual(['application/zip']);
    expect(exported['x-contained-json']).toEqual({ 'manifest.json': { $ref: `${COMPONENTS}ExportManifest` } });
  });

  it('describes the review list query from its schema (blank-tolerant preprocessing read as its input)', () => {
    const list = document.paths['/api/review/sessions']!.get!;
    const page = (list['parameters'] as Record<string, unknown>[]).find((p) => p['name'] === 'page');
    expect(page).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, default: 1 } });
  });
});

// --- Request bodies: the document's JSON Schema and the controller's zod schema agree ----

describe('request bodies validate with the schema the document references', () => {
  const base = 'https://vtm.invalid/openapi.json';
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: base, components: { schemas: document.components.schemas } });

  function bodySchemas(method: string, route: string) {
    const op = API_OPERATIONS.find((o) => key(o) === `${method} ${route}`)!;
    const requestBody = document.paths[route]![op.method]!['requestBody'] as { content: Record<string, { schema: { $ref: string } }> };
    const { $ref } = requestBody.content['application/json']!.schema;
    return { json: ajv.getSchema(`${base}${$ref}`)!, zod: op.body!.json! };
  }

  it('compiles every component schema', () => {
    for (const id of Object.keys(document.components.schemas)) expect(() => ajv.getSchema(`${base}${COMPONENTS}${id}`)).not.toThrow();
  });

  const samples = [
    {
      route: 'POST /api/review/sessions/{sessionId}/decisions',
      valid: { decision: 'follow-up', comment: 'The ID image is blurred; ask the branch for a copy.' },
      invalid: { decision: 'approved' },
    },
    {
      route: 'POST /api/users',
      valid: { username: 'new.teller', displayName: 'New Teller', role: 'teller', password: 'long-enough-password' },
      invalid: { username: 'new.teller', displayName: 'New Teller', role: 'root', password: 'long-enough-password' },
    },
    {
      route: 'POST /api/suitability',
      valid: { level: 'C3', age: 67, productCode: 'WM-R3-001', assessedAt: '2026-01-05T09:30:00+08:00' },
      invalid: { level: 'C3', age: 67, productCode: 'WM-R3-001', extra: true },
    },
    { route: 'POST /api/assessments/score', valid: { answers: [{ questionId: 'q1', optionIds: ['a'] }] }, invalid: { answers: 'all of them' } },
  ];

  it.each(samples)('$route', ({ route, valid, invalid }) => {
    const [method, p] = route.split(' ') as [string, string];
    const { json, zod } = bodySchemas(method, p);
    expect(json(valid), JSON.stringify(json.errors)).toBe(true);
    expect(zod.safeParse(valid).success).toBe(true);
    expect(json(invalid)).toBe(false);
    expect(zod.safeParse(invalid).success).toBe(false);
  });
});
