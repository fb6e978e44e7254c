/**
 * Kiosk enrollment. An admin registers a kiosk (name, location) and is shown a one-time
 * enrollment code; staff type it on the kiosk, which redeems it (once, within
 * ENROLLMENT_CODE_TTL_MS) for a long random credential it keeps and gives with every
 * signaling connection. Only SHA-256 hashes of codes and credentials are stored. Revoking
 * a kiosk makes its credential worthless and tells the listeners (signaling, sessions),
 * which cut it off at once.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  ENROLLMENT_CODE_ALPHABET,
  ENROLLMENT_CODE_LENGTH,
  type EnrolledKiosk,
  type KioskView,
  type RegisteredKiosk,
  type RegisterKioskRequest,
} from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR, userActor } from '../audit/audit-entry.ts';
import { SignInThrottle } from '../auth/sign-in-throttle.ts';
import { RequestError, TooManyRequestsError, notFound } from '../errors.ts';
import type { KioskRecord, Repositories, UserRecord } from '../storage/repositories.ts';

export const ENROLLMENT_CODE_TTL_MS = 24 * 60 * 60_000;

/**
 * Wrong codes from one address: the first 5 are free, then each makes it wait (1 s, 2 s,
 * ...); 10 in a row lock it out for 15 minutes. Keyed by address alone, so nobody can
 * lock enrollment for everyone.
 */
export const ENROLLMENT_LIMITS = { maxFailuresPerUser: 10, lockoutMs: 15 * 60_000, freeFailuresPerAddress: 5 };

export const hashKioskSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export function newEnrollmentCode(): string {
  let code = '';
  for (let i = 0; i < ENROLLMENT_CODE_LENGTH; i++) code += ENROLLMENT_CODE_ALPHABET[randomInt(ENROLLMENT_CODE_ALPHABET.length)];
  return code;
}

export function toKioskView(k: KioskRecord): KioskView {
  return {
    id: k.id,
    name: k.name,
    location: k.location,
    status: k.revokedAt ? 'revoked' : k.enrolledAt ? 'enrolled' : 'pending',
    createdAt: k.createdAt,
    createdBy: k.createdBy,
    enrollmentExpiresAt: k.revokedAt || k.enrolledAt ? null : k.enrollmentExpiresAt,
    enrolledAt: k.enrolledAt,
    revokedAt: k.revokedAt,
  };
}

export type KioskRevokedListener = (kiosk: KioskRecord) => Promise<void> | void;

export class KioskService {
  readonly #repos: Repositories;
  readonly #audit: AuditLog;
  readonly #throttle: SignInThrottle;
  readonly #now: () => number;
  readonly #revokedListeners: KioskRevokedListener[] = [];

  constructor(deps: { repos: Repositories; audit: AuditLog; throttle?: SignInThrottle; now?: () => number }) {
    this.#repos = deps.repos;
    this.#audit = deps.audit;
    this.#now = deps.now ?? Date.now;
    this.#throttle = deps.throttle ?? new SignInThrottle(ENROLLMENT_LIMITS, this.#now);
  }

  /** Called (awaited, in order) after a kiosk is revoked. */
  onRevoked(listener: KioskRevokedListener): void {
    this.#revokedListeners.push(listener);
  }

  async register(request: RegisterKioskRequest, admin: UserRecord): Promise<RegisteredKiosk> {
    const enrollmentCode = newEnrollmentCode();
    const now = this.#now();
    const id = await this.#repos.kiosks.create({
      name: request.name,
      location: request.location,
      createdAt: new Date(now).toISOString(),
      createdBy: admin.username,
      enrollmentCodeHash: hashKioskSecret(enrollmentCode),
      enrollmentExpiresAt: new Date(now + ENROLLMENT_CODE_TTL_MS).toISOString(),
    });
    if (id === undefined) throw new RequestError('conflict', 'a kiosk with this name exists');
    await this.#audit.record({
      actor: userActor(admin.username),
      action: 'kiosk.registered',
      subject: `kiosk:${request.name}`,
      details: { kioskId: id, location: request.location },
    });
    return { kiosk: toKioskView((await this.#repos.kiosks.byId(id))!), enrollmentCode };
  }

  async list(): Promise<KioskView[]> {
    return (await this.#repos.kiosks.list()).map(toKioskView);
  }

  /**
   * Redeems an enrollment code for the kiosk's credential. Wrong, used and expired codes
   * are all refused alike (401), and count against the caller's address.
   */
  async enroll(code: string, from: { ip?: string | undefined } = {}): Promise<EnrolledKiosk> {
    const address = from.ip ?? 'unknown';
    const throttled = this.#throttle.begin(address, address);
    if (throttled) {
      const seconds = Math.max(1, Math.ceil(throttled.retryAfterMs / 1000));
      throw new TooManyRequestsError(`too many wrong enrollment codes; try again in ${seconds} s`, seconds);
    }
    let enrolled: EnrolledKiosk | null = null;
    let reason = 'unknown-code';
    try {
      const codeHash = hashKioskSecret(code);
      const kiosk = code ? await this.#repos.kiosks.byEnrollmentCodeHash(codeHash) : undefined;
      const now = new Date(this.#now()).toISOString();
      if (kiosk?.revokedAt) reason = 'revoked';
      else if (kiosk && (kiosk.enrollmentExpiresAt ?? '') <= now) reason = 'expired';
      else if (kiosk) {
        const credential = randomBytes(32).toString('base64url');
        if (await this.#repos.kiosks.enroll(kiosk.id, codeHash, hashKioskSecret(credential), now)) {
          enrolled = { kioskId: kiosk.id, name: kiosk.name, location: kiosk.location, credential };
        } else reason = 'already-used';
      }
    } catch (error) {
      this.#throttle.cancel(address, address);
      throw error;
    }
    this.#throttle.finish(address, address, enrolled !== null);
    if (!enrolled) {
      await this.#audit.record({ actor: SYSTEM_ACTOR, action: 'kiosk.enrollment-failed', subject: `address:${address}`, details: { reason } });
      throw new RequestError('unauthenticated', 'this enrollment code is not valid (wrong, used or expired)');
    }
    await this.#audit.record({
      actor: `kiosk:${enrolled.name}`,
      action: 'kiosk.enrolled',
      subject: `kiosk:${enrolled.name}`,
      details: { kioskId: enrolled.kioskId, ip: from.ip ?? null },
    });
    return enrolled;
  }

  /** The enrolled, unrevoked kiosk this credential belongs to. */
  async authenticate(credential: string | undefined): Promise<KioskRecord | undefined> {
    if (!credential) return undefined;
    const kiosk = await this.#repos.kiosks.byCredentialHash(hashKioskSecret(credential));
    return kiosk && kiosk.enrolledAt && !kiosk.revokedAt ? kiosk : undefined;
  }

  /** Revokes the kiosk: its credential stops working, its connections close and its session ends. */
  async revoke(kioskId: number, admin: UserRecord): Promise<KioskView> {
    const kiosk = await this.#repos.kiosks.byId(kioskId);
    if (!kiosk) throw notFound('kiosk');
    if (!(await this.#repos.kiosks.revoke(kioskId, new Date(this.#now()).toISOString()))) {
      throw new RequestError('conflict', 'this kiosk is already revoked');
    }
    await this.#audit.record({ actor: userActor(admin.username), action: 'kiosk.revoked', subject: `kiosk:${kiosk.name}`, details: { kioskId } });
    const revoked = (await this.#repos.kiosks.byId(kioskId))!;
    for (const listener of this.#revokedListeners) await listener(revoked);
    return toKioskView(revoked);
  }
}
