import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle.ts';

const MINUTE = 60_000;

function throttle(limits = { maxFailuresPerUser: 5, lockoutMs: 15 * MINUTE, freeFailuresPerAddress: 10 }) {
  const clock = { now: 1_000_000 };
  const t = new SignInThrottle(limits, () => clock.now);
  /** One attempt from start to end: the refusal, or what the failure set off. */
  const attempt = (username: string, address: string, succeeded = false) => {
    const refused = t.begin(username, address);
    return refused ? { refused } : { outcome: t.finish(username, address, succeeded) };
  };
  return { t, clock, attempt };
}

describe('SignInThrottle', () => {
  it('locks a username after 5 failures for 15 minutes, the right password included', () => {
    const { clock, attempt } = throttle();
    for (let i = 0; i < 4; i++) expect(attempt('teller1', `10.0.0.${i}`).outcome?.userLockedForMs).toBeNull();
    expect(attempt('teller1', '10.0.0.9').outcome?.userLockedForMs).toBe(15 * MINUTE);
    expect(attempt('teller1', '10.0.0.10', true)).toEqual({ refused: { scope: 'user', retryAfterMs: 15 * MINUTE } });
    // Names differ only in case: the same user.
    expect(attempt('TELLER1', '10.0.0.11').refused?.scope).toBe('user');
    clock.now += 10 * MINUTE;
    expect(attempt('teller1', '10.0.0.12').refused?.retryAfterMs).toBe(5 * MINUTE);
    clock.now += 5 * MINUTE;
    expect(attempt('teller1', '10.0.0.13', true).outcome).toBeDefined();
  });

  it('forgets a username\'s failures after a successful sign-in, and after a quiet lockout period', () => {
    const { clock, attempt } = throttle();
    for (let i = 0; i < 4; i++) attempt('teller1', '10.0.0.1');
    attempt('teller1', '10.0.0.1', true);
    for (let i = 0; i < 4; i++) expect(attempt('teller1', '10.0.0.2').outcome?.userLockedForMs).toBeNull();
    clock.now += 16 * MINUTE;
    for (let i = 0; i < 4; i++) expect(attempt('teller1', '10.0.0.3').outcome?.userLockedForMs).toBeNull();
    expect(attempt('teller1', '10.0.0.3').outcome?.userLockedForMs).toBe(15 * MINUTE);
  });

  it('treats a name nobody has exactly like a real one', () => {
    const { attempt } = throttle();
    for (let i = 0; i < 5; i++) attempt('nobody-has-this-name', '10.0.0.1');
    expect(attempt('nobody-has-this-name', '10.0.0.2').refused?.scope).toBe('user');
  });

  it('makes an address wait twice as long after each failure beyond its free ones', () => {
    const { clock, attempt } = throttle();
    // Different names, so only the address counts.
    for (let i = 0; i < 10; i++) expect(attempt(`user${i}`, '10.0.0.1').outcome?.addressWaitsMs).toBeNull();
    const first = attempt('user10', '10.0.0.1').outcome!;
    expect(first).toMatchObject({ addressWaitsMs: 1000, addressBackOffStarted: true });
    expect(attempt('user11', '10.0.0.1')).toEqual({ refused: { scope: 'address', retryAfterMs: 1000 } });
    // Another address is not affected.
    expect(attempt('user11', '10.0.0.2').outcome).toBeDefined();
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      clock.now += 15 * MINUTE; // just long enough to be let in again, not long enough to be forgotten
      const { outcome } = attempt(`user-b${i}`, '10.0.0.1');
      waits.push(outcome!.addressWaitsMs!);
      expect(outcome!.addressBackOffStarted).toBe(false);
    }
    expect(waits.slice(0, 4)).toEqual([2000, 4000, 8000, 16000]);
    expect(Math.max(...waits)).toBe(15 * MINUTE);
  });

  it('does not reset an address by a successful sign-in, but forgets it after a quiet lockout period', () => {
    const { clock, attempt } = throttle();
    for (let i = 0; i < 11; i++) attempt(`user${i}`, '10.0.0.1');
    clock.now += 1000;
    attempt('teller1', '10.0.0.1', true);
    clock.now += 2000;
    expect(attempt('user-x', '10.0.0.1').outcome?.addressWaitsMs).toBe(2000);
    clock.now += 15 * MINUTE + 5000;
    expect(attempt('user-y', '10.0.0.1').outcome?.addressWaitsMs).toBeNull();
  });

  it('gives a burst of parallel guesses no more tries than one after the other', () => {
    const { t } = throttle();
    const started = Array.from({ length: 8 }, () => t.begin('teller1', '10.0.0.1'));
    expect(started.filter((r) => r === null)).toHaveLength(5);
    expect(started.slice(5)).toEqual([{ scope: 'user', retryAfterMs: 1000 }, { scope: 'user', retryAfterMs: 1000 }, { scope: 'user', retryAfterMs: 1000 }]);
    const outcomes = Array.from({ length: 5 }, () => t.finish('teller1', '10.0.0.1', false));
    expect(outcomes.at(-1)!.userLockedForMs).toBe(15 * MINUTE);
    expect(t.begin('teller1', '10.0.0.1')?.scope).toBe('user');
  });

  it('lets people who sign in successfully do so as often as they like', () => {
    const { attempt } = throttle({ maxFailuresPerUser: 2, lockoutMs: MINUTE, freeFailuresPerAddress: 2 });
    for (let i = 0; i < 100; i++) expect(attempt('teller1', '127.0.0.1', true).outcome).toBeDefined();
  });

  it('keeps a lock when a flood of other names and addresses fills its memory', () => {
    const { attempt } = throttle();
    for (let i = 0; i < 5; i++) attempt('teller1', `10.0.0.${i}`);
    expect(attempt('teller1', '10.0.1.1').refused?.scope).toBe('user');
    // Far more failed names, from far more addresses, than it keeps (10,000).
    for (let i = 0; i < 12_000; i++) attempt(`nobody-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(attempt('teller1', '10.0.1.2', true).refused?.scope).toBe('user');
  });
});

