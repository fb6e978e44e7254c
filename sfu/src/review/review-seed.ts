/**
 * Sessions for the review list's and detail's tests, written through the real repositories
 * into a real SQLite file: each spec says only what matters to it (when, who, which level,
 * the quality verdict, decisions) and gets the rows a real session would leave.
 */
import { randomUUID } from 'node:crypto';
import type { EndReason } from '@vtm/shared';
import type { CustomerIdentityRecord, Repositories, ReviewDecisionKindRecord } from '../storage/repositories.ts';

export interface SeededSession {
  createdAt: string;
  kiosk?: string;
  /** 'draft' never reached the queue; 'abandoned-draft' ended before it did. */
  state?: 'draft' | 'abandoned-draft' | 'waiting' | 'active' | 'ended';
  teller?: string | null;
  endedAt?: string;
  endReason?: EndReason;
  riskLevel?: string;
  product?: string;
  outcome?: string;
  customer?: { name: string; documentNumber: string };
  /** 'running': finalisation started but not done. */
  quality?: 'passed' | 'failed' | 'running';
  failedChecks?: string[];
  decisions?: ReviewDecisionKindRecord[];
}

export async function seedSession(repos: Repositories, spec: SeededSession): Promise<string> {
  const id = randomUUID();
  const state = spec.state ?? 'ended';
  const at = (ms: number) => new Date(Date.parse(spec.createdAt) + ms).toISOString();
  await repos.sessions.create({ id, kioskName: spec.kiosk ?? 'VTM-1', language: 'zh-CN', createdAt: spec.createdAt });
  if (state !== 'draft' && state !== 'abandoned-draft') await repos.sessions.queue(id, at(1000));
  const teller = spec.teller === undefined ? (state === 'active' || state === 'ended' ? 'teller1' : null) : spec.teller;
  if (teller) await repos.sessions.accept(id, { tellerName: teller, videoCodec: 'vp8', at: at(2000) });
  if (state === 'ended' || state === 'abandoned-draft') {
    await repos.sessions.end(id, { reason: spec.endReason ?? 'completed', at: spec.endedAt ?? at(600_000) });
  }
  if (spec.riskLevel) await repos.assessments.recordLevel(id, spec.riskLevel);
  if (spec.product) await repos.assessments.recordProduct(id, spec.product);
  if (spec.outcome) await repos.assessments.recordOutcome(id, spec.outcome, '');
  if (spec.customer) await repos.customers.saveIdentity(identityRecord(id, spec.customer, spec.createdAt));
  if (spec.quality) await finalise(repos, id, spec.quality, spec.failedChecks ?? []);
  for (const decision of spec.decisions ?? []) {
    await repos.review.addDecision({ sessionId: id, decision, comment: `${decision} because`, reviewer: 'compliance1', decidedAt: at(700_000) });
  }
  return id;
}

async function finalise(repos: Repositories, sessionId: string, quality: 'passed' | 'failed' | 'running', failedChecks: string[]) {
  await repos.review.beginFinalisation(sessionId, new Date().toISOString());
  if (quality === 'running') return;
  const failed = quality === 'failed' && failedChecks.length === 0 ? ['media-presence'] : failedChecks;
  const checks = ['consent-first', 'media-presence', 'recording-coverage', 'level-recomputed'].map((checkId) => ({
    checkId,
    passed: !failed.includes(checkId),
    reason: 'as seeded',
  }));
  // Checks the fixed list above leaves out, so a test may name any.
  for (const checkId of failed) if (!checks.some((c) => c.checkId === checkId)) checks.push({ checkId, passed: false, reason: 'as seeded' });
  await repos.review.completeFinalisation(sessionId, { checks, qualityPassed: quality === 'passed', at: new Date().toISOString() });
}

/** A resident ID card holder, stored as CustomerIdentityService stores one. */
export function identityRecord(sessionId: string, who: { name: string; documentNumber: string }, capturedAt: string): CustomerIdentityRecord {
  const front = { name: who.name, sex: '男', ethnicity: '汉', birthDate: '1980-05-01', address: '北京市朝阳区建国路1号', idNumber: who.documentNumber };
  const back = { issuingAuthority: '北京市公安局朝阳分局', validFrom: '2015-01-01', validTo: '2035-01-01' };
  return {
    sessionId,
    documentKind: 'cn-resident-id',
    documentNumber: who.documentNumber,
    name: who.name,
    birthDate: front.birthDate,
    sex: front.sex,
    document: { kind: 'cn-resident-id', front, back, frontImageEvidenceId: 1, backImageEvidenceId: 2 },
    ocr: { fields: { name: who.name, idNumber: who.documentNumber.replace(/5$/, '6') }, confidence: { name: 0.9 } },
    customerCorrections: [{ field: 'idNumber', ocrValue: who.documentNumber.replace(/5$/, '6'), confirmedValue: who.documentNumber }],
    automaticCorrections: [],
    checks: [],
    capturedAt,
  };
}
