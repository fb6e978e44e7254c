/**
 * Files kept with a session as evidence: stills of the customer, ID images, handwriting
 * and signatures. Each is checked to be what it claims, stored read-only and encrypted
 * (storage/stored-file.ts) under DATA_DIR/evidence/<session>/, hashed as stored, and put
 * on the session's timeline.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { Strokes, type KioskUploadKind } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR, kioskActor, userActor, type Actor } from '../audit/audit-entry.ts';
import { SessionAccess } from '../auth/session-access.ts';
import { RequestError, notAllowed, notFound } from '../errors.ts';
import type { SessionService } from '../sessions/session.service.ts';
import type { EvidenceFileRecord, Repositories, UserRecord } from '../storage/repositories.ts';
import { storedFileName, writeStoredFile } from '../storage/stored-file.ts';

type Format = 'png' | 'jpeg' | 'svg' | 'strokes';

const FORMATS: Record<Format, { mimeType: string; extension: string; accepts: (bytes: Buffer) => boolean }> = {
  png: { mimeType: 'image/png', extension: 'png', accepts: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg', accepts: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  svg: { mimeType: 'image/svg+xml', extension: 'svg', accepts: (b) => isSvgWithoutScript(b.toString('utf8')) },
  strokes: { mimeType: 'application/json', extension: 'json', accepts: (b) => isStrokes(b.toString('utf8')) },
};

/** The formats each kind of upload may have. */
const KIOSK_UPLOAD_FORMATS: Record<KioskUploadKind, Format[]> = {
  'id-front': ['jpeg', 'png'],
  'id-back': ['jpeg', 'png'],
  'passport-page': ['jpeg', 'png'],
  'acknowledgement-image': ['png'],
  'acknowledgement-strokes': ['strokes'],
  'signature-image': ['png'],
  'signature-svg': ['svg'],
  'signature-strokes': ['strokes'],
};

export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

/** An SVG document that cannot run anything when a reviewer opens it. */
function isSvgWithoutScript(text: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text) && !/<script|on\w+\s*=|javascript:|<foreignObject/i.test(text);
}

function isStrokes(text: string): boolean {
  try {
    return Strokes.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** Who stored a file: as the evidence table names them, and as the audit trail does. */
interface StoredBy {
  createdBy: string;
  actor: Actor;
}

export const hashUploadToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class EvidenceService {
  readonly #dataDir: string;
  readonly #dir: string;
  readonly #repos: Repositories;
  readonly #audit: AuditLog;
  readonly #sessions: SessionService;

  constructor(init: { dataDir: string; repos: Repositories; audit: AuditLog; sessions: SessionService }) {
    this.#dataDir = init.dataDir;
    this.#dir = path.join(init.dataDir, 'evidence');
    this.#repos = init.repos;
    this.#audit = init.audit;
    this.#sessions = init.sessions;
  }

  /**
   * A still of the customer, taken by the teller handling the session while it is live.
   * Another teller's session answers 404 like a missing one (SessionAccess).
   */
  async addStill(sessionId: string, teller: UserRecord, image: Buffer): Promise<{ id: number; sha256: string }> {
    const session = SessionAccess.handled(teller, await this.#repos.sessions.get(sessionId));
    if (session.state !== 'active') throw notAllowed('a still can be taken only during the call');
    const actor = userActor(teller.username);
    const stored = await this.#store(sessionId, 'still', ['png', 'jpeg'], image, { createdBy: teller.username, actor });
    await this.#sessions.recordEvent(sessionId, 'still.taken', { evidenceId: stored.id, sha256: stored.sha256, by: teller.username }, { actor });
    return { id: stored.id, sha256: stored.sha256 };
  }

  /** Evidence from the kiosk that opened the session, proven by its upload token. */
  async addKioskUpload(sessionId: string, token: string | undefined, kind: KioskUploadKind, body: Buffer): Promise<EvidenceFileRecord> {
    const session = await this.#repos.sessions.get(sessionId);
    if (!session) throw notFound('session');
    const expected = await this.#repos.sessions.kioskTokenHash(sessionId);
    if (!token || !expected || !timingSafeEqual(Buffer.from(hashUploadToken(token)), Buffer.from(expected))) {
      throw new RequestError('unauthenticated', 'this kiosk may not upload to this session');
    }
    if (session.state === 'ended') throw notAllowed('the session has ended');
    const actor = kioskActor(session.kioskName);
    const stored = await this.#store(sessionId, kind, KIOSK_UPLOAD_FORMATS[kind], body, { createdBy: actor, actor });
    await this.#sessions.recordEvent(sessionId, 'evidence.uploaded', { evidenceId: stored.id, kind, sha256: stored.sha256 }, { actor });
    return stored;
  }

  /** An evidence file of this session and kind, or a refusal. */
  async require(sessionId: string, evidenceId: number, kind: string): Promise<EvidenceFileRecord> {
    const file = await this.#repos.evidence.get(evidenceId);
    if (!file || file.sessionId !== sessionId || file.kind !== kind) throw new RequestError('invalid-data', `no ${kind} with id ${evidenceId} in this session`);
    return file;
  }

  /**
   * A file for a user entitled to see it (SessionAccess: the session's teller, or
   * compliance; for anyone else 404 like a missing file); each view is audited.
   */
  async fileFor(sessionId: string, evidenceId: number, user: UserRecord): Promise<EvidenceFileRecord> {
    SessionAccess.readable(user, await this.#repos.sessions.get(sessionId), 'evidence');
    const file = await this.#repos.evidence.get(evidenceId);
    if (!file || file.sessionId !== sessionId) throw notFound('evidence');
    await this.#audit.record({
      actor: userActor(user.username),
      action: 'evidence.viewed',
      sessionId,
      subject: `evidence:${file.id}`,
      details: { kind: file.kind },
    });
    return file;
  }

  /** Stores generated evidence (e.g. the receipt PDF). */
  async addGenerated(sessionId: string, kind: string, bytes: Buffer, mimeType: string, extension: string): Promise<EvidenceFileRecord> {
    return this.#write(sessionId, kind, bytes, { mimeType, extension }, { createdBy: 'server', actor: SYSTEM_ACTOR });
  }

  async #store(sessionId: string, kind: string, formats: Format[], bytes: Buffer, by: StoredBy): Promise<EvidenceFileRecord> {
    const format = formats.map((f) => FORMATS[f]).find((f) => f.accepts(bytes));
    if (!format) throw new RequestError('invalid-data', `a ${kind} must be ${formats.join(' or ')}`);
    return this.#write(sessionId, kind, bytes, format, by);
  }

  async #write(
    sessionId: string,
    kind: string,
    bytes: Buffer,
    format: { mimeType: string; extension: string },
    by: StoredBy,
  ): Promise<EvidenceFileRecord> {
    const number = (await this.#repos.evidence.countForSession(sessionId, kind)) + 1;
    const file = path.join(this.#dir, sessionId, `${kind}-${String(number).padStart(3, '0')}.${format.extension}`);
    // Encrypted at rest; the size and hash kept are the stored (encrypted) bytes', as the trail's.
    const stored = await writeStoredFile(this.#dataDir, storedFileName(this.#dataDir, file), bytes);
    const record = {
      sessionId,
      kind,
      path: file,
      mimeType: format.mimeType,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      createdAt: new Date().toISOString(),
      createdBy: by.createdBy,
    };
    const id = await this.#repos.evidence.add(record);
    await this.#audit.record({
      actor: by.actor,
      action: 'evidence.stored',
      sessionId,
      subject: `evidence:${id}`,
      details: { kind, mimeType: record.mimeType, sizeBytes: record.sizeBytes },
      file: { path: file, sha256: record.sha256 },
    });
    return { id, ...record };
  }
}
