import { describe, expect, it } from 'vitest';
import { RequestError } from '../errors.ts';
import { SessionAccess } from './session-access.ts';

const teller1 = { username: 'teller1', role: 'teller' } as const;
const teller2 = { username: 'teller2', role: 'teller' } as const;
const compliance = { username: 'compliance1', role: 'compliance' } as const;
const admin = { username: 'admin1', role: 'admin' } as const;

const handledByTeller1 = { tellerName: 'teller1' };
const waiting = { tellerName: null };

function refusal(run: () => unknown): { code: string; message: string } | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('SessionAccess', () => {
  it('lets a teller read only the sessions they handle', () => {
    expect(SessionAccess.canRead(teller1, handledByTeller1)).toBe(true);
    expect(SessionAccess.canRead(teller2, handledByTeller1)).toBe(false);
    expect(SessionAccess.canRead(teller1, waiting)).toBe(false);
  });

  it('lets compliance read every session but act in none', () => {
    expect(SessionAccess.canRead(compliance, handledByTeller1)).toBe(true);
    expect(SessionAccess.canRead(compliance, waiting)).toBe(true);
    expect(SessionAccess.canHandle(compliance, handledByTeller1)).toBe(false);
  });

  it('shows admins no session', () => {
    expect(SessionAccess.canRead(admin, handledByTeller1)).toBe(false);
    expect(SessionAccess.canHandle(admin, handledByTeller1)).toBe(false);
    expect(SessionAccess.readerRoles).not.toContain('admin');
  });

  it('lets only the session\'s own teller act in it', () => {
    expect(SessionAccess.canHandle(teller1, handledByTeller1)).toBe(true);
    expect(SessionAccess.canHandle(teller2, handledByTeller1)).toBe(false);
    expect(SessionAccess.canHandle(teller1, waiting)).toBe(false);
  });

  it('answers a session the user may not see exactly like one that does not exist', () => {
    const missing = refusal(() => SessionAccess.readable(teller2, undefined, 'evidence'));
    const foreign = refusal(() => SessionAccess.readable(teller2, handledByTeller1, 'evidence'));
    expect(missing).toEqual({ code: 'not-found', message: 'evidence not found' });
    expect(foreign).toEqual(missing);
    expect(refusal(() => SessionAccess.handled(compliance, handledByTeller1))).toEqual({ code: 'not-found', message: 'session not found' });
    expect(SessionAccess.readable(teller1, handledByTeller1)).toBe(handledByTeller1);
    expect(SessionAccess.handled(teller1, handledByTeller1)).toBe(handledByTeller1);
  });
});
