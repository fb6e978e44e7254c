import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { KIOSK_UPLOAD_TOKEN_HEADER, SessionIdParams } from '@vtm/shared';
import { hashUploadToken } from '../evidence/evidence.service.ts';
import { RequestError, notAllowed } from '../errors.ts';
import { SessionAccess } from '../auth/session-access.ts';
import type { ReceiptService } from '../receipt/receipt.service.ts';
import type { Repositories } from '../storage/repositories.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { kioskActor, userActor } from '../audit/audit-entry.ts';
import { currentUser, requireRole } from './authentication.ts';
import { parse } from './validate.ts';
import { sendStoredFile } from './send-stored-file.ts';
import type { Logger } from '../logger.ts';

const CodeParams = z.object({ code: z.string().min(8).max(20) });

export function receiptsController(deps: { receipts: ReceiptService; repos: Repositories; audit: AuditLog; logger?: Logger }): Router {
  const router = Router();

  /** A teller finds only the receipts of sessions they handled; any other code is 404, like a wrong one. */
  router.get('/api/receipts/:code', requireRole(...SessionAccess.readerRoles), async (req, res) => {
    const receipt = await deps.receipts.lookUp(parse(CodeParams, req.params).code);
    SessionAccess.readable(currentUser(res)!, await deps.repos.sessions.get(receipt.sessionId), 'receipt');
    await deps.audit.record({
      actor: userActor(currentUser(res)!.username),
      action: 'receipt.looked-up',
      sessionId: receipt.sessionId,
      subject: `receipt:${receipt.verificationCode}`,
    });
    res.json(receipt);
  });

  /**
   * The receipt PDF: for the kiosk that ran the session (its token), its teller, or
   * compliance (SessionAccess: another teller gets 404, like a missing session).
   */
  router.get('/api/sessions/:sessionId/receipt', async (req, res) => {
    const { sessionId } = parse(SessionIdParams, req.params);
    const session = await deps.repos.sessions.get(sessionId);
    const token = req.get(KIOSK_UPLOAD_TOKEN_HEADER);
    const user = currentUser(res);
    const expected = await deps.repos.sessions.kioskTokenHash(sessionId);
    const kioskAllowed = !!token && !!expected && timingSafeEqual(Buffer.from(hashUploadToken(token)), Buffer.from(expected));
    if (!kioskAllowed) {
      if (!user) throw new RequestError('unauthenticated', 'sign in first');
      if (!(SessionAccess.readerRoles as readonly string[]).includes(user.role)) throw notAllowed('your role may not do this');
      SessionAccess.readable(user, session, 'receipt');
    }
    const pdf = await deps.receipts.pdfPathFor(sessionId);
    await deps.audit.record({
      actor: kioskAllowed ? kioskActor(session?.kioskName ?? 'unknown') : userActor(user!.username),
      action: 'receipt.viewed',
      sessionId,
      subject: `session:${sessionId}`,
    });
    await sendStoredFile(req, res, { dataDir: deps.audit.dataDir, file: pdf, mimeType: 'application/pdf', logger: deps.logger });
  });
  return router;
}
