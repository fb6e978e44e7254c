import { Router } from 'express';
import { SessionIdParams } from '@vtm/shared';
import { notFound } from '../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { userActor } from '../audit/audit-entry.ts';
import type { Repositories } from '../storage/repositories.ts';
import { loadSessionDetail } from '../sessions/session-detail.ts';
import { currentUser, requireRole } from './authentication.ts';
import { paramsOf } from './validate.ts';

export function sessionsController(deps: { repos: Repositories; audit: AuditLog }): Router {
  const router = Router();
  router.get('/api/sessions/:sessionId', requireRole('teller', 'compliance', 'admin'), async (req, res) => {
    const { sessionId } = paramsOf(SessionIdParams, req);
    const detail = await loadSessionDetail(deps.repos, sessionId);
    if (!detail) throw notFound('session');
    // Recorded before the reply: a view that cannot be audited is not served.
    await deps.audit.record({ actor: userActor(currentUser(res)!.username), action: 'session.viewed', sessionId, subject: `session:${sessionId}` });
    res.json(detail);
  });
  return router;
}
