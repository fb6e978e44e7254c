/**
 * What the quality checks look at, gathered once per session at finalisation. The checks
 * themselves are pure functions of these facts, so that each can be tested with plain
 * tables of events and probe summaries, and re-run later on the same stored data.
 */
import type { QualityCheck } from '@vtm/shared';
import type { AssessmentRecord } from '../storage/repositories.ts';
import type { Incident } from './incidents.ts';

/** One stored event, in the order the server recorded it. */
export interface ReviewEvent {
  type: string;
  /** Wall-clock time, ISO 8601. */
  at: string;
  /** Milliseconds from the start of the session's recording; null before it started. */
  offsetMs: number | null;
  payload: unknown;
}

export interface ReviewAnswer {
  id: number;
  questionId: string;
  optionIds: string[];
  replacesAnswerId: number | null;
}

/** An assessment as stored (the answers as they were scored with it). */
export type ReviewAssessment = Omit<AssessmentRecord, 'id'>;

/** What the regulated checks read: the timeline and the rows the workflow stored. */
export interface RegulatedFacts {
  events: ReviewEvent[];
  /** Every answer row of the session, a changed answer being a new row (oldest first). */
  answers: ReviewAnswer[];
  /** Assessments scored in this session, oldest first. */
  assessments: ReviewAssessment[];
  /** The earlier session's assessment, when the session reused one instead of asking again. */
  reusedAssessment: ReviewAssessment | null;
  /** The level, product and outcome the session row holds. */
  stored: { riskLevel: string | null; productCode: string | null; outcome: string | null };
  signature: { document: unknown; documentHash: string } | null;
  /** From the verified identity document (YYYY-MM-DD), for the age rule of suitability. */
  customerBirthDate: string | null;
}

/** Where and how long a stream's packets flow within one segment file. */
export interface StreamTimeline {
  /** Party and track, e.g. "kiosk-video" (the Matroska track title). */
  title: string;
  codecType: 'audio' | 'video';
  packets: number;
  /** Time of the first packet, from the file's time zero. */
  firstMs: number;
  /** End of the last packet (its time plus its duration). */
  endMs: number;
  /** The longest pause between one packet's time and the next one's, and where it starts. */
  longestGap: { fromMs: number; ms: number };
}

export interface SegmentMedia {
  segment: number;
  state: 'recording' | 'sealed' | 'interrupted' | 'failed';
  /** Wall-clock time of the file's time zero, epoch ms; null when unknown. */
  startAtMs: number | null;
  /** How long the file plays; null when it could not be measured. */
  durationMs: number | null;
  /** Per stream; null when the file could not be read. */
  streams: StreamTimeline[] | null;
  /** Why the file could not be read, when it could not. */
  problem?: string;
  /**
   * Video the decoder found damaged (lost packets), from the damaged frame to the next
   * keyframe (null: none followed), ms from the file's time zero; left out of playback.
   */
  damaged?: Array<{ track: string; fromMs: number; untilMs: number | null }>;
}

export interface MediaFacts {
  /** When both parties' media connected (or, failing that, when the teller accepted), epoch ms. */
  connectedAtMs: number | null;
  /** Which event `connectedAtMs` comes from, for the reasons given. */
  connectedBy: 'call.connected' | 'session.accepted' | null;
  endedAtMs: number | null;
  /** Time zero of the event offsets: the first segment's start, epoch ms. */
  timeZeroMs: number | null;
  segments: SegmentMedia[];
  /** What went wrong during the call (see incidents.ts): named in the reasons for a hole. */
  incidents: Incident[];
}

/** Longest tolerated hole in the recording or in any one stream. */
export const MAX_GAP_MS = 2000;

export const EXPECTED_TRACKS = ['kiosk-audio', 'kiosk-video', 'teller-audio', 'teller-video'] as const;

export const pass = (id: QualityCheck['id'], reason: string): QualityCheck => ({ id, passed: true, reason });
export const fail = (id: QualityCheck['id'], reason: string): QualityCheck => ({ id, passed: false, reason });

/** "+1:02.3": a position on the session's timeline, as the review page shows it. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const tenths = Math.round(Math.abs(ms) / 100);
  const hours = Math.floor(tenths / 36000);
  const minutes = Math.floor((tenths % 36000) / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return hours > 0 ? `${sign}${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${sign}${minutes}:${seconds}`;
}

/** Where an event happened, for a reason: its timeline offset, or its wall time before the recording. */
export function when(event: ReviewEvent): string {
  return event.offsetMs !== null ? `at ${formatOffset(event.offsetMs)}` : `at ${event.at}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The payload's field, when the payload is an object that has it. */
export function field(event: ReviewEvent, name: string): unknown {
  return typeof event.payload === 'object' && event.payload !== null ? (event.payload as Record<string, unknown>)[name] : undefined;
}
