/** The console's calls to the compliance review API (same origin, cookie-based). */
import type {
  AuditVerificationReport,
  ReviewDecision,
  ReviewDecisionRequest,
  ReviewFilterOptions,
  ReviewList,
  ReviewSessionDetail,
} from '@vtm/shared';
import { api } from '../auth/auth-client.ts';
import { listSearchParams, type ListQuery } from './review-url.ts';

const session = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}`;
const reviewed = (sessionId: string) => `/api/review/sessions/${encodeURIComponent(sessionId)}`;

/** Dates in the list's filters are days of the reviewer's own calendar. */
export function listSessions(query: ListQuery) {
  const params = listSearchParams(query, { all: true });
  params.set('utcOffsetMinutes', String(-new Date().getTimezoneOffset()));
  return api<ReviewList>(`/api/review/sessions?${params}`);
}
export const filterOptions = () => api<ReviewFilterOptions>('/api/review/filters');
/** The whole session with its personal data; every call is audited as a view. */
export const reviewDetail = (sessionId: string) => api<ReviewSessionDetail>(reviewed(sessionId));
export const decide = (sessionId: string, decision: ReviewDecisionRequest) =>
  api<ReviewDecision>(`${reviewed(sessionId)}/decisions`, { method: 'POST', body: decision });
export const verifyAuditTrail = () => api<AuditVerificationReport>('/api/audit/verify', { method: 'POST' });

export const evidenceUrl = (sessionId: string, evidenceId: number) => `${session(sessionId)}/evidence/${evidenceId}`;
export const playbackUrl = (sessionId: string, mediaId: number) => `${session(sessionId)}/playback/${mediaId}`;
export const exportUrl = (sessionId: string) => `${reviewed(sessionId)}/export`;
