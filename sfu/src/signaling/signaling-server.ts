import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { MAX_SIGNALING_FRAME_BYTES } from '@vtm/shared';
import type { Logger } from '../logger.ts';
import type { SessionService } from '../sessions/session.service.ts';
import type { RtpCapabilities } from '@vtm/shared';
import type { AuthService } from '../auth/auth.service.ts';
import { sessionToken } from '../http/authentication.ts';
import { SignalingConnection } from './signaling-connection.ts';
import type { UserRecord } from '../storage/repositories.ts';
import type { KioskService } from '../kiosks/kiosk.service.ts';
import { crossSiteRefusal } from '../http/csrf.ts';
import type { KioskConnections } from './kiosk-connections.ts';

const HEARTBEAT_INTERVAL_MS = 4000;
const HEARTBEAT_MISSES = 2;
/**
 * Open connections from one address that no signed-in user made (kiosks, or anyone): a
 * branch has a few kiosks, not dozens. More are refused with 429 before the upgrade.
 */
export const MAX_ANONYMOUS_SOCKETS_PER_ADDRESS = 32;

/**
 * The signaling WebSocket endpoint at /ws. Oversized frames close the socket with 1009.
 * An upgrade a browser says comes from another origin is refused with 403 (cross-site
 * WebSocket hijacking: the session cookie would go with it); clients that are not
 * browsers send no Origin and are let through.
 */
export function attachSignaling(
  server: HttpServer,
  deps: {
    sessions: SessionService;
    auth: AuthService;
    kiosks: KioskService;
    kioskConnections: KioskConnections;
    routerRtpCapabilities: () => RtpCapabilities;
    logger: Logger;
  },
): WebSocketServer {
  const logger = deps.logger.child({ component: 'signaling' });
  // Who opened each connection (looked up once, before the upgrade) and how many anonymous ones each address holds.
  const users = new WeakMap<IncomingMessage, Promise<UserRecord | undefined>>();
  const anonymous = new Map<string, number>();
  const wss = new WebSocketServer({
    server,
    path: '/ws',
    maxPayload: MAX_SIGNALING_FRAME_BYTES,
    verifyClient: ({ req }, done) => {
      const crossSite = crossSiteRefusal({ method: 'GET', headers: req.headers });
      if (crossSite) {
        logger.warn({ origin: req.headers.origin ?? null }, 'WebSocket upgrade from another origin; refused');
        return done(false, 403, 'Forbidden');
      }
      const user = deps.auth.userForToken(sessionToken(req));
      users.set(req, user);
      user.then(
        (signedIn) => {
          if (signedIn) return done(true);
          if (req.socket.destroyed) return done(false, 400);
          const address = req.socket.remoteAddress ?? '';
          const open = anonymous.get(address) ?? 0;
          if (open >= MAX_ANONYMOUS_SOCKETS_PER_ADDRESS) {
            logger.warn({ remote: address }, 'too many connections from one address; refused');
            return done(false, 429, 'Too Many Requests');
          }
          anonymous.set(address, open + 1);
          // The TCP socket closes however the connection ends (or if the upgrade never completes).
          req.socket.once('close', () => {
            const left = (anonymous.get(address) ?? 1) - 1;
            if (left > 0) anonymous.set(address, left);
            else anonymous.delete(address);
          });
          done(true);
        },
        () => done(false, 503, 'Service Unavailable'),
      );
    },
  });
  // A connection whose network is gone stays open to TCP for minutes: a browser answers
  // pings by itself, so one that misses two in a row is cut off (and may rejoin).
  const alive = new WeakMap<object, number>();
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      const missed = alive.get(socket) ?? 0;
      if (missed >= HEARTBEAT_MISSES) {
        logger.warn('signaling connection stopped answering; closing it');
        socket.terminate();
        continue;
      }
      alive.set(socket, missed + 1);
      socket.ping();
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  wss.on('close', () => clearInterval(heartbeat));
  wss.on('connection', (socket, request) => {
    socket.on('pong', () => alive.set(socket, 0));
    const log = logger.child({ remote: request.socket.remoteAddress });
    socket.on('error', (error) => log.warn({ err: error.message }, 'socket error'));
    // Tellers are the users signed in with the session cookie the upgrade request carries.
    const user = users.get(request) ?? deps.auth.userForToken(sessionToken(request));
    const ctx = { sessions: deps.sessions, kiosks: deps.kiosks, routerRtpCapabilities: deps.routerRtpCapabilities };
    new SignalingConnection(socket, ctx, user, log, deps.kioskConnections);
  });
  return wss;
}
