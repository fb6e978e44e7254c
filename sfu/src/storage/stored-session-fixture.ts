/**
 * An ended session with real files under a temporary data folder, for the export's and
 * retention's tests: a sealed recording segment (and a recorder's leftover SDP), each
 * party's playable copy, the evidence of a completed sale, and the audit entries that
 * stored them, made as the server makes them. Its timeline carries the free text that
 * retention must redact.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR } from '../audit/audit-entry.ts';
import { auditSealedRecording } from '../recording/seal-recording.ts';
import { auditPlayableCopy } from '../review/finalisation.service.ts';
import { FIXTURE_EVIDENCE } from '../review/export/export-fixtures.ts';
import { seedSession, type SeededSession } from '../review/review-seed.ts';
import type { Repositories } from './repositories.ts';
import { dataFolderOf, writeStoredFile } from './stored-file.ts';

export const STORED_CUSTOMER = { name: '欧阳明华', documentNumber: '11010519491231002X' };

/** Free text on the timeline that could name the customer. */
export const PERSONAL_TEXT = {
  identityNote: 'ID photo matches 欧阳明华',
  outcomeNote: 'Customer 欧阳明华 bought the product',
  recognisedText: '本人已阅读风险揭示，愿意承担投资风险',
};

export interface StoredSession {
  sessionId: string;
  /** Every stored file, relative to the data folder (as the trail names them). */
  files: string[];
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/svg+xml': 'svg', 'application/json': 'json', 'application/pdf': 'pdf' };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes a read-only file as the server stores one: encrypted when the data folder has
 * keys set up (useDataKeys), else as a data folder from before encryption holds it.
 * Returns its absolute path and its size and hash as stored.
 */
async function store(dataDir: string, relative: string, bytes: Buffer): Promise<{ file: string; sizeBytes: number; sha256: string }> {
  const file = path.join(dataDir, relative);
  if (encrypting(dataDir)) return { file, ...(await writeStoredFile(dataDir, relative, bytes)) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes, { mode: 0o444 });
  return { file, sizeBytes: bytes.length, sha256: sha256(bytes) };
}

function encrypting(dataDir: string): boolean {
  try {
    return dataFolderOf(path.join(dataDir, 'x')) === path.resolve(dataDir);
  } catch {
    return false;
  }
}

/** The fixture's files' content, as the export gives them back (decrypted). */
export const STORED_RECORDING_BYTES = (sessionId: string) => Buffer.from(`matroska: the whole call of ${sessionId}\n`.repeat(200));

export async function seedStoredSession(repos: Repositories, audit: AuditLog, spec: Partial<SeededSession> = {}): Promise<StoredSession> {
  const sessionId = await seedSession(repos, {
    createdAt: '2019-03-02T02:00:00.000Z',
    quality: 'passed',
    outcome: 'completed',
    riskLevel: 'C3',
    product: 'WM-R3-365D',
    customer: STORED_CUSTOMER,
    ...spec,
  });
  const session = (await repos.sessions.get(sessionId))!;
  const files = [
    await storeRecording(repos, audit, sessionId, session.createdAt),
    ...(await storePlayable(repos, audit, sessionId)),
    ...(await storeEvidence(repos, audit, sessionId)),
  ];
  // The recorder's SDP is no personal data: plaintext.
  fs.writeFileSync(path.join(audit.dataDir, `recordings/${sessionId}/segment-001.sdp`), Buffer.from('v=0\n'), { mode: 0o444 });
  await recordTimeline(repos, sessionId, session.createdAt);
  return { sessionId, files };
}

async function storeRecording(repos: Repositories, audit: AuditLog, sessionId: string, at: string): Promise<string> {
  const relative = `recordings/${sessionId}/segment-001.mkv`;
  const { file, sizeBytes, sha256: stored } = await store(audit.dataDir, relative, STORED_RECORDING_BYTES(sessionId));
  const id = await repos.recordings.start({ sessionId, segment: 1, path: file, startedAt: at });
  const sealed = { sizeBytes, durationMs: 60_000, streams: [], sha256: stored };
  await repos.recordings.finish(id, { state: 'sealed', endedAt: at, ...sealed });
  await auditSealedRecording(audit, { id, sessionId, segment: 1, path: file }, 'sealed', sealed);
  return relative;
}

async function storePlayable(repos: Repositories, audit: AuditLog, sessionId: string): Promise<string[]> {
  const recordingId = (await repos.recordings.listForSession(sessionId))[0]!.id;
  const stored: string[] = [];
  for (const party of ['kiosk', 'teller'] as const) {
    const relative = `playback/${sessionId}/segment-001-${party}.webm`;
    const bytes = Buffer.from(`webm: the ${party} side\n`.repeat(100));
    const { file, sizeBytes, sha256: storedSha256 } = await store(audit.dataDir, relative, bytes);
    const media = { sessionId, recordingId, segment: 1, party, path: file, mimeType: 'video/webm; codecs="vp8, opus"', startOffsetMs: 0, durationMs: 60_000, sizeBytes, sha256: storedSha256, createdAt: new Date().toISOString() };
    await auditPlayableCopy(audit, { ...media, id: await repos.review.addPlayableMedia(media) });
    stored.push(relative);
  }
  return stored;
}

async function storeEvidence(repos: Repositories, audit: AuditLog, sessionId: string): Promise<string[]> {
  const stored: string[] = [];
  for (const evidence of FIXTURE_EVIDENCE) {
    const relative = `evidence/${sessionId}/${evidence.kind}-001.${EXTENSIONS[evidence.mimeType]}`;
    const { file, sizeBytes, sha256: storedSha256 } = await store(audit.dataDir, relative, evidence.bytes);
    const record = { sessionId, kind: evidence.kind, path: file, mimeType: evidence.mimeType, sizeBytes, sha256: storedSha256, createdAt: new Date().toISOString(), createdBy: 'kiosk:VTM-1' };
    const id = await repos.evidence.add(record);
    await audit.record({
      actor: SYSTEM_ACTOR,
      action: 'evidence.stored',
      sessionId,
      subject: `evidence:${id}`,
      details: { kind: evidence.kind, mimeType: evidence.mimeType, sizeBytes: record.sizeBytes },
      file: { path: file, sha256: record.sha256 },
    });
    stored.push(relative);
  }
  return stored;
}

async function recordTimeline(repos: Repositories, sessionId: string, at: string): Promise<void> {
  const events: Array<[string, unknown]> = [
    ['identity.captured', { documentKind: 'cn-resident-id', correctedByCustomer: ['address'], correctedAutomatically: [], checks: { pass: 9, fail: 0 } }],
    ['identity.verified', { faceMatchesDocument: true, documentAppearsGenuine: true, documentValid: true, verified: true, note: PERSONAL_TEXT.identityNote, teller: 'teller1' }],
    ['acknowledgement.submitted', { recognisedText: PERSONAL_TEXT.recognisedText, matchScore: 1, imageEvidenceId: 4 }],
    ['session.outcome', { outcome: 'completed', note: PERSONAL_TEXT.outcomeNote, teller: 'teller1' }],
  ];
  for (const [type, payload] of events) await repos.events.append({ sessionId, type, at, offsetMs: 1000, payload });
  await repos.assessments.recordOutcome(sessionId, 'completed', PERSONAL_TEXT.outcomeNote);
}
