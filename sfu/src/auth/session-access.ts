/**
 * Who may see or act on a session: the one ownership rule of the HTTP API, used by every
 * route that serves a session's data (details, evidence files, receipts) or adds to it
 * (stills). Route guards check the role first (`requireRole`: 403 for a role that may never
 * do this); this policy then decides per session.
 *
 * - A **teller** sees only the sessions they handle (the session's `tellerName` is their
 *   username), and only they may add to one (a still of the customer).
 * - **Compliance** reads every session, and adds nothing to any (reviewers' decisions are
 *   their own records, not session data).
 * - An **admin** manages users; they see no session and no customer data.
 *
 * A session the user may not see is answered exactly like one that does not exist: 404
 * with the same message. A teller cannot learn from the reply whether another teller's
 * session, evidence file or receipt code exists.
 */
import type { UserRole } from '@vtm/shared';
import { notFound } from '../errors.ts';

/** What the policy needs to know about a user and a session. */
export interface SessionUser {
  username: string;
  role: UserRole;
}
export interface OwnedSession {
  tellerName: string | null;
}

export const SessionAccess = {
  /** The roles that may read some sessions at all: the guard of every session-reading route. */
  readerRoles: ['teller', 'compliance'] as const satisfies readonly UserRole[],

  /** May this user read this session's details, evidence files and receipt? */
  canRead(user: SessionUser, session: OwnedSession): boolean {
    switch (user.role) {
      case 'compliance':
        return true;
      case 'teller':
        return session.tellerName !== null && session.tellerName === user.username;
      case 'admin':
        return false;
    }
  },

  /** May this user act in this session as its teller (e.g. store a still of the customer)? */
  canHandle(user: SessionUser, session: OwnedSession): boolean {
    return user.role === 'teller' && session.tellerName !== null && session.tellerName === user.username;
  },

  /**
   * The session, when it exists and the user may read it; otherwise a 404 `<what> not
   * found`, the same for both, so the reply does not reveal whether it exists.
   */
  readable<S extends OwnedSession>(user: SessionUser, session: S | undefined, what = 'session'): S {
    if (!session || !SessionAccess.canRead(user, session)) throw notFound(what);
    return session;
  },

  /** The session, when it exists and the user handles it; otherwise the same 404. */
  handled<S extends OwnedSession>(user: SessionUser, session: S | undefined, what = 'session'): S {
    if (!session || !SessionAccess.canHandle(user, session)) throw notFound(what);
    return session;
  },
};
