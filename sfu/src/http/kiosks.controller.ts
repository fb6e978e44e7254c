import { Router } from 'express';
import { EnrollKioskRequest, KioskIdParams, RegisterKioskRequest } from '@vtm/shared';
import type { KioskService } from '../kiosks/kiosk.service.ts';
import { currentUser, requireRole } from './authentication.ts';
import { sameOriginOnly } from './csrf.ts';
import { parse } from './validate.ts';

/** Kiosk administration (admins) and enrollment (a kiosk redeeming its one-time code). */
export function kiosksController(deps: { kiosks: KioskService }): Router {
  const router = Router();

  router.get('/api/kiosks', requireRole('admin'), async (_req, res) => {
    res.json(await deps.kiosks.list());
  });

  router.post('/api/kiosks', requireRole('admin'), async (req, res) => {
    res.status(201).json(await deps.kiosks.register(parse(RegisterKioskRequest, req.body), currentUser(res)!));
  });

  // Public: the code is the proof. Wrong codes are throttled per address (429 with Retry-After).
  router.post('/api/kiosks/enroll', sameOriginOnly, async (req, res) => {
    const { code } = parse(EnrollKioskRequest, req.body);
    res.json(await deps.kiosks.enroll(code, { ip: req.ip }));
  });

  router.post('/api/kiosks/:kioskId/revoke', requireRole('admin'), async (req, res) => {
    const { kioskId } = parse(KioskIdParams, req.params);
    res.json(await deps.kiosks.revoke(kioskId, currentUser(res)!));
  });

  return router;
}
