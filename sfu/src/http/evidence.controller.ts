import express, { Router } from 'express';
import { SessionIdParams } from '@vtm/shared';
import { MAX_STILL_BYTES, type EvidenceService } from '../evidence/evidence.service.ts';
import { RequestError } from '../errors.ts';
import { currentUser, requireRole } from './authentication.ts';
import { parse } from './validate.ts';

export function evidenceController(deps: { evidence: EvidenceService }): Router {
  const router = Router();
  router.post(
    '/api/sessions/:sessionId/stills',
    requireRole('teller'),
    express.raw({ type: ['image/png', 'image/jpeg'], limit: MAX_STILL_BYTES }),
    async (req, res) => {
      const { sessionId } = parse(SessionIdParams, req.params);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new RequestError('invalid-data', 'send the image as the body, with Content-Type image/png or image/jpeg');
      }
      res.status(201).json(await deps.evidence.addStill(sessionId, currentUser(res)!, req.body));
    },
  );
  return router;
}
