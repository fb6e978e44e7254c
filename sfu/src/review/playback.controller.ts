/**
 * GET /api/sessions/:sessionId/playback/:mediaId — one playable file of a finalised
 * session, for the compliance review's player. Served with HTTP range requests (the
 * player seeks by asking for byte ranges; each decrypts only the chunks it covers), to
 * compliance users only.
 */
import { Router } from 'express';
import { z } from 'zod';
import { SessionId } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { userActor } from '../audit/audit-entry.ts';
import { notFound } from '../errors.ts';
import { currentUser, requireRole } from '../http/authentication.ts';
import { parse } from '../http/validate.ts';
import type { Repositories } from '../storage/repositories.ts';
import { sendStoredFile } from '../http/send-stored-file.ts';
import type { Logger } from '../logger.ts';

const PlaybackParams = z.object({ sessionId: SessionId, mediaId: z.coerce.number().int().positive() });

/**
 * A player asks for many ranges while it plays and seeks; the viewing is audited once,
 * when the file is opened (no range, or a range from its first byte).
 */
export function opensPlayback(range: string | undefined): boolean {
  return range === undefined || /^bytes=0-/.test(range.trim());
}

export function playbackController(deps: { repos: Repositories; audit: AuditLog; logger?: Logger }): Router {
  const router = Router();
  router.get('/api/sessions/:sessionId/playback/:mediaId', requireRole('compliance'), async (req, res) => {
    const { sessionId, mediaId } = parse(PlaybackParams, req.params);
    const finalisation = await deps.repos.review.finalisationOf(sessionId);
    const media = finalisation?.state === 'done' ? (await deps.repos.review.playableMediaFor(sessionId)).find((m) => m.id === mediaId) : undefined;
    if (!media) throw notFound('playable media');
    if (opensPlayback(req.get('range'))) {
      // Recorded before the reply: a viewing that cannot be audited is not served.
      await deps.audit.record({
        actor: userActor(currentUser(res)!.username),
        action: 'recording.viewed',
        sessionId,
        subject: `playback:${media.id}`,
        details: { party: media.party, segment: media.segment },
      });
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Stored encrypted: each range decrypts only the chunks that cover it.
    await sendStoredFile(req, res, { dataDir: deps.audit.dataDir, file: media.path, mimeType: media.mimeType.split(';')[0]!, logger: deps.logger });
  });
  return router;
}
