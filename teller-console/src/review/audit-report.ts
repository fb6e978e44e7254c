/** A verification of the audit trail (POST /api/audit/verify) in a reviewer's words. */
import type { AuditVerificationReport } from '@vtm/shared';

export interface VerificationSummary {
  ok: boolean;
  headline: string;
  /** The first broken entry, then each broken file. */
  problems: string[];
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;

export function describeVerification(report: AuditVerificationReport): VerificationSummary {
  const counted = `${report.entries} entries and ${report.files} files checked`;
  const head = report.head ? `; head #${report.head.seq} ${short(report.head.hash)}` : '';
  const problems: string[] = [];
  if (report.firstBrokenEntry) problems.push(`Entry #${report.firstBrokenEntry.seq}: ${report.firstBrokenEntry.reason}`);
  for (const file of report.brokenFiles) {
    problems.push(
      file.actual === null ? `${file.path}: missing (expected SHA-256 ${short(file.expected)})` : `${file.path}: SHA-256 ${short(file.actual)}, expected ${short(file.expected)}`,
    );
  }
  if (report.ok && problems.length === 0) return { ok: true, headline: `Audit trail intact: ${counted}${head}.`, problems };
  const what = [
    report.firstBrokenEntry ? `the chain breaks at entry #${report.firstBrokenEntry.seq}` : null,
    report.brokenFiles.length ? `${report.brokenFiles.length} file${report.brokenFiles.length === 1 ? '' : 's'} altered or missing` : null,
  ].filter(Boolean);
  return { ok: false, headline: `Audit trail NOT intact: ${what.join(' and ') || 'verification failed'} (${counted}).`, problems };
}
