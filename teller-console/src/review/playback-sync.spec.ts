import { describe, expect, it } from 'vitest';
import { PlaybackSync, PlaybackTimeline, type MediaSegment, type VideoLike } from './playback-sync.ts';

const media = (id: number, party: 'kiosk' | 'teller', segment: number, startOffsetMs: number, durationMs: number | null): MediaSegment => ({
  id,
  party,
  segment,
  startOffsetMs,
  durationMs,
});

/** A <video> that plays in step with the test's clock (at `rate`), or stalls. */
class FakeVideo implements VideoLike {
  src = '';
  #time = 0;
  paused = true;
  seeking = false;
  readyState = 4;
  duration = Infinity;
  rate = 1;
  plays = 0;
  seeks = 0;
  /** Only the controller sets it: each set is a seek. */
  get currentTime() {
    return this.#time;
  }
  set currentTime(t: number) {
    this.#time = t;
    this.seeks++;
  }
  get ended() {
    return this.#time >= this.duration;
  }
  play() {
    this.plays++;
    if (this.ended) this.#time = 0; // as a browser does
    this.paused = false;
    return Promise.resolve();
  }
  pause() {
    this.paused = true;
  }
  advance(ms: number) {
    if (this.paused || this.readyState < 3) return;
    this.#time = Math.min(this.duration, this.#time + (ms / 1000) * this.rate);
    if (this.ended) this.paused = true;
  }
}

function setUp(segments: MediaSegment[], lastEventMs?: number) {
  let now = 0;
  const timeline = new PlaybackTimeline(segments, lastEventMs === undefined ? {} : { lastEventMs });
  const sync = new PlaybackSync(timeline, (m) => `/media/${m.id}`, { now: () => now });
  const kiosk = new FakeVideo();
  const teller = new FakeVideo();
  sync.attach('kiosk', kiosk);
  sync.attach('teller', teller);
  /** Lets `ms` pass in steps of 100 ms, the videos playing and the controller ticking. */
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      now += 100;
      kiosk.advance(100);
      teller.advance(100);
      sync.tick();
    }
  };
  return { sync, timeline, kiosk, teller, run };
}

describe('PlaybackTimeline', () => {
  const timeline = new PlaybackTimeline(
    [media(1, 'kiosk', 1, 40, 10_000), media(2, 'teller', 1, 120, 9_900), media(3, 'kiosk', 2, 14_000, 6_000), media(4, 'teller', 2, 14_050, 5_000)],
    { lastEventMs: 20_500 },
  );

  it('maps a session time to each party\'s file and the time within it', () => {
    expect(timeline.locate('kiosk', 5_040)).toEqual({ media: expect.objectContaining({ id: 1 }), localS: 5 });
    expect(timeline.locate('teller', 5_040)).toEqual({ media: expect.objectContaining({ id: 2 }), localS: 4.92 });
    expect(timeline.locate('kiosk', 15_000)).toEqual({ media: expect.objectContaining({ id: 3 }), localS: 1 });
  });

  it('finds the gap a time falls in, between segments and after the last', () => {
    expect(timeline.locate('kiosk', 12_000)).toEqual({ media: null, gap: { fromMs: 10_040, toMs: 14_000 } });
    expect(timeline.locate('teller', 19_500)).toEqual({ media: null, gap: { fromMs: 19_050, toMs: null } });
    expect(timeline.locate('kiosk', 0)).toEqual({ media: null, gap: { fromMs: 0, toMs: 40 } });
  });

  it('runs to the last file\'s end or the last event, whichever is later', () => {
    expect(timeline.totalMs).toBe(20_500);
    expect(new PlaybackTimeline([media(1, 'kiosk', 1, 0, 8_000)], { lastEventMs: 3_000 }).totalMs).toBe(8_000);
    expect(new PlaybackTimeline([]).totalMs).toBe(0);
  });

  it('lists each party\'s gaps, leaving out the few ms before a file\'s first packet', () => {
    expect(timeline.gaps('kiosk')).toEqual([{ fromMs: 10_040, toMs: 14_000 }, { fromMs: 20_000, toMs: 20_500 }]);
    expect(timeline.gaps('teller')).toEqual([{ fromMs: 10_020, toMs: 14_050 }, { fromMs: 19_050, toMs: 20_500 }]);
  });

  it('lets a file of unknown length run to the next one', () => {
    const t = new PlaybackTimeline([media(1, 'kiosk', 1, 0, null), media(2, 'kiosk', 2, 5_000, 1_000)]);
    expect(t.locate('kiosk', 4_999)).toMatchObject({ media: { id: 1 } });
    expect(t.locate('kiosk', 5_000)).toMatchObject({ media: { id: 2 } });
    expect(t.gaps('kiosk')).toEqual([]);
  });
});

describe('PlaybackSync', () => {
  const oneSegment = [media(1, 'kiosk', 1, 40, 10_000), media(2, 'teller', 1, 120, 9_900)];

  it('shows each party\'s first file at the start, paused, ready for its first packet', () => {
    const { sync, kiosk, teller } = setUp(oneSegment);
    expect([kiosk.src, teller.src]).toEqual(['/media/1', '/media/2']);
    expect(kiosk.paused && teller.paused).toBe(true);
    expect(sync.state.parties.teller).toEqual({ mediaId: 2, startOffsetMs: 120, gap: { fromMs: 0, toMs: 120 } });
    sync.seek(500);
    expect(sync.state.parties.kiosk).toEqual({ mediaId: 1, startOffsetMs: 40, gap: null });
  });

  it('plays both from one control and the position follows the picture', () => {
    const { sync, kiosk, teller, run } = setUp(oneSegment);
    sync.seek(1_000);
    sync.play();
    expect(kiosk.paused || teller.paused).toBe(false);
    run(2_000);
    expect(sync.state.positionMs).toBeCloseTo(3_000, -2);
    expect(kiosk.currentTime).toBeCloseTo(2.96, 1);
    expect(teller.currentTime).toBeCloseTo(2.88, 1);
    sync.pause();
    expect(kiosk.paused && teller.paused).toBe(true);
    run(1_000);
    expect(sync.state.positionMs).toBeCloseTo(3_000, -2);
  });

  it('seeks both to the same session time, each in its own file\'s time', () => {
    const { sync, kiosk, teller } = setUp(oneSegment);
    sync.seek(6_040);
    expect(kiosk.currentTime).toBeCloseTo(6, 5);
    expect(teller.currentTime).toBeCloseTo(5.92, 5);
    sync.seek(-5);
    expect(sync.state.positionMs).toBe(0);
  });

  it('puts a drifting video back in step, and leaves a small drift alone', () => {
    const { sync, kiosk, teller, run } = setUp(oneSegment);
    sync.seek(1_000);
    sync.play();
    const seeksBefore = teller.seeks;
    teller.rate = 1.05; // 50 ms per second ahead
    run(2_000); // 100 ms off: within tolerance
    expect(teller.seeks - seeksBefore).toBe(0);
    run(2_000); // 200 ms off: corrected
    expect(teller.seeks - seeksBefore).toBeGreaterThan(0);
    const skew = Math.abs(teller.currentTime + 0.12 - (kiosk.currentTime + 0.04));
    expect(skew).toBeLessThan(0.15);
  });

  it('keeps time with the other party while one stalls, and brings it back', () => {
    const { sync, kiosk, teller, run } = setUp(oneSegment);
    sync.play();
    run(1_000);
    kiosk.readyState = 2; // buffering: its picture stands still
    run(1_000);
    expect(sync.state.positionMs).toBeCloseTo(2_000, -2);
    kiosk.readyState = 4;
    run(1_000);
    expect(kiosk.currentTime * 1000 + 40).toBeCloseTo(sync.state.positionMs, -2);
    expect(teller.currentTime * 1000 + 120).toBeCloseTo(sync.state.positionMs, -2);
  });

  it('switches files at a segment boundary and waits, paused, through a gap', () => {
    const segments = [media(1, 'kiosk', 1, 0, 3_000), media(2, 'teller', 1, 0, 3_000), media(3, 'kiosk', 2, 5_000, 3_000), media(4, 'teller', 2, 5_000, 3_000)];
    const { sync, kiosk, teller, run } = setUp(segments);
    kiosk.duration = teller.duration = 3;
    sync.seek(2_000);
    sync.play();
    run(2_000);
    expect(sync.state.parties.kiosk.gap).toEqual({ fromMs: 3_000, toMs: 5_000 });
    expect(kiosk.paused && teller.paused).toBe(true);
    expect(sync.state.playing).toBe(true);
    // The next file waits at its first frame.
    expect([kiosk.src, kiosk.currentTime]).toEqual(['/media/3', 0]);
    run(2_000);
    expect(sync.state.positionMs).toBeGreaterThanOrEqual(5_000);
    expect([kiosk.src, teller.src]).toEqual(['/media/3', '/media/4']);
    expect(kiosk.paused || teller.paused).toBe(false);
    expect(sync.state.parties.teller).toEqual({ mediaId: 4, startOffsetMs: 5_000, gap: null });
  });

  it('does not start over a file that ends a little before the timeline says', () => {
    const { sync, kiosk, run } = setUp([media(1, 'kiosk', 1, 0, 3_000), media(2, 'teller', 1, 0, 3_000)]);
    kiosk.duration = 2.9;
    sync.seek(2_000);
    sync.play();
    run(900);
    expect(kiosk.ended).toBe(true);
    const plays = kiosk.plays;
    sync.tick();
    expect([kiosk.plays, kiosk.currentTime]).toEqual([plays, 2.9]);
  });

  it('stops at the end, and plays again from the start', () => {
    const { sync, kiosk, run } = setUp(oneSegment);
    sync.seek(9_500);
    sync.play();
    run(1_000);
    expect(sync.state).toMatchObject({ playing: false, positionMs: 10_040 });
    sync.play();
    expect(sync.state.positionMs).toBe(0);
    run(500);
    expect(kiosk.paused).toBe(false);
  });

  it('tells its listeners where it is', () => {
    const { sync, run } = setUp(oneSegment);
    const seen: number[] = [];
    const stop = sync.subscribe((s) => seen.push(s.positionMs));
    sync.play();
    run(300);
    stop();
    run(300);
    expect(seen.length).toBe(5);
    expect(seen.at(-1)).toBeGreaterThan(0);
  });

  it('says nothing while nothing changes', () => {
    const { sync, run } = setUp(oneSegment);
    const seen: number[] = [];
    sync.subscribe((s) => seen.push(s.positionMs));
    run(1_000);
    sync.seek(2_000);
    run(1_000);
    expect(seen).toEqual([0, 2_000]);
  });
});
