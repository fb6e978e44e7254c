import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GraceTimers } from './grace-timers.ts';

describe('GraceTimers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives up on a party whose grace runs out', async () => {
    const grace = new GraceTimers(() => {});
    const expire = vi.fn(async () => {});
    grace.start('s1', 'kiosk', 30_000, expire);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(expire).not.toHaveBeenCalled();
    expect(grace.running('s1', 'kiosk')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(expire).toHaveBeenCalledTimes(1);
    expect(grace.running('s1', 'kiosk')).toBe(false);
  });

  it('does nothing for a party that rejoined, and says how long it was away', async () => {
    const grace = new GraceTimers(() => {});
    const expire = vi.fn(async () => {});
    grace.start('s1', 'teller', 2000, expire);
    await vi.advanceTimersByTimeAsync(1500);
    expect(grace.cancel('s1', 'teller')).toBe(1500);
    expect(grace.cancel('s1', 'teller')).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(expire).not.toHaveBeenCalled();
  });

  it('keeps parties and sessions apart, restarts a repeated drop, and reports failures', async () => {
    const errors: unknown[] = [];
    const grace = new GraceTimers((error) => errors.push(error));
    const kiosk = vi.fn(async () => {});
    const teller = vi.fn(async () => {
      throw new Error('could not requeue');
    });
    grace.start('s1', 'kiosk', 1000, kiosk);
    grace.start('s1', 'teller', 1000, teller);
    await vi.advanceTimersByTimeAsync(600);
    grace.start('s1', 'kiosk', 1000, kiosk); // dropped again: a fresh grace
    await vi.advanceTimersByTimeAsync(500);
    expect(teller).toHaveBeenCalledTimes(1);
    expect(kiosk).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(kiosk).toHaveBeenCalledTimes(1);
    grace.start('s2', 'kiosk', 1000, kiosk);
    grace.cancelAll();
    await vi.advanceTimersByTimeAsync(2000);
    expect(kiosk).toHaveBeenCalledTimes(1);
  });
});
