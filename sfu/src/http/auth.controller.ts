import { Router } from 'express';
import { CreateUserRequest, SignInRequest, UpdateUserRequest, UserIdParams } from '@vtm/shared';
import { toUserView, type AuthService } from '../auth/auth.service.ts';
import { RequestError } from '../errors.ts';
import { clearedSessionCookie, currentUser, requireRole, sessionCookie, sessionToken } from './authentication.ts';
import { assertNotForged, sameOriginOnly } from './csrf.ts';
import { parse } from './validate.ts';

export function authController(deps: { auth: AuthService; secureCookies: boolean }): Router {
  const router = Router();

  // Too many failures for the name or from the address: 429 with Retry-After (sign-in-throttle.ts).
  router.post('/api/auth/sign-in', sameOriginOnly, async (req, res) => {
    const { username, password } = parse(SignInRequest, req.body);
    const signedIn = await deps.auth.signIn(username, password, { ip: req.ip });
    if (!signedIn) throw new RequestError('unauthenticated', 'wrong username or password');
    res.setHeader('Set-Cookie', sessionCookie(signedIn.token, deps.secureCookies));
    res.json(toUserView(signedIn.user));
  });

  router.post('/api/auth/sign-out', async (req, res) => {
    const token = sessionToken(req);
    if (token) {
      assertNotForged(req);
      await deps.auth.signOut(token);
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(deps.secureCookies));
    res.status(204).end();
  });

  router.get('/api/auth/me', requireRole(), (_req, res) => {
    res.json(toUserView(currentUser(res)!));
  });

  router.get('/api/users', requireRole('admin'), async (_req, res) => {
    res.json(await deps.auth.listUsers());
  });

  router.post('/api/users', requireRole('admin'), async (req, res) => {
    res.status(201).json(await deps.auth.createUser(parse(CreateUserRequest, req.body), currentUser(res)!));
  });

  router.patch('/api/users/:userId', requireRole('admin'), async (req, res) => {
    const { userId } = parse(UserIdParams, req.params);
    const { disabled } = parse(UpdateUserRequest, req.body);
    if (disabled && userId === currentUser(res)!.id) throw new RequestError('not-allowed', 'you cannot disable yourself');
    res.json(await deps.auth.setDisabled(userId, disabled, currentUser(res)!));
  });

  return router;
}
