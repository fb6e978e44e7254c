/** What finalisation adds to a session's detail reply: its playable media and quality checks. */
import { QualityCheckId, type SessionDetail } from '@vtm/shared';
import type { Repositories } from '../storage/repositories.ts';

export type ReviewDetail = Pick<SessionDetail, 'finalisation' | 'playback' | 'qualityChecks' | 'qualityPassed'>;

export async function reviewDetail(repos: Repositories, sessionId: string): Promise<ReviewDetail> {
  const [finalisation, media, checks] = await Promise.all([
    repos.review.finalisationOf(sessionId),
    repos.review.playableMediaFor(sessionId),
    repos.review.qualityChecksFor(sessionId),
  ]);
  const done = finalisation?.state === 'done';
  return {
    finalisation: finalisation
      ? { state: finalisation.state, startedAt: finalisation.startedAt, finishedAt: finalisation.finishedAt, error: finalisation.error }
      : null,
    // Only a completed finalisation's results: a half-done one is being redone.
    playback: done
      ? media.map((m) => ({
          id: m.id,
          party: m.party,
          segment: m.segment,
          mimeType: m.mimeType,
          startOffsetMs: m.startOffsetMs,
          durationMs: m.durationMs,
          sizeBytes: m.sizeBytes,
          sha256: m.sha256,
        }))
      : [],
    qualityChecks: done ? checks.map((c) => ({ id: QualityCheckId.parse(c.checkId), passed: c.passed, reason: c.reason })) : [],
    qualityPassed: done ? finalisation.qualityPassed : null,
  };
}
