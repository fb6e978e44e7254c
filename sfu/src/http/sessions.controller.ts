import { Router } from 'express';
import { SessionIdParams } from '@vtm/shared';
import { notFound } from '../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { SessionAccess } from '../auth/session-access.ts';
import { userActor } from '../audit/audit-entry.ts';
import type { Repositories } from '../storage/repositories.ts';
import { loadSessionDetail } from '../sessions/session-detail.ts';
import { currentUser, requireRole } from './authentication.ts';
import { paramsOf } from './validate.ts';

export function sessionsController(deps: { repos: Repositories; audit: AuditLog }): Router {
  const router = Router();
  /** A teller: only the sessions they handle; another's answers 404 like a missing one (SessionAccess). */
  router.get('/api/sessions/:sessionId', requireRole(...SessionAccess.readerRoles), async (req, res) => {
    const { sessionId } = paramsOf(SessionIdParams, req);
    SessionAccess.readable(currentUser(res)!, await deps.repos.sessions.get(sessionId));
    const detail = await loadSessionDetail(deps.repos, sessionId);
    if (!detail) throw notFound('session');
    // Recorded before the reply: a view that cannot be audited is not served.
    await deps.audit.record({ actor: userActor(currentUser(res)!.username), action: 'session.viewed', sessionId, subject: `session:${sessionId}` });
    res.json(detail);
  });
  return router;
}
