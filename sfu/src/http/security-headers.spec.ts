import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.ts';

async function serve(https: boolean) {
  const app = express();
  app.use(securityHeaders({ https }));
  app.get('/api/thing', (_req, res) => res.json({ ok: true }));
  app.get('/kiosk/', (_req, res) => res.type('html').send('<!doctype html><title>kiosk</title>'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const directives = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe('security headers', () => {
  let plain: Awaited<ReturnType<typeof serve>>;
  let tls: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    plain = await serve(false);
    tls = await serve(true);
  });
  afterAll(() => {
    plain.close();
    tls.close();
  });

  it('lets the kiosk OCR run (WebAssembly, blob: workers, models and signaling from us) and nothing else', async () => {
    const response = await fetch(`${plain.base}/kiosk/`);
    const csp = directives(response.headers.get('content-security-policy')!);
    const host = new URL(plain.base).host;
    expect(csp['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp['worker-src']).toEqual(["'self'", 'blob:']);
    expect(csp['connect-src']).toEqual(["'self'", `ws://${host}`]);
    expect(csp['media-src']).toEqual(["'self'", 'blob:', 'mediastream:']);
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp).not.toHaveProperty('upgrade-insecure-requests');
    expect(JSON.stringify(csp)).not.toContain('unsafe-inline');
    expect(JSON.stringify(csp)).not.toContain("'unsafe-eval'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('keeps API replies out of every cache', async () => {
    expect((await fetch(`${plain.base}/api/thing`)).headers.get('cache-control')).toBe('no-store');
  });

  it('asks for https only when served over it', async () => {
    const response = await fetch(`${tls.base}/kiosk/`);
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/);
    const csp = directives(response.headers.get('content-security-policy')!);
    expect(csp['connect-src']).toEqual(["'self'", `wss://${new URL(tls.base).host}`]);
    expect(csp).toHaveProperty('upgrade-insecure-requests');
  });

  it('names no WebSocket source for a Host header that is not a plain host', async () => {
    const { request } = await import('node:http');
    const csp = await new Promise<string>((resolve, reject) => {
      const url = new URL(`${plain.base}/kiosk/`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: "evil; script-src 'unsafe-inline'" } }, (res) => {
        res.resume();
        resolve(String(res.headers['content-security-policy']));
      }).on('error', reject).end();
    });
    expect(directives(csp)['connect-src']).toEqual(["'self'", "'self'"]);
    expect(csp).not.toContain('unsafe-inline');
  });
});
