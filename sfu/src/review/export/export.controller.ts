/**
 * GET /api/review/sessions/:sessionId/export — the session's evidence as one ZIP, for
 * compliance users only. The export is checked and audited before the response starts;
 * a session whose stored files no longer match their hashes is refused (409).
 */
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { SessionIdParams } from '@vtm/shared';
import { currentUser, requireRole } from '../../http/authentication.ts';
import { parse } from '../../http/validate.ts';
import type { Logger } from '../../logger.ts';
import type { EvidenceExportService } from './evidence-export.service.ts';

export function exportController(deps: { evidenceExport: EvidenceExportService; logger: Logger }): Router {
  const router = Router();
  router.get('/api/review/sessions/:sessionId/export', requireRole('compliance'), async (req, res) => {
    const { sessionId } = parse(SessionIdParams, req.params);
    const prepared = await deps.evidenceExport.prepare(sessionId, currentUser(res)!);
    const zip = prepared.open();
    res.attachment(prepared.fileName);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Length', String(zip.sizeBytes));
    // Personal data: no cache keeps a copy.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      await pipeline(zip.stream, res);
    } catch (error) {
      // The response has started: cutting it short is the only way left to say no (a
      // file changed meanwhile), or the client went away.
      deps.logger.warn({ err: error, sessionId }, 'evidence export stopped before its end');
    }
  });
  return router;
}
