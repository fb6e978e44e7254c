import { Router } from 'express';
import type { AuditVerificationReport } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { userActor } from '../audit/audit-entry.ts';
import { verifyAndRecord } from '../audit/verify-audit-trail.ts';
import type { Repositories } from '../storage/repositories.ts';
import { currentUser, requireRole } from './authentication.ts';

export function auditController(deps: { repos: Repositories; audit: AuditLog }): Router {
  const router = Router();

  /** Recomputes the whole chain and every file hash; the run itself is audited. */
  router.post('/api/audit/verify', requireRole('compliance', 'admin'), async (_req, res) => {
    const report: AuditVerificationReport = await verifyAndRecord(deps, userActor(currentUser(res)!.username), { via: 'api' });
    res.json(report);
  });
  return router;
}
