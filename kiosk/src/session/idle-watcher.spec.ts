import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatcher } from './idle-watcher.ts';

describe('IdleWatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function watcher() {
    const countdown: number[] = [];
    const expired = vi.fn();
    const w = new IdleWatcher({ idleMs: 10_000, countdownMs: 3_000, onCountdown: (s) => countdown.push(s), onExpired: expired });
    return { w, countdown, expired };
  }

  it('counts down after the idle time and then expires', () => {
    const { w, countdown, expired } = watcher();
    w.start();
    vi.advanceTimersByTime(9_999);
    expect(countdown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(countdown).toEqual([3]);
    vi.advanceTimersByTime(3_000);
    expect(countdown).toEqual([3, 2, 1]);
    expect(expired).toHaveBeenCalledOnce();
  });

  it('starts over on a touch, even during the countdown', () => {
    const { w, expired } = watcher();
    w.start();
    vi.advanceTimersByTime(11_000);
    expect(w.counting).toBe(true);
    w.touch();
    expect(w.counting).toBe(false);
    vi.advanceTimersByTime(12_000);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(expired).toHaveBeenCalledOnce();
  });

  it('does nothing once stopped', () => {
    const { w, expired } = watcher();
    w.start();
    w.stop();
    w.touch();
    vi.advanceTimersByTime(60_000);
    expect(expired).not.toHaveBeenCalled();
  });
});
