/**
 * A SessionService for unit specs: the real repositories, audit log and recording service
 * over the spec's temporary folder, on port ranges no test server uses. No ffmpeg starts
 * unless a call sends media.
 */
import path from 'node:path';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../logger.ts';
import type { WorkerPool } from '../media/worker-pool.ts';
import { RecordingService } from '../recording/recording.service.ts';
import type { Repositories } from '../storage/repositories.ts';
import { SessionService, type ReconnectGrace } from './session.service.ts';

export function sessionServiceForSpecs(deps: {
  repos: Repositories;
  audit: AuditLog;
  workers: WorkerPool;
  dir: string;
  logger: Logger;
  reconnect?: ReconnectGrace;
}): SessionService {
  const { repos, audit, workers, dir, logger, reconnect } = deps;
  return new SessionService({
    repos,
    audit,
    workers,
    recording: new RecordingService({
      config: { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', minPort: 47000, maxPort: 47100 },
      recordingsDir: path.join(dir, 'recordings'),
      recordings: repos.recordings,
      audit,
      logger,
    }),
    listen: { minPort: 46000, maxPort: 46100, announcedAddress: '127.0.0.1' },
    logger,
    ...(reconnect ? { reconnect } : {}),
  });
}
