/**
 * Files kept with a session as evidence (stills of the customer now; ID images and
 * signatures later): stored read-only under DATA_DIR/evidence/<session>/, hashed, and
 * put on the session's timeline.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RequestError, notAllowed, notFound } from '../errors.ts';
import type { SessionService } from '../sessions/session.service.ts';
import type { Repositories, UserRecord } from '../storage/repositories.ts';

const IMAGE_SIGNATURES: Array<{ mimeType: string; extension: string; magic: number[] }> = [
  { mimeType: 'image/png', extension: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mimeType: 'image/jpeg', extension: 'jpg', magic: [0xff, 0xd8, 0xff] },
];

export const MAX_STILL_BYTES = 4 * 1024 * 1024;

export class EvidenceService {
  readonly #dir: string;
  readonly #repos: Repositories;
  readonly #sessions: SessionService;

  constructor(init: { dataDir: string; repos: Repositories; sessions: SessionService }) {
    this.#dir = path.join(init.dataDir, 'evidence');
    this.#repos = init.repos;
    this.#sessions = init.sessions;
  }

  /** A still of the customer, taken by the teller handling the session while it is live. */
  async addStill(sessionId: string, teller: UserRecord, image: Buffer): Promise<{ id: number; sha256: string }> {
    const session = await this.#repos.sessions.get(sessionId);
    if (!session) throw notFound('session');
    if (session.state !== 'active' || session.tellerName !== teller.username) {
      throw notAllowed('only the teller handling this call can take a still, during the call');
    }
    const type = IMAGE_SIGNATURES.find((s) => s.magic.every((byte, i) => image[i] === byte));
    if (!type) throw new RequestError('invalid-data', 'a still must be a PNG or JPEG image');
    const number = (await this.#repos.evidence.countForSession(sessionId, 'still')) + 1;
    const file = path.join(this.#dir, sessionId, `still-${String(number).padStart(3, '0')}.${type.extension}`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, image, { mode: 0o444, flag: 'wx' });
    const sha256 = createHash('sha256').update(image).digest('hex');
    const id = await this.#repos.evidence.add({
      sessionId,
      kind: 'still',
      path: file,
      mimeType: type.mimeType,
      sizeBytes: image.length,
      sha256,
      createdAt: new Date().toISOString(),
      createdBy: teller.username,
    });
    await this.#sessions.recordEvent(sessionId, 'still.taken', { evidenceId: id, sha256, by: teller.username });
    return { id, sha256 };
  }
}
