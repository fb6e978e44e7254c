/**
 * Who is signed in: users with roles, sign-in with a password, and the opaque session
 * token carried in an httpOnly cookie. Only the token's hash is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditAction, CreateUserRequest, UserRole, UserView } from '@vtm/shared';
import type { AuditLog } from '../audit/audit-log.ts';
import { SYSTEM_ACTOR, userActor, type Actor } from '../audit/audit-entry.ts';
import { RequestError, TooManyRequestsError } from '../errors.ts';
import type { Repositories, UserRecord } from '../storage/repositories.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

export const SESSION_COOKIE = 'vtm_session';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The users a new installation starts with, one per role (two tellers). */
export const SEED_USERS: Array<{ username: string; displayName: string; role: UserRole }> = [
  { username: 'teller1', displayName: 'Teller 1', role: 'teller' },
  { username: 'teller2', displayName: 'Teller 2', role: 'teller' },
  { username: 'compliance1', displayName: 'Compliance 1', role: 'compliance' },
  { username: 'admin1', displayName: 'Admin 1', role: 'admin' },
];

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt,
  };
}

/** Why a sign-in was refused: for the audit trail only, never for the person signing in. */
type SignInRefusal = 'unknown-user' | 'wrong-password' | 'disabled';

export class AuthService {
  readonly #repos: Repositories;
  readonly #audit: AuditLog;
  readonly #throttle: SignInThrottle;

  /** `throttle` limits failed sign-ins per username and per client address (see sign-in-throttle.ts). */
  constructor(repos: Repositories, audit: AuditLog, throttle = new SignInThrottle()) {
    this.#repos = repos;
    this.#audit = audit;
    this.#throttle = throttle;
  }

  /**
   * On an empty database, creates the seed users with SEED_PASSWORD, or with a random
   * password that is returned so it can be shown once.
   */
  async seedIfEmpty(seedPassword: string | undefined): Promise<{ password: string; generated: boolean } | null> {
    if ((await this.#repos.users.count()) > 0) return null;
    const password = seedPassword ?? randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password);
    const createdAt = new Date().toISOString();
    for (const user of SEED_USERS) {
      await this.#repos.users.create({ ...user, passwordHash, createdAt });
      await this.#auditUser(SYSTEM_ACTOR, 'user.created', user.username, { role: user.role, seeded: true });
    }
    return { password, generated: seedPassword === undefined };
  }

  /**
   * `from` (the client's address) goes into the audit trail with the attempt; the password
   * never does. Too many failures for the name or from the address: TooManyRequestsError,
   * before the password is even looked at.
   */
  async signIn(username: string, password: string, from: { ip?: string | undefined } = {}): Promise<{ token: string; user: UserRecord } | null> {
    const address = from.ip ?? 'unknown';
    const throttled = this.#throttle.begin(username, address);
    if (throttled) {
      const seconds = Math.max(1, Math.ceil(throttled.retryAfterMs / 1000));
      throw new TooManyRequestsError(`too many failed sign-ins; try again in ${seconds} s`, seconds);
    }
    let user: UserRecord | undefined;
    let refusal: SignInRefusal | null;
    try {
      user = await this.#repos.users.byUsername(username);
      // Verify against a dummy hash for unknown users so timing does not reveal who exists.
      const valid = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      refusal = !user ? 'unknown-user' : !valid ? 'wrong-password' : user.disabledAt ? 'disabled' : null;
    } catch (error) {
      // The server failed, not the person signing in: neither a failure nor a success.
      this.#throttle.cancel(username, address);
      throw error;
    }
    const outcome = this.#throttle.finish(username, address, refusal === null);
    if (refusal) {
      // A name that matches no user is not kept: people type their password there by
      // mistake, and the trail is kept for ever.
      const name = user?.username ?? '(unknown)';
      const ip = from.ip ?? null;
      await this.#auditUser(SYSTEM_ACTOR, 'auth.sign-in-failed', name, { reason: refusal, ip });
      if (outcome.userLockedForMs !== null) {
        await this.#auditUser(SYSTEM_ACTOR, 'auth.locked-out', name, { scope: 'user', ip, seconds: outcome.userLockedForMs / 1000 });
      }
      if (outcome.addressBackOffStarted) {
        const details = { scope: 'address', ip, seconds: outcome.addressWaitsMs! / 1000 };
        await this.#audit.record({ actor: SYSTEM_ACTOR, action: 'auth.locked-out', subject: `address:${address}`, details });
      }
    }
    if (!user || refusal) return null;
    await this.#auditUser(userActor(user.username), 'auth.signed-in', user.username, { ip: from.ip ?? null });
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.#repos.authSessions.create({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + SESSION_TTL_MS).toISOString(),
    });
    return { token, user };
  }

  async signOut(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    const user = await this.#repos.authSessions.userFor(tokenHash, new Date().toISOString());
    await this.#repos.authSessions.delete(tokenHash);
    if (user) await this.#auditUser(userActor(user.username), 'auth.signed-out', user.username);
  }

  /** The user a session token belongs to, extending the session while it is used. */
  async userForToken(token: string | undefined): Promise<UserRecord | undefined> {
    if (!token) return undefined;
    const tokenHash = hashToken(token);
    const now = Date.now();
    const user = await this.#repos.authSessions.userFor(tokenHash, new Date(now).toISOString());
    if (user) await this.#repos.authSessions.extend(tokenHash, new Date(now + SESSION_TTL_MS).toISOString());
    return user;
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.#repos.users.list()).map(toUserView);
  }

  async createUser(request: CreateUserRequest, by: UserRecord): Promise<UserView> {
    if (await this.#repos.users.byUsername(request.username)) {
      throw new RequestError('conflict', `user "${request.username}" already exists`);
    }
    const id = await this.#repos.users.create({
      username: request.username,
      displayName: request.displayName,
      role: request.role,
      passwordHash: await hashPassword(request.password),
      createdAt: new Date().toISOString(),
    });
    await this.#auditUser(userActor(by.username), 'user.created', request.username, { role: request.role });
    return toUserView((await this.#repos.users.byId(id))!);
  }

  /** Disabling a user also ends every sign-in session they have. */
  async setDisabled(id: number, disabled: boolean, by: UserRecord): Promise<UserView> {
    if (!(await this.#repos.users.setDisabled(id, disabled ? new Date().toISOString() : null))) {
      throw new RequestError('not-found', 'user not found');
    }
    if (disabled) await this.#repos.authSessions.deleteForUser(id);
    const user = (await this.#repos.users.byId(id))!;
    await this.#auditUser(userActor(by.username), disabled ? 'user.disabled' : 'user.enabled', user.username);
    return toUserView(user);
  }

  #auditUser(actor: Actor, action: AuditAction, username: string, details: Record<string, unknown> = {}) {
    return this.#audit.record({ actor, action, subject: `user:${username}`, details });
  }
}
