/**
 * Cross-site request forgery, defence in depth behind the SameSite=Strict session cookie.
 *
 * Every state-changing request (POST, PUT, PATCH, DELETE) that the session cookie
 * authorises must
 *   1. carry the header `x-vtm-csrf: 1` (CSRF_HEADER): an HTML form cannot send a custom
 *      header, and a script of another origin cannot either without a CORS preflight,
 *      which this server never grants (it sends no Access-Control-Allow-* header); and
 *   2. come from our own origin, as far as the browser says: `Sec-Fetch-Site`, when sent,
 *      must be `same-origin`, and `Origin`, when sent, must name the host the request was
 *      sent to (its Host header). Clients that are not browsers send neither.
 * requireRole (authentication.ts) applies this on every cookie-authorised route, and
 * sign-out on its own. Requests authorised by a kiosk's upload token are not cookie-based
 * and need neither.
 *
 * Sign-in (login CSRF: being signed in as the attacker) gets the origin check alone:
 * it has no cookie to protect yet, and clients of other channels sign in without the header.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@vtm/shared';
import { RequestError } from '../errors.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isStateChanging = (method: string) => STATE_CHANGING.has(method.toUpperCase());

interface RequestLike {
  method: string;
  headers: IncomingHttpHeaders;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Why the browser's own account of the request says it comes from another site, or null. */
export function crossSiteRefusal(req: RequestLike): string | null {
  const site = single(req.headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin') return `a ${site} request may not do this`;
  const origin = single(req.headers.origin);
  if (origin === undefined) return null;
  let host: string | null = null;
  try {
    host = origin === 'null' ? null : new URL(origin).host;
  } catch {
    host = null;
  }
  if (host === null || host !== req.headers.host) return 'a request from another origin may not do this';
  return null;
}

/** Why this request may not change anything with the session cookie's authority, or null. */
export function csrfRefusal(req: RequestLike): string | null {
  if (!isStateChanging(req.method)) return null;
  if (single(req.headers[CSRF_HEADER]) !== CSRF_HEADER_VALUE) return `send the ${CSRF_HEADER}: ${CSRF_HEADER_VALUE} header with every change`;
  return crossSiteRefusal(req);
}

/** Throws 403 when a cookie-authorised request is a possible forgery. */
export function assertNotForged(req: RequestLike): void {
  const refusal = csrfRefusal(req);
  if (refusal) throw new RequestError('not-allowed', refusal);
}

/** For sign-in: refuses a request the browser says comes from another site (login CSRF). */
export function sameOriginOnly(req: Request, _res: Response, next: NextFunction): void {
  const refusal = crossSiteRefusal(req);
  if (refusal) throw new RequestError('not-allowed', refusal);
  next();
}
