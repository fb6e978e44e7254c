import type { Server as HttpServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { MAX_SIGNALING_FRAME_BYTES } from '@vtm/shared';
import type { Logger } from '../logger.ts';
import type { SessionService } from '../sessions/session.service.ts';
import type { RtpCapabilities } from '@vtm/shared';
import type { AuthService } from '../auth/auth.service.ts';
import { sessionToken } from '../http/authentication.ts';
import { SignalingConnection } from './signaling-connection.ts';

const HEARTBEAT_INTERVAL_MS = 4000;
const HEARTBEAT_MISSES = 2;

/** The signaling WebSocket endpoint at /ws. Oversized frames close the socket with 1009. */
export function attachSignaling(
  server: HttpServer,
  deps: { sessions: SessionService; auth: AuthService; routerRtpCapabilities: () => RtpCapabilities; logger: Logger },
): WebSocketServer {
  const logger = deps.logger.child({ component: 'signaling' });
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_SIGNALING_FRAME_BYTES });
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
    const user = deps.auth.userForToken(sessionToken(request));
    new SignalingConnection(socket, { sessions: deps.sessions, routerRtpCapabilities: deps.routerRtpCapabilities }, user, log);
  });
  return wss;
}
