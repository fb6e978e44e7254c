/**
 * `npm run audit:verify`: verifies the audit trail of the data folder the server uses
 * (DATA_DIR), prints what it found and exits 1 when anything is broken, so a scheduled
 * job or an auditor's script can act on it. The run is recorded in the trail, like one
 * from the review page.
 *
 *   npm run audit:verify             a summary
 *   npm run audit:verify -- --json   the report as JSON
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { AuditVerificationReport } from '@vtm/shared';
import { loadConfig } from '../config.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { SYSTEM_ACTOR } from './audit-entry.ts';
import { AuditLog } from './audit-log.ts';
import { verifyAndRecord } from './verify-audit-trail.ts';

export const EXIT_INTACT = 0;
export const EXIT_BROKEN = 1;
/** Could not verify at all (no database there, bad arguments): not the same as broken. */
export const EXIT_UNABLE = 2;

interface Output {
  write(text: string): unknown;
}

export async function runAuditVerifyCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  let json: boolean;
  try {
    // A literal `--` arrives when run with node instead of npm: nothing follows it here.
    json = parseArgs({ args: args.filter((a) => a !== '--'), options: { json: { type: 'boolean', default: false } } }).values.json;
  } catch (error) {
    err.write(`${(error as Error).message}\nusage: npm run audit:verify [-- --json]\n`);
    return EXIT_UNABLE;
  }
  const config = loadConfig(env);
  // Opening a missing file would create an empty database, which verifies: refuse instead.
  if (!fs.existsSync(config.databaseFile)) {
    err.write(`no database at ${config.databaseFile}; set DATA_DIR to the server's data folder\n`);
    return EXIT_UNABLE;
  }
  const repos = createSqliteRepositories(config.databaseFile);
  try {
    const audit = new AuditLog({ repo: repos.audit, dataDir: config.dataDir });
    const report = await verifyAndRecord({ repos, audit }, SYSTEM_ACTOR, { via: 'cli', osUser: os.userInfo().username });
    out.write(json ? `${JSON.stringify(report, null, 2)}\n` : summarise(report, config.dataDir));
    return report.ok ? EXIT_INTACT : EXIT_BROKEN;
  } finally {
    await repos.close();
  }
}

function summarise(report: AuditVerificationReport, dataDir: string): string {
  const lines = [
    `audit trail of ${dataDir}: ${report.ok ? 'INTACT' : 'BROKEN'}`,
    `  ${report.entries} entries, ${report.files} files checked`,
    report.head ? `  newest entry: ${report.head.seq} ${report.head.hash}` : '  no entries',
  ];
  if (report.firstBrokenEntry) lines.push(`  first broken entry: ${report.firstBrokenEntry.seq}: ${report.firstBrokenEntry.reason}`);
  for (const file of report.brokenFiles) {
    lines.push(`  file ${file.path}: ${file.actual ? `changed (expected ${file.expected}, found ${file.actual})` : 'missing or unreadable'}`);
  }
  return `${lines.join('\n')}\n`;
}
