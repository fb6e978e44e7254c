/**
 * Synchronised playback of a session: the kiosk's and the teller's recordings side by side
 * on one clock.
 *
 * Finalisation makes one browser-playable file per party per recording segment, each
 * starting at its own time zero; `startOffsetMs` places that zero on the session's timeline
 * (the clock of the events' `offsetMs`). `PlaybackTimeline` maps a session time to each
 * party's file and the time within it, and finds the gaps where a party has no recording.
 * `PlaybackSync` drives both <video> elements from one play / pause / seek: a playing
 * video is the clock, the other follows it, and is put back in step when it drifts more
 * than `DRIFT_TOLERANCE_MS`; at a segment boundary a party's element switches to the next
 * file; in a gap it waits, paused, until its next file starts. No DOM here beyond the few
 * <video> properties of `VideoLike`, so it is tested in Node with fake elements.
 */
import type { PlayableMedia, Role } from '@vtm/shared';

export type Party = Role;
export const PARTIES: readonly Party[] = ['kiosk', 'teller'];

/** More than this between a video and the session clock and the video is moved back in step. */
export const DRIFT_TOLERANCE_MS = 150;
/** Holes in a party's recording shorter than this are not shown (a file's first packet comes a few ms late). */
export const MIN_GAP_MS = 250;
/** After a correction a video is left alone this long, so a slow seek is not chased. */
const CORRECTION_COOLDOWN_MS = 500;
/** HTMLMediaElement.HAVE_CURRENT_DATA / HAVE_FUTURE_DATA. */
const HAVE_CURRENT_DATA = 2;
const HAVE_FUTURE_DATA = 3;

export type MediaSegment = Pick<PlayableMedia, 'id' | 'party' | 'segment' | 'startOffsetMs' | 'durationMs'>;

export interface Gap {
  fromMs: number;
  /** null: nothing more of this party's recording follows. */
  toMs: number | null;
}

export type Location =
  | { media: MediaSegment; /** Seconds into the media's file. */ localS: number }
  | { media: null; gap: Gap };

export class PlaybackTimeline {
  /** Where the session's timeline ends: the end of the last file, or the last event if later. */
  readonly totalMs: number;
  readonly #byParty: ReadonlyMap<Party, readonly MediaSegment[]>;

  constructor(media: readonly MediaSegment[], options: { lastEventMs?: number } = {}) {
    const byParty = new Map<Party, MediaSegment[]>();
    for (const party of PARTIES) {
      byParty.set(
        party,
        media.filter((m) => m.party === party).sort((a, b) => a.startOffsetMs - b.startOffsetMs || a.segment - b.segment),
      );
    }
    this.#byParty = byParty;
    const ends = media.map((m) => m.startOffsetMs + (m.durationMs ?? 0));
    this.totalMs = Math.max(0, options.lastEventMs ?? 0, ...ends);
  }

  segmentsOf(party: Party): readonly MediaSegment[] {
    return this.#byParty.get(party) ?? [];
  }

  /** Where a file ends on the timeline; a file of unknown length runs to the next one (or on). */
  endOf(media: MediaSegment): number {
    if (media.durationMs !== null) return media.startOffsetMs + media.durationMs;
    const next = this.segmentsOf(media.party).find((m) => m.startOffsetMs > media.startOffsetMs);
    return next ? next.startOffsetMs : Number.POSITIVE_INFINITY;
  }

  /** The party's file playing at session time `ms`, and the time within it; or the gap `ms` falls in. */
  locate(party: Party, ms: number): Location {
    const segments = this.segmentsOf(party);
    // The latest file that has started: a later segment wins over an overlapping earlier one.
    for (let i = segments.length - 1; i >= 0; i--) {
      const media = segments[i]!;
      if (ms >= media.startOffsetMs && ms < this.endOf(media)) return { media, localS: (ms - media.startOffsetMs) / 1000 };
    }
    const before = segments.filter((m) => this.endOf(m) <= ms);
    const fromMs = before.length ? Math.max(...before.map((m) => this.endOf(m))) : 0;
    const next = segments.find((m) => m.startOffsetMs > ms);
    return { media: null, gap: { fromMs, toMs: next ? next.startOffsetMs : null } };
  }

  /** The stretches of the timeline without this party's recording, at least `minMs` long. */
  gaps(party: Party, minMs = MIN_GAP_MS): Array<{ fromMs: number; toMs: number }> {
    const gaps: Array<{ fromMs: number; toMs: number }> = [];
    let covered = 0;
    for (const media of this.segmentsOf(party)) {
      if (media.startOffsetMs - covered >= minMs) gaps.push({ fromMs: covered, toMs: media.startOffsetMs });
      covered = Math.max(covered, this.endOf(media));
    }
    if (Number.isFinite(covered) && this.totalMs - covered >= minMs) gaps.push({ fromMs: covered, toMs: this.totalMs });
    return gaps;
  }
}

/** What PlaybackSync needs of an HTMLVideoElement. */
export interface VideoLike {
  src: string;
  currentTime: number;
  readonly paused: boolean;
  readonly seeking: boolean;
  /** Played to the end of its file (play() would start it over: it must not be called then). */
  readonly ended: boolean;
  readonly readyState: number;
  play(): Promise<void>;
  pause(): void;
}

export interface PartyState {
  /** The file the party's element shows, or null before any. */
  mediaId: number | null;
  /** Where that file starts on the timeline (so a video's own time can be checked). */
  startOffsetMs: number | null;
  /** The gap the position is in, when the party has no recording here. */
  gap: Gap | null;
}

export interface SyncState {
  positionMs: number;
  totalMs: number;
  playing: boolean;
  parties: Record<Party, PartyState>;
}

interface Slot {
  video: VideoLike | null;
  loaded: MediaSegment | null;
  gap: Gap | null;
  correctedAt: number;
}

export interface PlaybackSyncOptions {
  /** Monotonic milliseconds; performance.now in the browser. */
  now?: () => number;
  driftToleranceMs?: number;
}

export class PlaybackSync {
  readonly timeline: PlaybackTimeline;
  readonly #urlOf: (media: MediaSegment) => string;
  readonly #now: () => number;
  readonly #tolerance: number;
  readonly #slots = new Map<Party, Slot>(PARTIES.map((p) => [p, { video: null, loaded: null, gap: null, correctedAt: -Infinity }]));
  readonly #listeners = new Set<(state: SyncState) => void>();
  #playing = false;
  /** The clock: session position `#anchorMs` at monotonic time `#anchorAt`. */
  #anchorMs = 0;
  #anchorAt = 0;
  #positionMs = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #emitted = '';

  constructor(timeline: PlaybackTimeline, urlOf: (media: MediaSegment) => string, options: PlaybackSyncOptions = {}) {
    this.timeline = timeline;
    this.#urlOf = urlOf;
    this.#now = options.now ?? (() => performance.now());
    this.#tolerance = options.driftToleranceMs ?? DRIFT_TOLERANCE_MS;
  }

  get state(): SyncState {
    const party = (p: Party): PartyState => {
      const slot = this.#slot(p);
      return { mediaId: slot.loaded?.id ?? null, startOffsetMs: slot.loaded?.startOffsetMs ?? null, gap: slot.gap };
    };
    return {
      positionMs: this.#positionMs,
      totalMs: this.timeline.totalMs,
      playing: this.#playing,
      parties: { kiosk: party('kiosk'), teller: party('teller') },
    };
  }

  subscribe(listener: (state: SyncState) => void): () => void {
    this.#listeners.add(listener);
    listener(this.state);
    return () => this.#listeners.delete(listener);
  }

  /** Gives the party's <video> (null when it goes away) and shows the current position in it. */
  attach(party: Party, video: VideoLike | null): void {
    const slot = this.#slot(party);
    if (slot.video === video) return;
    slot.video = video;
    slot.loaded = null;
    if (video) this.#show(party, this.#positionMs, { exact: true });
    this.#emit();
  }

  play(): void {
    if (this.#playing) return;
    if (this.#positionMs >= this.timeline.totalMs) this.#positionMs = 0;
    this.#playing = true;
    this.#anchor(this.#positionMs);
    for (const party of PARTIES) this.#show(party, this.#positionMs, { exact: true });
    this.#emit();
  }

  pause(): void {
    if (!this.#playing) return;
    this.#positionMs = this.#clock();
    this.#playing = false;
    for (const party of PARTIES) this.#show(party, this.#positionMs, { exact: true });
    this.#emit();
  }

  toggle(): void {
    if (this.#playing) this.pause();
    else this.play();
  }

  /** Moves both parties to session time `ms` (each to its own file and time within it). */
  seek(ms: number): void {
    this.#positionMs = Math.min(Math.max(0, ms), this.timeline.totalMs);
    this.#anchor(this.#positionMs);
    for (const party of PARTIES) this.#show(party, this.#positionMs, { exact: true });
    this.#emit();
  }

  /** One step of keeping the two in step; `start` runs it every `intervalMs`. */
  tick(): void {
    if (this.#playing) {
      this.#positionMs = this.#clock();
      if (this.#positionMs >= this.timeline.totalMs) {
        this.#positionMs = this.timeline.totalMs;
        this.#playing = false;
      }
    }
    for (const party of PARTIES) this.#show(party, this.#positionMs, { exact: false });
    this.#emit();
  }

  start(intervalMs = 100): void {
    this.stop();
    this.#timer = setInterval(() => this.tick(), intervalMs);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Stops the clock and both videos, and forgets the elements. */
  dispose(): void {
    this.stop();
    this.#playing = false;
    for (const slot of this.#slots.values()) {
      slot.video?.pause();
      slot.video = null;
    }
    this.#listeners.clear();
  }

  #slot(party: Party): Slot {
    return this.#slots.get(party)!;
  }

  #anchor(ms: number): void {
    this.#anchorMs = ms;
    this.#anchorAt = this.#now();
  }

  /**
   * The session position now. A video that is playing with data ahead is the clock (the
   * kiosk's first): the picture and sound then set the pace, not the wall clock, so a
   * stall does not pull the other party ahead. Without one (both in gaps, or loading)
   * the wall clock runs on from the last position.
   */
  #clock(): number {
    const now = this.#now();
    for (const party of PARTIES) {
      const { video, loaded } = this.#slot(party);
      if (!video || !loaded || video.paused || video.seeking || video.readyState < HAVE_FUTURE_DATA) continue;
      if (now - this.#slot(party).correctedAt < CORRECTION_COOLDOWN_MS) continue;
      const ms = loaded.startOffsetMs + video.currentTime * 1000;
      // A file that has played to its end stops being the clock.
      if (ms >= this.timeline.endOf(loaded)) continue;
      this.#anchor(ms);
      return ms;
    }
    return this.#anchorMs + (now - this.#anchorAt);
  }

  /** Puts the party's element on its file at session time `ms`, playing or paused as the whole is. */
  #show(party: Party, ms: number, { exact }: { exact: boolean }): void {
    const slot = this.#slot(party);
    const at = this.timeline.locate(party, ms);
    slot.gap = at.media ? null : at.gap;
    const video = slot.video;
    if (!video) return;
    const now = this.#now();
    if (!at.media) {
      if (!video.paused) video.pause();
      // The file after the gap, ready at its first frame.
      const next = at.gap.toMs === null ? null : this.timeline.locate(party, at.gap.toMs).media;
      if (next && slot.loaded?.id !== next.id) {
        video.src = this.#urlOf(next);
        slot.loaded = next;
        video.currentTime = 0;
        slot.correctedAt = now;
      }
      return;
    }
    if (slot.loaded?.id !== at.media.id) {
      // Another file: the time set before it loads is where it starts playing.
      video.src = this.#urlOf(at.media);
      slot.loaded = at.media;
      video.currentTime = at.localS;
      slot.correctedAt = now;
    } else {
      const driftMs = Math.abs(video.currentTime - at.localS) * 1000;
      const settled = !video.seeking && now - slot.correctedAt >= CORRECTION_COOLDOWN_MS;
      // A video (re)starting, e.g. at the end of a gap, starts exactly in step.
      const starting = this.#playing && video.paused && !video.ended;
      if (exact || starting ? driftMs > 1 : driftMs > this.#tolerance && settled) {
        video.currentTime = at.localS;
        slot.correctedAt = now;
      }
    }
    if (this.#playing && video.paused && !video.ended) void video.play().catch(() => undefined);
    if (!this.#playing && !video.paused) video.pause();
  }

  /** Tells the listeners, when anything changed (the clock ticks ten times a second, paused too). */
  #emit(): void {
    const state = this.state;
    const key = JSON.stringify(state);
    if (key === this.#emitted) return;
    this.#emitted = key;
    for (const listener of this.#listeners) listener(state);
  }
}

/** True when a video has a picture to show at its current time. */
export const hasPicture = (video: Pick<VideoLike, 'readyState'>) => video.readyState >= HAVE_CURRENT_DATA;
