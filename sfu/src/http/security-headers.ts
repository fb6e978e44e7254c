/**
 * Response headers that make the browser refuse what the two UIs never do (helmet):
 *
 * - a Content-Security-Policy that allows only our own scripts, plus what the kiosk's OCR
 *   needs: tesseract.js creates its Web Workers from blob: URLs that load the worker script
 *   from us (`worker-src 'self' blob:`), compiles its WebAssembly core
 *   (`'wasm-unsafe-eval'`, not `'unsafe-eval'`) and fetches its models from us
 *   (`connect-src 'self'`); signaling is a WebSocket to the same host (`ws:`/`wss:` of the
 *   request's Host); camera previews and recordings play from blob:/mediastream:;
 *   signature previews are data:/blob: images; the kiosk prints its receipt PDF from a
 *   blob: frame. No inline script (Vite builds none), and no page may frame ours;
 * - Referrer-Policy no-referrer, X-Content-Type-Options nosniff, X-Frame-Options DENY, and
 *   Strict-Transport-Security when served over https;
 * - Cache-Control: no-store on every /api/ reply (personal data stays out of caches).
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** A Host header fit to name in the policy (anything else gets no WebSocket source). */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The signaling WebSocket of the host the page was loaded from. */
function sameHostWebSocket(secure: boolean) {
  return (req: IncomingMessage) => {
    const host = req.headers.host ?? '';
    return PLAIN_HOST.test(host) ? `${secure ? 'wss' : 'ws'}://${host}` : "'self'";
  };
}

export function contentSecurityPolicyDirectives(options: { https: boolean }) {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', 'mediastream:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", sameHostWebSocket(options.https)],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': ["'self'", 'blob:'],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
    ...(options.https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

export function securityHeaders(options: { https: boolean }): RequestHandler[] {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicyDirectives(options) },
    strictTransportSecurity: options.https ? { maxAge: 365 * 24 * 60 * 60 } : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  const permissions: RequestHandler = (_req, res, next) => {
    // The kiosk and the console use the camera and microphone themselves; nothing else.
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()');
    next();
  };
  const noStore: RequestHandler = (req, res, next) => {
    if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
  return [headers as RequestHandler, permissions, noStore];
}
