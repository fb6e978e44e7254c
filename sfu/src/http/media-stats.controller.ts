import { Router } from 'express';
import type { WorkerPool } from '../media/worker-pool.ts';
import { requireRole } from './authentication.ts';

/**
 * What every mediasoup worker holds right now, from worker.dump() and router.dump():
 * for operators, and for the test that proves a finished call leaks nothing.
 */
export function mediaStatsController(deps: { workers: WorkerPool }): Router {
  const router = Router();
  router.get('/api/media/stats', requireRole('admin'), async (_req, res) => {
    const workers = await Promise.all(
      deps.workers.workers
        .filter((w) => !w.closed && !w.died)
        .map(async (worker) => {
          // A worker that is dying right now cannot answer; report it without routers.
          const dump = await worker.dump().catch(() => null);
          return { pid: worker.pid, routers: dump?.routerIds.length ?? 0, answering: dump !== null };
        }),
    );
    const routers = await deps.workers.routerDumps();
    res.json({
      workers,
      routers: routers.map((d) => ({
        id: d.id,
        transports: d.transportIds.length,
        producers: d.mapProducerIdConsumerIds.length,
        consumers: d.mapConsumerIdProducerId.length,
      })),
    });
  });
  return router;
}
