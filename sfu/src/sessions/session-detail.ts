/**
 * A session as GET /api/sessions/:sessionId and the compliance review show it: its row,
 * timeline, recordings, evidence files and what finalisation made of it. One assembly
 * for both routes, so the teller's and the reviewer's views never disagree.
 */
import type { SessionDetail } from '@vtm/shared';
import { reviewDetail } from '../review/review-detail.ts';
import type { Repositories } from '../storage/repositories.ts';

/** Undefined when there is no such session. Not audited: the caller audits the view. */
export async function loadSessionDetail(repos: Repositories, sessionId: string): Promise<SessionDetail | undefined> {
  const session = await repos.sessions.get(sessionId);
  if (!session) return undefined;
  const [events, recordings, evidence, review] = await Promise.all([
    repos.events.list(sessionId),
    repos.recordings.listForSession(sessionId),
    repos.evidence.listForSession(sessionId),
    reviewDetail(repos, sessionId),
  ]);
  return {
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
}
