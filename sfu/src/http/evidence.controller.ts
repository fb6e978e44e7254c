import express, { Router } from 'express';
import { z } from 'zod';
import { KIOSK_UPLOAD_TOKEN_HEADER, KioskUploadKind, SessionId, SessionIdParams } from '@vtm/shared';
import { MAX_UPLOAD_BYTES, type EvidenceService } from '../evidence/evidence.service.ts';
import { RequestError } from '../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../logger.ts';
import { currentUser, requireRole } from './authentication.ts';
import { parse } from './validate.ts';
import { sendStoredFile } from './send-stored-file.ts';

const UploadParams = z.object({ sessionId: SessionId, kind: KioskUploadKind });
const EvidenceParams = z.object({ sessionId: SessionId, evidenceId: z.coerce.number().int().positive() });
const rawBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

function requireBody(body: unknown): Buffer {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new RequestError('invalid-data', 'send the file as the request body');
  return body;
}

export function evidenceController(deps: { evidence: EvidenceService; audit: AuditLog; logger?: Logger }): Router {
  const router = Router();

  router.post('/api/sessions/:sessionId/stills', requireRole('teller'), rawBody, async (req, res) => {
    const { sessionId } = parse(SessionIdParams, req.params);
    res.status(201).json(await deps.evidence.addStill(sessionId, currentUser(res)!, requireBody(req.body)));
  });

  /** The kiosk's evidence: authorised by the session's upload token, not a user. */
  router.post('/api/sessions/:sessionId/kiosk-uploads/:kind', rawBody, async (req, res) => {
    const { sessionId, kind } = parse(UploadParams, req.params);
    const file = await deps.evidence.addKioskUpload(sessionId, req.get(KIOSK_UPLOAD_TOKEN_HEADER), kind, requireBody(req.body));
    res.status(201).json({ evidenceId: file.id, sha256: file.sha256 });
  });

  router.get('/api/sessions/:sessionId/evidence/:evidenceId', requireRole('teller', 'compliance'), async (req, res) => {
    const { sessionId, evidenceId } = parse(EvidenceParams, req.params);
    const file = await deps.evidence.fileFor(sessionId, evidenceId, currentUser(res)!);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Decrypted while it streams to this user (stored encrypted).
    await sendStoredFile(req, res, { dataDir: deps.audit.dataDir, file: file.path, mimeType: file.mimeType, logger: deps.logger });
  });
  return router;
}
