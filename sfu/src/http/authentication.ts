/** Reads the sign-in cookie on every request and guards routes by role. */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { UserRole } from '@vtm/shared';
import { SESSION_COOKIE, type AuthService } from '../auth/auth.service.ts';
import { RequestError } from '../errors.ts';
import { assertNotForged } from './csrf.ts';
import type { UserRecord } from '../storage/repositories.ts';

export function sessionToken(request: IncomingMessage): string | undefined {
  return parseCookies(request.headers.cookie ?? '')[SESSION_COOKIE];
}

export function sessionCookie(token: string, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 12 * 60 * 60 });
}

export function clearedSessionCookie(secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 });
}

export function authenticate(auth: AuthService) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals['user'] = await auth.userForToken(sessionToken(req));
    next();
  };
}

export function currentUser(res: Response): UserRecord | undefined {
  return res.locals['user'] as UserRecord | undefined;
}

/**
 * 401 for no one signed in, 403 for a signed-in user without one of these roles, and 403
 * for a change (POST, PUT, PATCH, DELETE) that could be a cross-site forgery (csrf.ts): every
 * route the session cookie authorises passes through here.
 */
export function requireRole(...roles: UserRole[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(res);
    if (!user) throw new RequestError('unauthenticated', 'sign in first');
    if (roles.length > 0 && !roles.includes(user.role)) throw new RequestError('not-allowed', 'your role may not do this');
    assertNotForged(req);
    next();
  };
}
