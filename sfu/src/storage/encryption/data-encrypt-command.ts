/**
 * `npm run data:encrypt`: encrypts in place, under the current data key, the files of
 * DATA_DIR stored before encryption at rest (a data folder of an earlier version), and
 * prints a report as JSON. The server reads such files as they are; this leaves none.
 *
 *   npm run data:encrypt                  encrypt every plaintext file
 *   npm run data:encrypt -- --dry-run     what would be encrypted; nothing changes
 *
 * Per file: its content is first checked against the SHA-256 the database holds (a file
 * changed since it was stored is left as it is and reported: encrypting it would launder
 * the change); then it is encrypted in place (atomically), a 'file.encrypted' entry
 * chains its new SHA-256 into the audit trail (verification then expects it), and its
 * row takes the new size and hash. Stopped at any point, a second run finishes what is
 * left: an encrypted file whose row still has the old hash is checked by its decrypted
 * content. Best run while the server is stopped (an export running meanwhile would be
 * cut short when a file it reads is replaced).
 *
 * The database's personal data too (sqlite/seal-customer-identities.ts): customer
 * identities stored in plaintext are sealed, and those sealed under an older key are
 * re-sealed under the current one (after a rotation), reported under `identities`.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { SYSTEM_ACTOR } from '../../audit/audit-entry.ts';
import { createLogger } from '../../logger.ts';
import type { Repositories, StoredFileRecord } from '../repositories.ts';
import { openSqliteDatabase } from '../database.ts';
import { createSqliteRepositories } from '../sqlite/index.ts';
import { sealCustomerIdentities, type IdentitySealReport } from '../sqlite/seal-customer-identities.ts';
import { encryptIntoStore, hashStoredFile, readStoredFile, storedFileExists, storedFileKeyId, storedFileName, useDataKeys } from '../stored-file.ts';
import type { DataKeyring } from './data-keys.ts';
import { setUpDataKeys } from './key-setup.ts';

export const EXIT_DONE = 0;
/** Some files were left as they were (changed since stored, unreadable): see the report. */
export const EXIT_FAILED = 1;
/** Nothing was done: bad arguments or configuration, no database there. */
export const EXIT_UNABLE = 2;

const USAGE = 'usage: npm run data:encrypt [-- --dry-run]';

export interface DataEncryptReport {
  keyId: string;
  /** Files encrypted by this run (or, in a dry run, that would be). */
  encrypted: string[];
  /** Files already encrypted, left as they are. */
  alreadyEncrypted: number;
  /** Files left as they were, and why. */
  refused: Array<{ file: string; reason: string }>;
}

interface Output {
  write(text: string): unknown;
}

/** Encrypts every plaintext stored file of the data folder (whose keys must be set up: useDataKeys). */
export async function encryptLegacyFiles(deps: { repos: Repositories; audit: AuditLog; keys: DataKeyring }, options: { dryRun?: boolean } = {}): Promise<DataEncryptReport> {
  const { repos, audit } = deps;
  const dataDir = audit.dataDir;
  const report: DataEncryptReport = { keyId: deps.keys.currentId, encrypted: [], alreadyEncrypted: 0, refused: [] };
  const vouchedBySession = new Map<string, Map<string, string>>();
  for (const row of await repos.storedFiles.listAll()) {
    const relative = storedFileName(dataDir, row.path);
    let vouched = vouchedBySession.get(row.sessionId);
    if (!vouched) vouchedBySession.set(row.sessionId, (vouched = await vouchedHashes(repos, row.sessionId)));
    const trail = vouched.get(relative);
    if (!(await storedFileExists(dataDir, relative))) {
      // Removed by retention (no longer vouched for) is as it should be; otherwise say so.
      if (trail) report.refused.push({ file: relative, reason: 'missing: run the audit verification' });
      continue;
    }
    try {
      const outcome = await encryptOne(deps, row, relative, trail, options.dryRun ?? false);
      if (outcome === 'already') report.alreadyEncrypted++;
      else report.encrypted.push(relative);
    } catch (error) {
      report.refused.push({ file: relative, reason: (error as Error).message.replace(`${relative}: `, '') });
    }
  }
  return report;
}

async function encryptOne(
  deps: { repos: Repositories; audit: AuditLog },
  row: StoredFileRecord,
  relative: string,
  trail: string | undefined,
  dryRun: boolean,
): Promise<'encrypted' | 'already'> {
  const dataDir = deps.audit.dataDir;
  const expected = row.sha256!;
  let stored: { sizeBytes: number; sha256: string };
  if (!(await storedFileKeyId(dataDir, relative))) {
    const plain = await hashStoredFile(dataDir, relative);
    if (plain.sha256 !== expected) throw new Error(`changed since it was stored (SHA-256 ${plain.sha256}, recorded ${expected}): left as it is; run the audit verification`);
    if (dryRun) return 'encrypted';
    stored = await encryptIntoStore(dataDir, row.path, relative);
  } else {
    stored = await hashStoredFile(dataDir, relative);
    if (stored.sha256 === expected) return 'already';
    // Encrypted by a run that stopped before its row was updated: its content must be the one recorded.
    const content = await readStoredFile(dataDir, relative);
    if (content.plaintext.sha256 !== expected) throw new Error(`its content does not match the SHA-256 recorded (${expected}): left as it is; run the audit verification`);
    if (dryRun) return 'encrypted';
  }
  if (trail !== stored.sha256) {
    await deps.audit.record({
      actor: SYSTEM_ACTOR,
      action: 'file.encrypted',
      sessionId: row.sessionId,
      subject: `${row.kind}:${row.id}`,
      details: { keyId: (await storedFileKeyId(dataDir, relative))!, plaintextSha256: expected, sizeBytes: stored.sizeBytes },
      file: { path: row.path, sha256: stored.sha256 },
    });
  }
  if (stored.sha256 !== expected) await deps.repos.storedFiles.updateStored(row.kind, row.id, stored);
  return 'encrypted';
}

/** The hash the trail last vouched for, per file of the session (none for a file purged). */
async function vouchedHashes(repos: Repositories, sessionId: string): Promise<Map<string, string>> {
  const vouched = new Map<string, string>();
  for (const entry of await repos.audit.listForSession(sessionId)) {
    const file = entry.details['file'];
    if (typeof file !== 'string') continue;
    if (entry.action === 'file.purged') vouched.delete(file);
    else if (entry.fileSha256) vouched.set(file, entry.fileSha256);
  }
  return vouched;
}

export async function runDataEncryptCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  let dryRun: boolean;
  let config: ReturnType<typeof loadConfig>;
  try {
    const { values } = parseArgs({ args: args.filter((a) => a !== '--'), options: { 'dry-run': { type: 'boolean', default: false } } });
    dryRun = values['dry-run'];
    config = loadConfig(env);
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT_UNABLE;
  }
  if (!fs.existsSync(config.databaseFile)) {
    err.write(`no database at ${config.databaseFile}; set DATA_DIR to the server's data folder\n`);
    return EXIT_UNABLE;
  }
  let keys: DataKeyring;
  try {
    keys = await setUpDataKeys({ dataDir: config.dataDir, configured: config.dataKeys, logger: createLogger('warn', { write: (line: string) => err.write(line) }) });
  } catch (error) {
    err.write(`${(error as Error).message}\n`);
    return EXIT_UNABLE;
  }
  const release = useDataKeys(config.dataDir, keys);
  let repos: Repositories;
  try {
    repos = createSqliteRepositories(config.databaseFile, { dataKeys: keys });
  } catch (error) {
    release();
    err.write(`${(error as Error).message}\n`);
    return EXIT_UNABLE;
  }
  const audit = new AuditLog({ repo: repos.audit, dataDir: config.dataDir });
  try {
    const report = await encryptLegacyFiles({ repos, audit, keys }, { dryRun });
    const identities = sealIdentities(config.databaseFile, keys, dryRun);
    out.write(`${JSON.stringify({ ...report, identities }, null, 2)}\n`);
    if (dryRun) err.write('dry run: nothing was changed\n');
    return report.refused.length || identities.refused.length ? EXIT_FAILED : EXIT_DONE;
  } catch (error) {
    err.write(`data:encrypt stopped: ${(error as Error).message}\nwhat was done is recorded; run it again to finish\n`);
    return EXIT_FAILED;
  } finally {
    await audit.drain();
    await repos.close();
    release();
  }
}

/** On a connection of its own: the VACUUM that follows sealing needs one with no statement open. */
function sealIdentities(databaseFile: string, keys: DataKeyring, dryRun: boolean): IdentitySealReport {
  const db = openSqliteDatabase(databaseFile);
  try {
    return sealCustomerIdentities(db, keys, { dryRun });
  } finally {
    db.close();
  }
}
