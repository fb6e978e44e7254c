/**
 * Proves the audit trail unaltered: recomputes every entry's hash along the chain, and
 * re-reads every file the trail vouches for and compares its SHA-256 with the one chained
 * in when it was stored. Used by POST /api/audit/verify and `npm run audit:verify`.
 */
import type { AuditVerificationReport } from '@vtm/shared';
import { sha256File } from '../recording/recording-probe.ts';
import type { AuditEntryRecord, AuditRepository, Repositories } from '../storage/repositories.ts';
import { GENESIS_HASH, hashAuditEntry, resolveInDataDir, type Actor } from './audit-entry.ts';
import type { AuditLog } from './audit-log.ts';

type BrokenEntry = NonNullable<AuditVerificationReport['firstBrokenEntry']>;
type BrokenFile = AuditVerificationReport['brokenFiles'][number];

const PAGE_SIZE = 1000;

export async function verifyAuditTrail(repos: Pick<Repositories, 'audit'>, options: { dataDir: string }): Promise<AuditVerificationReport> {
  // Read before the scan: entries appended while it runs cannot look like ones cut off.
  const issuedBefore = await repos.audit.lastSeqIssued();
  const chain = new ChainCheck();
  const files = new ExpectedFiles();
  for await (const entry of entriesOf(repos.audit)) {
    await chain.check(entry);
    files.note(entry);
  }
  chain.checkNothingCutOff(issuedBefore);
  const brokenFiles = await files.verify(options.dataDir);
  return {
    ok: !chain.firstBroken && brokenFiles.length === 0,
    entries: chain.entries,
    files: files.count,
    head: chain.previous,
    ...(chain.firstBroken ? { firstBrokenEntry: chain.firstBroken } : {}),
    brokenFiles,
  };
}

/** Verifies, then records the run itself in the trail (who checked, and what they found). */
export async function verifyAndRecord(
  deps: { repos: Pick<Repositories, 'audit'>; audit: AuditLog },
  actor: Actor,
  context: { via: 'api' | 'cli'; osUser?: string },
): Promise<AuditVerificationReport> {
  const report = await verifyAuditTrail(deps.repos, { dataDir: deps.audit.dataDir });
  await deps.audit.record({
    actor,
    action: 'audit.verified',
    subject: 'audit-trail',
    details: {
      ...context,
      ok: report.ok,
      entries: report.entries,
      files: report.files,
      head: report.head,
      firstBrokenEntry: report.firstBrokenEntry ?? null,
      brokenFiles: report.brokenFiles.map((f) => f.path),
    },
  });
  return report;
}

/** The whole trail, oldest first, a page at a time (it grows for years). */
async function* entriesOf(repo: AuditRepository): AsyncGenerator<AuditEntryRecord> {
  let afterSeq = 0;
  for (;;) {
    const page = await repo.list({ afterSeq, limit: PAGE_SIZE });
    yield* page;
    if (page.length < PAGE_SIZE) return;
    afterSeq = page[page.length - 1]!.seq;
  }
}

/** Walks the chain, keeping the first place it breaks. */
class ChainCheck {
  entries = 0;
  previous: { seq: number; hash: string } | null = null;
  firstBroken: BrokenEntry | undefined;

  async check(entry: AuditEntryRecord): Promise<void> {
    this.entries++;
    // Only the first break is reported; past it the walk goes on for the files alone.
    this.firstBroken ??= (await chainBreakAt(entry, this.previous)) ?? undefined;
    // The next entry is checked against this one as stored: one change reports once.
    this.previous = { seq: entry.seq, hash: entry.hash };
  }

  /** Entries deleted from the end leave no gap in the chain, but the numbers given out tell. */
  checkNothingCutOff(lastSeqIssued: number): void {
    const lastSeen = this.previous?.seq ?? 0;
    if (lastSeqIssued <= lastSeen) return;
    this.firstBroken ??= { seq: lastSeen + 1, reason: `${range(lastSeen + 1, lastSeqIssued)} removed from the end of the trail` };
  }
}

async function chainBreakAt(entry: AuditEntryRecord, previous: { seq: number; hash: string } | null): Promise<BrokenEntry | null> {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (entry.seq !== expectedSeq) return { seq: expectedSeq, reason: `${range(expectedSeq, entry.seq - 1)} missing` };
  if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
    return {
      seq: entry.seq,
      reason: previous
        ? `its previous hash is not the hash of entry ${previous.seq} (that entry was changed or replaced)`
        : 'the first entry does not start from the genesis hash',
    };
  }
  if ((await hashAuditEntry(entry)) !== entry.hash) return { seq: entry.seq, reason: 'its content does not match its hash (the entry was changed)' };
  return null;
}

const range = (from: number, to: number) => (from === to ? `entry ${from} is` : `entries ${from} to ${to} are`);

/** The files the trail vouches for, each with the hash it had when it was stored. */
class ExpectedFiles {
  readonly #expected = new Map<string, string>();

  get count(): number {
    return this.#expected.size;
  }

  note(entry: AuditEntryRecord): void {
    const file = entry.details['file'];
    if (typeof file !== 'string') return;
    // A purge (retention) is recorded in the chain too, so a file removed on purpose is
    // no longer expected, and one removed otherwise still is.
    if (entry.action === 'file.purged') this.#expected.delete(file);
    else if (entry.fileSha256) this.#expected.set(file, entry.fileSha256);
  }

  async verify(dataDir: string): Promise<BrokenFile[]> {
    const broken: BrokenFile[] = [];
    for (const [file, expected] of this.#expected) {
      const actual = await hashOrNull(resolveInDataDir(dataDir, file));
      if (actual !== expected) broken.push({ path: file, expected, actual });
    }
    return broken;
  }
}

/** A missing or unreadable file hashes to null: reported, never a reason to stop checking. */
async function hashOrNull(file: string | null): Promise<string | null> {
  if (!file) return null;
  return sha256File(file).catch(() => null);
}
