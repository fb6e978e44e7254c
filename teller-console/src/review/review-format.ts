/** How the review screens write times, names of checks, outcomes and statuses. */
import type { QualityCheckId, QualityFilter, ReviewStatus, SessionOutcome } from '@vtm/shared';

export const QUALITY_CHECK_NAMES: Readonly<Record<QualityCheckId, string>> = {
  'consent-first': 'Consent first',
  'identity-before-questionnaire': 'Identity before questionnaire',
  'answers-at-kiosk': 'Answers given at the kiosk',
  'level-recomputed': 'Level recomputed',
  'suitability-respected': 'Suitability respected',
  'disclosure-before-signature': 'Disclosure before signature',
  'signature-document-hash': 'Signed document hash',
  'recording-coverage': 'Recording coverage',
  'media-presence': 'Audio and video present',
};

export const OUTCOME_NAMES: Readonly<Record<SessionOutcome, string>> = {
  completed: 'Completed',
  'declined-by-customer': 'Declined by customer',
  unsuitable: 'Unsuitable',
  'identity-failed': 'Identity failed',
  'technical-failure': 'Technical failure',
};

export const REVIEW_STATUS_NAMES: Readonly<Record<ReviewStatus, string>> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  'follow-up': 'Needs follow-up',
};

export const QUALITY_FILTER_NAMES: Readonly<Record<QualityFilter, string>> = {
  passed: 'Passed',
  failed: 'Failed',
  pending: 'Not yet checked',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-11-25 23:09:32" in the reviewer's local time; "—" for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A position on the session's timeline: "0:07.4", "12:03.0", "1:02:03.0". */
export function formatClock(ms: number): string {
  const tenths = Math.round(Math.max(0, ms) / 100);
  const hours = Math.floor(tenths / 36_000);
  const minutes = Math.floor((tenths % 36_000) / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${seconds}` : `${minutes}:${seconds}`;
}

/** How long something lasted, e.g. "4 min 05 s" or "12.3 s". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
}
