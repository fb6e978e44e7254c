import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GiveUp, IceRecovery, reconnectDelay, retryUntil } from './reconnection.ts';

describe('IceRecovery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets a disconnected transport recover by itself within the grace period', async () => {
    const restart = vi.fn(async () => {});
    const ice = new IceRecovery({ restart, disconnectedGraceMs: 1500 });
    ice.onState('connected');
    ice.onState('disconnected');
    await vi.advanceTimersByTimeAsync(1000);
    ice.onState('connected');
    await vi.advanceTimersByTimeAsync(5000);
    expect(restart).not.toHaveBeenCalled();
  });

  it('restarts ICE after the grace period and again every retry interval while it stays down', async () => {
    const restart = vi.fn(async () => {});
    const ice = new IceRecovery({ restart, disconnectedGraceMs: 1500, retryMs: 3000 });
    ice.onState('connected');
    ice.onState('disconnected');
    await vi.advanceTimersByTimeAsync(1600);
    expect(restart).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(restart).toHaveBeenCalledTimes(2);
    ice.onState('connected');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(restart).toHaveBeenCalledTimes(2);
    expect(ice.attempts).toBe(0);
    expect(ice.restarts).toBe(2);
  });

  it('restarts at once when the transport fails, and keeps trying when a restart throws', async () => {
    const restart = vi.fn(async () => {
      throw new Error('signaling down');
    });
    const ice = new IceRecovery({ restart, retryMs: 1000 });
    ice.onState('failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(restart).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(restart).toHaveBeenCalledTimes(2);
    ice.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(restart).toHaveBeenCalledTimes(2);
  });

  it('does not start a second restart while one is under way', async () => {
    let finish: () => void = () => {};
    const restart = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const ice = new IceRecovery({ restart, disconnectedGraceMs: 100, retryMs: 100 });
    ice.onState('disconnected');
    await vi.advanceTimersByTimeAsync(150);
    ice.onState('failed');
    await vi.advanceTimersByTimeAsync(500);
    expect(restart).toHaveBeenCalledTimes(1);
    ice.onState('connected');
    finish();
    await vi.advanceTimersByTimeAsync(500);
    expect(restart).toHaveBeenCalledTimes(1);
  });
});

describe('reconnection pauses', () => {
  it('tries at once, then waits longer each time up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => reconnectDelay(n))).toEqual([0, 250, 500, 1000, 2000, 2000, 2000]);
  });

  it('retries until an attempt succeeds', async () => {
    const slept: number[] = [];
    let calls = 0;
    const result = await retryUntil(
      async (n) => {
        calls++;
        if (n < 3) throw new Error('not yet');
        return 'rejoined';
      },
      { deadlineMs: 10_000, sleep: async (ms) => void slept.push(ms) },
    );
    expect(result).toBe('rejoined');
    expect(calls).toBe(4);
    expect(slept).toEqual([250, 500, 1000]);
  });

  it('stops at once on GiveUp and after the deadline', async () => {
    await expect(retryUntil(async () => Promise.reject(new GiveUp('session ended')), { deadlineMs: 10_000, sleep: async () => {} })).rejects.toThrow(
      'session ended',
    );
    let clock = 0;
    await expect(
      retryUntil(async () => Promise.reject(new Error('unreachable')), {
        deadlineMs: 5000,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      }),
    ).rejects.toThrow('unreachable');
    expect(clock).toBeGreaterThanOrEqual(5000);
  });
});
