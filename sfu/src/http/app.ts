/** The HTTP side: health, the API, and the two built UIs. Controllers stay thin. */
import fs from 'node:fs';
import express, { type ErrorRequestHandler } from 'express';
import type { ApiError } from '@vtm/shared';
import { RequestError, TooManyRequestsError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { WorkerPool } from '../media/worker-pool.ts';
import type { RecordingService } from '../recording/recording.service.ts';
import type { Repositories } from '../storage/repositories.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { assessmentApiController } from './assessment-api.controller.ts';
import { auditController } from './audit.controller.ts';
import { authController } from './auth.controller.ts';
import type { EvidenceService } from '../evidence/evidence.service.ts';
import { evidenceController } from './evidence.controller.ts';
import type { ReceiptService } from '../receipt/receipt.service.ts';
import { receiptsController } from './receipts.controller.ts';
import { authenticate } from './authentication.ts';
import { healthController } from './health.controller.ts';
import { kioskConfigController } from './kiosk-config.controller.ts';
import { kiosksController } from './kiosks.controller.ts';
import type { KioskService } from '../kiosks/kiosk.service.ts';
import { ocrAssetsController } from './ocr-assets.controller.ts';
import { openapiController } from './openapi.controller.ts';
import { mediaStatsController } from './media-stats.controller.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionsController } from './sessions.controller.ts';
import { playbackController } from '../review/playback.controller.ts';
import { reviewController } from '../review/review.controller.ts';
import type { ReviewService } from '../review/review.service.ts';
import { exportController } from '../review/export/export.controller.ts';
import type { EvidenceExportService } from '../review/export/evidence-export.service.ts';

const STATUS_BY_CODE: Record<string, number> = {
  'bad-frame': 400,
  unauthenticated: 401,
  'invalid-data': 400,
  'unknown-method': 400,
  'not-allowed': 403,
  'not-found': 404,
  conflict: 409,
};

export function createHttpApp(deps: {
  auth: AuthService;
  kiosks: KioskService;
  audit: AuditLog;
  evidence: EvidenceService;
  receipts: ReceiptService;
  review: ReviewService;
  evidenceExport: EvidenceExportService;
  /** Served over https: Secure cookies, Strict-Transport-Security. */
  secureCookies: boolean;
  kiosk: { idleTimeoutSeconds: number };
  workers: WorkerPool;
  repos: Repositories;
  recording: RecordingService;
  staticDir: { kiosk: string; console: string };
  logger: Logger;
}) {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders({ https: deps.secureCookies }));
  app.use(healthController(deps));
  app.use(kioskConfigController(deps));
  app.use(ocrAssetsController());
  app.use(openapiController());
  app.use(authenticate(deps.auth));
  // File uploads read their own raw bodies; every other body is JSON.
  app.use(evidenceController(deps));
  app.use(express.json({ limit: '256kb' }));
  app.use(authController(deps));
  app.use(kiosksController(deps));
  app.use(sessionsController(deps));
  app.use(reviewController(deps));
  app.use(exportController(deps));
  app.use(playbackController(deps));
  app.use(mediaStatsController(deps));
  app.use(assessmentApiController());
  app.use(receiptsController(deps));
  app.use(auditController(deps));

  for (const [mount, dir] of [['/kiosk', deps.staticDir.kiosk], ['/console', deps.staticDir.console]] as const) {
    if (!fs.existsSync(dir)) deps.logger.warn({ dir }, `${mount} is not built; run "npm run build"`);
    app.use(mount, express.static(dir, { index: 'index.html', fallthrough: true }));
  }
  app.get('/', (_req, res) => {
    res.type('html').send(
      '<!doctype html><meta charset="utf-8"><title>VTM</title>' +
        '<h1>VTM remote video banking</h1><ul><li><a href="/kiosk/">Kiosk</a></li><li><a href="/console/">Teller console</a></li></ul>',
    );
  });

  app.use((_req, res) => {
    const body: ApiError = { error: { code: 'not-found', message: 'no such route' } };
    res.status(404).json(body);
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    let status = 500;
    let body: ApiError = { error: { code: 'internal', message: 'the server could not do this' } };
    if (error instanceof RequestError) {
      status = STATUS_BY_CODE[error.code] ?? 400;
      body = { error: { code: error.code, message: error.message } };
    } else if (error instanceof TooManyRequestsError) {
      status = 429;
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      body = { error: { code: error.code, message: error.message } };
    } else if (typeof error?.status === 'number' && error.status < 500) {
      // body-parser errors: malformed JSON (400), too large (413), bad charset (415)...
      status = error.status;
      body = { error: { code: error.type ?? 'bad-request', message: error.expose ? error.message : 'bad request' } };
    } else {
      deps.logger.error({ err: error }, 'HTTP request failed');
    }
    res.status(status).json(body);
  };
  app.use(onError);
  return app;
}
