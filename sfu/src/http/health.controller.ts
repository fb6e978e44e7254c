import { Router } from 'express';
import type { HealthReport } from '@vtm/shared';
import type { WorkerPool } from '../media/worker-pool.ts';
import type { RecordingService } from '../recording/recording.service.ts';
import type { Repositories } from '../storage/repositories.ts';

export function healthController(deps: { workers: WorkerPool; repos: Repositories; recording: RecordingService }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const databaseOk = await deps.repos.ping().catch(() => false);
    const report: HealthReport = {
      ok: false,
      workers: { expected: deps.workers.expected, alive: deps.workers.alive },
      database: { ok: databaseOk },
      recorder: { ok: deps.recording.ffmpegVersion !== null, ffmpeg: deps.recording.ffmpegVersion },
      uptimeSeconds: Math.round(process.uptime()),
    };
    report.ok = report.workers.alive === report.workers.expected && databaseOk && report.recorder.ok;
    // 200 while the process serves; `ok` says whether every part is healthy.
    res.status(200).json(report);
  });
  return router;
}
