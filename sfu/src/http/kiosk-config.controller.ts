import { Router } from 'express';
import type { KioskConfig } from '@vtm/shared';

/** The recording consent text shown at the kiosk; a new wording gets a new version. */
export const CONSENT_VERSION = 'recording-consent-2026-1';

export function kioskConfigController(deps: { kiosk: { idleTimeoutSeconds: number } }): Router {
  const router = Router();
  router.get('/api/kiosk/config', (_req, res) => {
    const config: KioskConfig = {
      idleTimeoutSeconds: deps.kiosk.idleTimeoutSeconds,
      idleCountdownSeconds: Math.min(15, Math.max(3, Math.round(deps.kiosk.idleTimeoutSeconds / 6))),
      consentVersion: CONSENT_VERSION,
    };
    res.json(config);
  });
  return router;
}
