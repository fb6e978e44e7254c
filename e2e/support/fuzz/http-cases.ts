/**
 * Malformed HTTP requests for the fuzz test, to the local test server only: bad JSON,
 * wrong content types and encodings, oversized bodies and uploads, huge headers, path
 * traversal and encoded NULs on every route with a parameter, bad ids, wrong methods,
 * and a few requests Node's HTTP parser itself must refuse. Sent with node:http (not
 * fetch), so paths go out exactly as written, `..` and `%2e%2e` included.
 */
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Prng } from './prng.ts';

export type HttpCategory =
  | 'bad-json'
  | 'wrong-content-type'
  | 'bad-encoding'
  | 'oversized-body'
  | 'oversized-upload'
  | 'huge-header'
  | 'path-traversal'
  | 'encoded-nul'
  | 'bad-id'
  | 'wrong-method'
  | 'prototype-keys'
  | 'deep-json'
  | 'raw-protocol';

export interface HttpCase {
  category: HttpCategory;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The status the server must answer (default: any 4xx with the ApiError shape). */
  status?: number;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** A route as the API declares it, with `{param}` placeholders. */
export interface RouteTemplate {
  method: string;
  path: string;
}

/** The API's routes, used when the server's OpenAPI document is not available. */
export const KNOWN_ROUTES: RouteTemplate[] = [
  { method: 'POST', path: '/api/auth/sign-in' },
  { method: 'POST', path: '/api/auth/sign-out' },
  { method: 'GET', path: '/api/auth/me' },
  { method: 'GET', path: '/api/users' },
  { method: 'POST', path: '/api/users' },
  { method: 'PATCH', path: '/api/users/{userId}' },
  { method: 'GET', path: '/api/sessions/{sessionId}' },
  { method: 'GET', path: '/api/sessions/{sessionId}/playback/{mediaId}' },
  { method: 'POST', path: '/api/sessions/{sessionId}/stills' },
  { method: 'POST', path: '/api/sessions/{sessionId}/kiosk-uploads/{kind}' },
  { method: 'GET', path: '/api/sessions/{sessionId}/evidence/{evidenceId}' },
  { method: 'GET', path: '/api/sessions/{sessionId}/receipt' },
  { method: 'GET', path: '/api/receipts/{code}' },
  { method: 'POST', path: '/api/assessments/score' },
  { method: 'POST', path: '/api/suitability' },
  { method: 'GET', path: '/api/review/sessions/{sessionId}' },
  { method: 'POST', path: '/api/review/sessions/{sessionId}/decisions' },
  { method: 'GET', path: '/api/review/sessions/{sessionId}/export' },
  { method: 'POST', path: '/api/audit/verify' },
  { method: 'GET', path: '/api/media/stats' },
];

/** Static asset routes (the OCR's files, the two UIs): traversal must not leave their folders. */
export const ASSET_PREFIXES = ['/ocr/core/', '/ocr/lang/4.0.0/', '/ocr/tesseract/', '/kiosk/', '/console/', '/kiosk/assets/'];

/** Path segments that try to climb out, hide a NUL, break percent-decoding, or overflow a number. */
export function traversalSegments(): string[] {
  return [
    '..%2f..%2f..%2fetc%2fpasswd',
    '..%2F..%2F..%2Fpackage.json',
    '%2e%2e%2f%2e%2e%2fpackage.json',
    '%2e%2e/%2e%2e/package.json',
    '..%5c..%5c..%5cwindows%5cwin.ini',
    '%c0%ae%c0%ae%2f%c0%ae%c0%ae%2fetc%2fpasswd',
    '....//....//etc/passwd',
    '..;/..;/etc/passwd',
    '%252e%252e%252fetc%252fpasswd',
    '../../../../../../etc/passwd',
  ];
}

export function nulSegments(): string[] {
  return ['%00', 'a%00b', '1%00', 'index.html%00.png', '%00..%2f', '%2500', '%u0000', '%E0%A4%A', '%ff%fe', '%', '%%32%65'];
}

export function badIdSegments(rng: Prng): string[] {
  return [
    '-1',
    '0',
    '1.5',
    '1e400',
    '0x10',
    '99999999999999999999',
    'NaN',
    'Infinity',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '%20',
    'x'.repeat(rng.pick([65, 300, 4000])),
    '00000000-0000-0000-0000-00000000000g',
    `${rng.uuid()}x`,
    `{${rng.uuid()}}`,
    '%F0%9F%98%80',
    "1'%20OR%20'1'='1",
  ];
}

function fill(template: string, value: (param: string) => string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => value(name));
}

/** A plausible value for a route parameter (so the hostile one is the only thing wrong). */
function plausible(param: string, rng: Prng, context: { uploadKind: string }): string {
  if (/sessionId/.test(param)) return rng.uuid();
  if (param === 'kind') return context.uploadKind;
  if (param === 'code') return 'ABCD2345';
  return String(rng.int(1, 9));
}

const json = { 'content-type': 'application/json' };

/** Bodies a JSON route must refuse with 4xx. */
export function badJsonBodies(rng: Prng): Array<{ category: HttpCategory; headers: Record<string, string>; body: string | Buffer; status?: number }> {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  return [
    { category: 'bad-json', headers: json, body: '{oops' },
    { category: 'bad-json', headers: json, body: '{"a":1,}' },
    { category: 'bad-json', headers: json, body: "{'a':1}" },
    { category: 'bad-json', headers: json, body: '{"a":NaN}' },
    { category: 'bad-json', headers: json, body: '{"a":Infinity}' },
    { category: 'bad-json', headers: json, body: 'null' },
    { category: 'bad-json', headers: json, body: '"string"' },
    { category: 'bad-json', headers: json, body: '' },
    { category: 'bad-json', headers: json, body: '[]' },
    { category: 'bad-json', headers: json, body: '{"username":1e400,"password":-0}' },
    { category: 'bad-json', headers: json, body: `\ufeff{"a":1}` },
    { category: 'bad-json', headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    { category: 'wrong-content-type', headers: { 'content-type': 'text/plain' }, body: '{"username":"teller1","password":"x"}' },
    { category: 'wrong-content-type', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=teller1&password=x&__proto__[admin]=1' },
    { category: 'wrong-content-type', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--' },
    { category: 'wrong-content-type', headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{"a":1}' },
    { category: 'wrong-content-type', headers: { 'content-type': 'application/json; charset=x-unknown' }, body: '{"a":1}' },
    { category: 'wrong-content-type', headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>' },
    { category: 'bad-encoding', headers: { ...json, 'content-encoding': 'gzip' }, body: 'not gzip at all' },
    { category: 'bad-encoding', headers: { ...json, 'content-encoding': 'deflate' }, body: Buffer.from([0x78, 0x9c, 0xff, 0xff]) },
    { category: 'bad-encoding', headers: { ...json, 'content-encoding': 'zstd' }, body: '{}' },
    { category: 'bad-encoding', headers: { ...json, 'content-encoding': 'gzip, gzip, gzip' }, body: '{}' },
    // A small gzip that inflates past the JSON limit: refused by size, not inflated into memory.
    { category: 'oversized-body', headers: { ...json, 'content-encoding': 'gzip' }, body: zlib.gzipSync(Buffer.from(`{"a":"${'0'.repeat(8 * 1024 * 1024)}"}`)), status: 413 },
    { category: 'oversized-body', headers: json, body: JSON.stringify({ blob: 'x'.repeat(257 * 1024) }), status: 413 },
    { category: 'oversized-body', headers: json, body: JSON.stringify({ blob: 'x'.repeat(rng.pick([300, 600, 1024]) * 1024) }), status: 413 },
    { category: 'prototype-keys', headers: json, body: '{"__proto__":{"role":"admin","isAdmin":true},"username":"teller1","password":"x"}' },
    { category: 'prototype-keys', headers: json, body: '{"constructor":{"prototype":{"role":"admin"}},"username":"x","password":"y"}' },
    { category: 'prototype-keys', headers: json, body: '{"answers":[{"questionId":"__proto__","optionIds":["constructor","toString"]}]}' },
    { category: 'deep-json', headers: json, body: `{"answers":${deep(10_000)}}` },
    { category: 'deep-json', headers: json, body: deep(50_000) },
    { category: 'deep-json', headers: json, body: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000) },
  ];
}

/** Every case: the given routes with hostile parameters, methods and bodies. */
export function httpCases(
  rng: Prng,
  routes: RouteTemplate[],
  context: { uploadKinds: string[]; uploadLimitBytes: number },
): HttpCase[] {
  const cases: HttpCase[] = [];
  const withParams = routes.filter((r) => r.path.includes('{'));
  const hostile: Array<[HttpCategory, string[]]> = [
    ['path-traversal', traversalSegments()],
    ['encoded-nul', nulSegments()],
    ['bad-id', badIdSegments(rng)],
  ];
  // Each parameter of each route, one at a time, with each hostile value.
  for (const route of withParams) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const param of params) {
      for (const [category, values] of hostile) {
        for (const value of values) {
          const uploadKind = rng.pick(context.uploadKinds);
          const path = fill(route.path, (p) => (p === param ? value : plausible(p, rng, { uploadKind })));
          cases.push({ category, method: route.method, path, ...(route.method === 'GET' ? {} : { headers: json, body: '{}' }) });
        }
      }
    }
  }
  // Traversal and NULs on the static asset routes.
  for (const prefix of ASSET_PREFIXES) {
    for (const value of [...traversalSegments(), ...nulSegments()]) {
      cases.push({ category: value.includes('%00') || value.includes('%u') ? 'encoded-nul' : 'path-traversal', method: 'GET', path: `${prefix}${value}` });
    }
  }
  // Wrong methods on every route.
  for (const template of new Set(routes.map((r) => r.path))) {
    const declared = new Set(routes.filter((r) => r.path === template).map((r) => r.method));
    const path = fill(template, (p) => plausible(p, rng, { uploadKind: rng.pick(context.uploadKinds) }));
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'TRACE'].filter((m) => !declared.has(m))) {
      cases.push({ category: 'wrong-method', method, path, ...(method === 'GET' || method === 'TRACE' ? {} : { headers: json, body: '{}' }) });
    }
  }
  // Bad bodies on every route that reads a JSON body (sign-out, audit/verify and kiosk revocation read none).
  const readsJson = (r: RouteTemplate) =>
    r.method !== 'GET' && !/kiosk-uploads|stills|sign-out|audit\/verify|kiosks\/\{kioskId\}\/revoke/.test(r.path);
  for (const route of routes.filter(readsJson)) {
    for (const body of badJsonBodies(rng)) {
      const path = fill(route.path, (p) => plausible(p, rng, { uploadKind: rng.pick(context.uploadKinds) }));
      cases.push({ category: body.category, method: route.method, path, headers: body.headers, body: body.body, ...(body.status ? { status: body.status } : {}) });
    }
  }
  // Uploads over the limit, for every kind.
  const oversize = Buffer.alloc(context.uploadLimitBytes + 1, 0x41);
  for (const kind of context.uploadKinds) {
    cases.push({ category: 'oversized-upload', method: 'POST', path: `/api/sessions/${rng.uuid()}/kiosk-uploads/${kind}`, headers: { 'content-type': 'image/png' }, body: oversize, status: 413 });
  }
  // Stills need a signed-in teller first (401/403 before the body is read), then the same limit.
  cases.push({ category: 'oversized-upload', method: 'POST', path: `/api/sessions/${rng.uuid()}/stills`, headers: { 'content-type': 'image/jpeg' }, body: oversize });
  // Headers: just under Node's 16 KiB limit is served; over it, Node's parser answers 431 itself.
  cases.push({ category: 'huge-header', method: 'GET', path: '/api/auth/me', headers: { 'x-padding': 'a'.repeat(14 * 1024) }, status: 401 });
  cases.push({ category: 'huge-header', method: 'GET', path: '/api/auth/me', headers: { cookie: `vtm_session=${'a'.repeat(14 * 1024)}` }, status: 401 });
  cases.push({ category: 'huge-header', method: 'GET', path: '/healthz', headers: { 'x-padding': 'a'.repeat(20 * 1024) }, status: 431 });
  cases.push({ category: 'huge-header', method: 'GET', path: '/healthz', headers: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'v'])), status: 431 });
  cases.push({ category: 'huge-header', method: 'GET', path: `/api/sessions/${'a'.repeat(20 * 1024)}`, status: 431 });
  return cases;
}

/** Sends one request exactly as given (no URL normalisation); reads at most 64 KiB of the answer. */
export function sendHttp(baseUrl: string, c: HttpCase, cookie?: string): Promise<HttpAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(c.headers ?? {}) };
    if (cookie) headers['cookie'] = headers['cookie'] ? `${headers['cookie']}; ${cookie}` : cookie;
    if (c.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(c.body));
    }
    const request = http.request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < 64 * 1024) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => {
      // The server may answer (413) and close before the whole body was written.
      if ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET') return;
      reject(error);
    });
    if (c.body !== undefined) request.write(c.body);
    request.end();
  });
}

/** Bytes on a bare TCP connection; resolves with what the server sent back before closing (or after 5 s). */
export function sendRaw(baseUrl: string, bytes: string | Buffer): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      done();
    });
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

/** Requests Node's HTTP parser must refuse (400) without the server going down. */
export const RAW_PROTOCOL_CASES: Array<{ name: string; bytes: string }> = [
  { name: 'garbage request line', bytes: 'HELLO\r\n\r\n' },
  { name: 'space in the path', bytes: 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'control character in a header', bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n' },
  { name: 'header without a colon', bytes: 'GET /healthz HTTP/1.1\r\nHost x\r\n\r\n' },
  { name: 'Content-Length and Transfer-Encoding (smuggling)', bytes: 'POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/users HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'two Content-Lengths', bytes: 'POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}' },
  { name: 'bad chunk size', bytes: 'POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n' },
  { name: 'negative Content-Length', bytes: 'POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' },
  { name: 'HTTP/9.9', bytes: 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n' },
  { name: 'NUL in the request line', bytes: 'GET /healthz\u0000 HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'CONNECT', bytes: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n' },
  { name: 'WebSocket upgrade elsewhere', bytes: 'GET /api/auth/me HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n' },
  { name: 'WebSocket upgrade with a bad key', bytes: 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n' },
  { name: 'WebSocket upgrade, unknown version', bytes: 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n' },
];
