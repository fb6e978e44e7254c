/**
 * Builds the whole server from its configuration: storage, media workers, recorder,
 * sessions, HTTP and signaling. main.ts runs it; tests start it the same way.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RtpCapabilities } from '@vtm/shared';
import type { Config } from './config.ts';
import { createHttpApp } from './http/app.ts';
import { loadOrCreateTls } from './http/tls.ts';
import type { Logger } from './logger.ts';
import { WorkerPool } from './media/worker-pool.ts';
import { AuditLog } from './audit/audit-log.ts';
import { SYSTEM_ACTOR } from './audit/audit-entry.ts';
import { AuthService, SEED_USERS } from './auth/auth.service.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { EvidenceService } from './evidence/evidence.service.ts';
import { ReceiptService } from './receipt/receipt.service.ts';
import { CustomerIdentityService } from './customers/customer-identity.service.ts';
import { RecordingService } from './recording/recording.service.ts';
import { FinalisationService } from './review/finalisation.service.ts';
import { ReviewService } from './review/review.service.ts';
import { EvidenceExportService } from './review/export/evidence-export.service.ts';
import { SessionService } from './sessions/session.service.ts';
import { attachSignaling } from './signaling/signaling-server.ts';
import { KioskConnections } from './signaling/kiosk-connections.ts';
import { KioskService } from './kiosks/kiosk.service.ts';
import { createSqliteRepositories } from './storage/sqlite/index.ts';
import type { Repositories } from './storage/repositories.ts';
import { setUpDataKeys } from './storage/encryption/key-setup.ts';
import { clearPrivateTemp, useDataKeys } from './storage/stored-file.ts';
import { REQUEST_RECEIVE_LIMITS, refuseMalformedRequest } from './http/malformed-requests.ts';

export interface RunningServer {
  url: string;
  /** Ends every session (sealing recordings), then stops media, HTTP and storage. */
  close(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // Personal data is encrypted at rest: no start without keys for every file already stored.
  const dataKeys = await setUpDataKeys({ dataDir: config.dataDir, configured: config.dataKeys, logger });
  const releaseDataKeys = useDataKeys(config.dataDir, dataKeys);
  // Decrypted working copies a crash left behind (finalisation's ffmpeg inputs).
  await clearPrivateTemp(config.dataDir);
  // The same keys seal the personal data kept in the database (customer identities).
  const repos = createSqliteRepositories(config.databaseFile, { dataKeys });
  const audit = new AuditLog({ repo: repos.audit, dataDir: config.dataDir });
  await restoreAuditProtection(repos, audit, logger);
  const recording = new RecordingService({
    config: config.recorder,
    recordingsDir: config.recordingsDir,
    recordings: repos.recordings,
    audit,
    logger,
  });
  if (!(await recording.checkTools())) logger.error('ffmpeg/ffprobe not usable: calls will not be recorded');
  const recovered = await recording.recoverUnfinished();
  if (recovered) logger.warn({ recovered }, 'sealed recordings left unfinished by an earlier crash');

  const workers = new WorkerPool(config.mediasoupWorkers, logger);
  await workers.start();
  const routerRtpCapabilities = await probeRouterCapabilities(workers);
  const auth = new AuthService(repos, audit, new SignInThrottle(config.signIn));
  const seeded = await auth.seedIfEmpty(config.seedPassword);
  if (seeded) announceSeedUsers(seeded, logger);
  const sessions = new SessionService({ repos, audit, workers, recording, listen: config.rtc, reconnect: config.reconnect, logger });
  const interrupted = await sessions.closeInterrupted();
  if (interrupted.length) logger.warn({ sessions: interrupted.length }, 'closed sessions interrupted by an earlier crash');
  // Playable media and quality checks for each session once it has ended, in the background.
  const finalisation = new FinalisationService({
    repos,
    audit,
    ffmpegPath: config.recorder.ffmpegPath,
    ffprobePath: config.recorder.ffprobePath,
    playbackDir: path.join(config.dataDir, 'playback'),
    logger,
  });
  sessions.afterEnd((sessionId) => finalisation.schedule(sessionId));
  const unfinalised = await finalisation.resumeUnfinalised();
  if (unfinalised) logger.info({ sessions: unfinalised }, 'finalising sessions that ended before this start');

  const evidence = new EvidenceService({ dataDir: config.dataDir, repos, audit, sessions });
  const receipts = new ReceiptService({ repos, evidence, publicUrl: config.publicUrl });
  const customers = new CustomerIdentityService({ repos, evidence });
  sessions.useEvidence(evidence, receipts, customers);
  const review = new ReviewService({ repos, audit });
  const evidenceExport = new EvidenceExportService({ repos, audit, detailFor: (sessionId) => review.detailFor(sessionId) });
  // Revoking a kiosk ends its sessions (parties detached at once, recordings sealed) and closes its connections.
  const kiosks = new KioskService({ repos, audit });
  const kioskConnections = new KioskConnections();
  kiosks.onRevoked(async (kiosk) => {
    const ending = sessions.endForKiosk(kiosk.id);
    const closed = kioskConnections.closeAll(kiosk.id);
    logger.warn({ kioskId: kiosk.id, sessions: ending.sessions.length, connections: closed }, 'kiosk revoked; cut off');
    await ending.done;
  });
  const app = createHttpApp({ auth, kiosks, audit, evidence, receipts, review, evidenceExport, kiosk: config.kiosk, secureCookies: config.tls !== null, workers, repos, recording, staticDir: config.staticDir, logger });
  const server = config.tls
    ? https.createServer({ ...(await loadOrCreateTls(config.tls, config.dataDir, ['localhost', '127.0.0.1', config.rtc.announcedAddress])), ...REQUEST_RECEIVE_LIMITS }, app)
    : http.createServer(REQUEST_RECEIVE_LIMITS, app);
  server.on('clientError', refuseMalformedRequest);
  const wss = attachSignaling(server, { sessions, auth, kiosks, kioskConnections, routerRtpCapabilities: () => routerRtpCapabilities, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `${config.tls ? 'https' : 'http'}://localhost:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Finalisation takes no new session (those ended now are finalised at the next
        // start); the one in hand finishes while the calls are being ended.
        const finalisationDrained = finalisation.drain();
        await sessions.shutdown();
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        wss.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections?.();
        await workers.close();
        await finalisationDrained;
        // Entries recorded by callbacks nobody awaits (recording events) are stored first.
        await audit.drain();
        await repos.close();
        releaseDataKeys();
      })();
      return closing;
    },
  };
}

/**
 * The database refuses to change or delete audit entries (triggers). If someone removed
 * that protection, put it back, and say so loudly and in the trail itself.
 */
async function restoreAuditProtection(repos: Repositories, audit: AuditLog, logger: Logger): Promise<void> {
  if (!(await repos.audit.restoreAppendOnly())) return;
  logger.error('the audit trail had lost its append-only protection; restored it (run npm run audit:verify)');
  await audit.record({ actor: SYSTEM_ACTOR, action: 'audit.protection-restored', subject: 'audit-trail' });
}

/** The seed users' password is shown once, on the console of the first start, never logged. */
function announceSeedUsers(seeded: { password: string; generated: boolean }, logger: Logger): void {
  const names = SEED_USERS.map((u) => u.username).join(', ');
  logger.warn({ users: names }, 'created the first users');
  if (seeded.generated) {
    process.stdout.write(
      `\nFirst start: created the users ${names}.\nTheir password (shown only now; change it or set SEED_PASSWORD): ${seeded.password}\n\n`,
    );
  }
}

/** Every call router has the same codecs, so one router tells what all of them offer. */
async function probeRouterCapabilities(workers: WorkerPool): Promise<RtpCapabilities> {
  const router = await workers.createRouter();
  const capabilities = router.rtpCapabilities as RtpCapabilities;
  router.close();
  return capabilities;
}
