import { Router } from 'express';
import { SessionIdParams, type SessionDetail } from '@vtm/shared';
import { notFound } from '../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { userActor } from '../audit/audit-entry.ts';
import type { Repositories } from '../storage/repositories.ts';
import { reviewDetail } from '../review/review-detail.ts';
import { currentUser, requireRole } from './authentication.ts';
import { paramsOf } from './validate.ts';

export function sessionsController(deps: { repos: Repositories; audit: AuditLog }): Router {
  const router = Router();
  router.get('/api/sessions/:sessionId', requireRole('teller', 'compliance', 'admin'), async (req, res) => {
    const { sessionId } = paramsOf(SessionIdParams, req);
    const session = await deps.repos.sessions.get(sessionId);
    if (!session) throw notFound('session');
    const [events, recordings, evidence, review] = await Promise.all([
      deps.repos.events.list(sessionId),
      deps.repos.recordings.listForSession(sessionId),
      deps.repos.evidence.listForSession(sessionId),
      reviewDetail(deps.repos, sessionId),
    ]);
    const detail: SessionDetail = {
      id: session.id,
      state: session.state,
      kioskName: session.kioskName,
      tellerName: session.tellerName,
      createdAt: session.createdAt,
      acceptedAt: session.acceptedAt,
      endedAt: session.endedAt,
      endReason: session.endReason,
      events: events.map((e) => ({ type: e.type, at: e.at, offsetMs: e.offsetMs, payload: e.payload })),
      recordings: recordings.map((r) => ({
        id: r.id,
        state: r.state,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        sizeBytes: r.sizeBytes,
        durationMs: r.durationMs,
        sha256: r.sha256,
        streams: r.streams,
      })),
      evidence: evidence.map((e) => ({ id: e.id, kind: e.kind, sha256: e.sha256, sizeBytes: e.sizeBytes, createdAt: e.createdAt })),
      ...review,
    };
    // Recorded before the reply: a view that cannot be audited is not served.
    await deps.audit.record({ actor: userActor(currentUser(res)!.username), action: 'session.viewed', sessionId, subject: `session:${sessionId}` });
    res.json(detail);
  });
  return router;
}
