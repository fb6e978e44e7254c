/**
 * `npm run retention:purge`: removes the media, images and personal data of the sessions
 * of DATA_DIR whose retention period (RETENTION_YEARS after they ended) is over, and
 * prints the RetentionReport as JSON. Safe to run while the server runs, and again after
 * a run was stopped half-way (see retention.service.ts).
 *
 *   npm run retention:purge                    purge now
 *   npm run retention:purge -- --dry-run       what would be purged and held; nothing changes
 *   npm run retention:purge -- --now <ISO>     judge retention as of another time (recorded
 *                                              with each purge in the audit trail)
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { RetentionService } from './retention.service.ts';

export const EXIT_DONE = 0;
/** The purge stopped part-way (a file could not be removed, the database failed): run it again. */
export const EXIT_FAILED = 1;
/** Nothing was done: bad arguments or configuration, no database there. */
export const EXIT_UNABLE = 2;

const USAGE = 'usage: npm run retention:purge [-- --dry-run] [--now 2031-06-01T00:00:00Z]';
const Instant = z.iso.datetime({ offset: true });

interface Output {
  write(text: string): unknown;
}

export async function runRetentionPurgeCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  let options: { dryRun: boolean; now: Date | null; dataDir: string; databaseFile: string; years: number };
  try {
    options = optionsOf(args, env);
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT_UNABLE;
  }
  // Opening a missing file would create an empty database: refuse instead.
  if (!fs.existsSync(options.databaseFile)) {
    err.write(`no database at ${options.databaseFile}; set DATA_DIR to the server's data folder\n`);
    return EXIT_UNABLE;
  }
  const repos = createSqliteRepositories(options.databaseFile);
  const audit = new AuditLog({ repo: repos.audit, dataDir: options.dataDir });
  try {
    const report = await new RetentionService({ repos, audit, retentionYears: options.years }).run({
      now: options.now ?? new Date(),
      clockOverridden: options.now !== null,
      dryRun: options.dryRun,
    });
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    if (options.dryRun) err.write('dry run: nothing was changed\n');
    return EXIT_DONE;
  } catch (error) {
    err.write(`retention purge stopped: ${(error as Error).message}\nwhat was done is recorded; run it again to finish\n`);
    return EXIT_FAILED;
  } finally {
    await audit.drain();
    await repos.close();
  }
}

function optionsOf(args: string[], env: NodeJS.ProcessEnv) {
  // A literal `--` arrives when run with node instead of npm: nothing follows it here.
  const { values } = parseArgs({
    args: args.filter((a) => a !== '--'),
    options: { 'dry-run': { type: 'boolean', default: false }, now: { type: 'string' } },
  });
  if (values.now !== undefined && !Instant.safeParse(values.now).success) throw new Error(`--now: not an ISO 8601 date-time: ${values.now}`);
  const config = loadConfig(env);
  return {
    dryRun: values['dry-run'],
    now: values.now === undefined ? null : new Date(values.now),
    dataDir: config.dataDir,
    databaseFile: config.databaseFile,
    years: config.retention.years,
  };
}
