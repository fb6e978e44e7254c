/**
 * The automatic quality checks of a finished session, and which of them apply.
 *
 * Which checks a session gets depends on how far it went:
 *  - every session: consent-first (a session that never reached a teller — consent
 *    declined, abandoned at the kiosk, cancelled in the queue — gets only this one);
 *  - once a teller accepted the call: identity-before-questionnaire, answers-at-kiosk,
 *    level-recomputed, recording-coverage and media-presence (a call exists to run the
 *    assessment, so a call that never verified identity or took the questionnaire fails
 *    those with the reason);
 *  - once a product was proposed, or the session was closed as completed:
 *    suitability-respected;
 *  - once a handwritten acknowledgement or signature was asked for, a signature stored,
 *    or the session closed as completed: disclosure-before-signature and
 *    signature-document-hash. A sale that was blocked, or declined before signing,
 *    therefore does not fail for lacking a signature.
 * A session passes only if every check that applies passes.
 */
import type { QualityCheck, QualityCheckId } from '@vtm/shared';
import { checkMediaPresence, checkRecordingCoverage } from './media-checks.ts';
import {
  checkAnswersAtKiosk,
  checkConsentFirst,
  checkDisclosureBeforeSignature,
  checkIdentityBeforeQuestionnaire,
  checkLevelRecomputed,
  checkSignatureDocumentHash,
  checkSuitabilityRespected,
} from './regulated-checks.ts';
import type { MediaFacts, RegulatedFacts } from './review-facts.ts';

export function applicableChecks(facts: RegulatedFacts): QualityCheckId[] {
  const has = (test: (type: string) => boolean) => facts.events.some((e) => test(e.type));
  const completed = facts.stored.outcome === 'completed';
  const ids: QualityCheckId[] = ['consent-first'];
  const call = has((t) => t === 'session.accepted');
  if (call) ids.push('identity-before-questionnaire', 'answers-at-kiosk', 'level-recomputed');
  if (completed || has((t) => t === 'product.chosen' || t === 'suitability.result')) ids.push('suitability-respected');
  if (completed || facts.signature || has((t) => /^(acknowledgement|signature)\./.test(t))) {
    ids.push('disclosure-before-signature', 'signature-document-hash');
  }
  if (call) ids.push('recording-coverage', 'media-presence');
  return ids;
}

const CHECKS: Record<QualityCheckId, (regulated: RegulatedFacts, media: MediaFacts) => QualityCheck | Promise<QualityCheck>> = {
  'consent-first': (r) => checkConsentFirst(r.events),
  'identity-before-questionnaire': (r) => checkIdentityBeforeQuestionnaire(r.events),
  'answers-at-kiosk': (r) => checkAnswersAtKiosk(r),
  'level-recomputed': (r) => checkLevelRecomputed(r),
  'suitability-respected': (r) => checkSuitabilityRespected(r),
  'disclosure-before-signature': (r) => checkDisclosureBeforeSignature(r),
  'signature-document-hash': (r) => checkSignatureDocumentHash(r),
  'recording-coverage': (_, m) => checkRecordingCoverage(m),
  'media-presence': (_, m) => checkMediaPresence(m),
};

export interface QualityReport {
  checks: QualityCheck[];
  passed: boolean;
}

/** Runs every applicable check; a check that throws fails with the error as its reason. */
export async function runQualityChecks(regulated: RegulatedFacts, media: MediaFacts): Promise<QualityReport> {
  const checks: QualityCheck[] = [];
  for (const id of applicableChecks(regulated)) {
    try {
      checks.push(await CHECKS[id](regulated, media));
    } catch (error) {
      checks.push({ id, passed: false, reason: `The check could not run: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { checks, passed: checks.every((c) => c.passed) };
}
