/**
 * The ID steps of the kiosk journey as a small state machine (pure: no DOM, no camera),
 * between recording consent and the queue:
 *
 *   choose ──(resident ID | passport)──▶ capture ──(every side read)──▶ confirm ──▶ queue
 *                 ▲                        │  ▲                           │
 *                 └──── change document ───┘  └──────── recapture ────────┘
 *
 * A resident ID card needs both sides; the customer is asked for the front first, but a
 * back shown first is taken too (people hold up whichever side faces them) and then the
 * other side is asked for. A passport needs its data page. Each reading is judged: the
 * wrong document, or a side already taken, is a hint ("turn the card over") and scanning
 * simply goes on; low confidence or a failed blocking check asks for a recapture, and
 * after a few such attempts the customer may also go on and correct the fields by hand.
 */
import { blockingFailures } from '@vtm/shared';
import type { DocumentKind, DocumentReading } from '@vtm/shared/ocr';

export type DocumentChoice = 'cn-resident-id' | 'passport-td3';

/** The sides each document needs, in the order they are asked for. */
export const DOCUMENT_SIDES: Record<DocumentChoice, readonly DocumentKind[]> = {
  'cn-resident-id': ['cn-resident-id-front', 'cn-resident-id-back'],
  'passport-td3': ['passport-td3'],
};

/** Below this overall confidence (0–1, the least of the fields') a reading is retaken. */
export const MIN_CONFIDENCE = 0.6;
/** After this many rejected readings of a side, the customer may keep the last one and correct it. */
export const ATTEMPTS_BEFORE_MANUAL = 2;

export interface CapturedSide {
  kind: DocumentKind;
  reading: DocumentReading;
  /** The camera frame as captured (JPEG), kept with the session as evidence. */
  image: Blob;
  /** Time to read it (prepare + recognise + validate), ms. */
  ms: number;
}

/**
 * Why a reading was not taken. 'wrong-document': not the chosen document at all (a card
 * when a passport was chosen, or the reverse); 'turn-over': a side already taken;
 * 'unreadable': no document found or nothing could be read; 'low-confidence': OCR was
 * unsure; 'checks-failed': the fields fail a blocking check (check digit, dates, …);
 * 'reader-unavailable': the OCR engines could not be loaded.
 */
export type CaptureProblem = 'wrong-document' | 'turn-over' | 'unreadable' | 'low-confidence' | 'checks-failed' | 'reader-unavailable';

export type IdFlow =
  | { step: 'choose' }
  | {
      step: 'capture';
      document: DocumentChoice;
      captured: CapturedSide[];
      /** A frame is being read. */
      reading: boolean;
      problem: CaptureProblem | null;
      /** Rejected readings (low confidence, failed checks) since the last side was taken. */
      failures: number;
      /** The last rejected reading of a needed side, which the customer may keep and correct. */
      rejected: CapturedSide | null;
    }
  | { step: 'confirm'; document: DocumentChoice; captured: CapturedSide[] };

export const INITIAL_FLOW: IdFlow = { step: 'choose' };

export function chooseDocument(document: DocumentChoice): IdFlow {
  return { step: 'capture', document, captured: [], reading: false, problem: null, failures: 0, rejected: null };
}

/** Sides still to capture, in asking order. */
export function remainingSides(flow: IdFlow): DocumentKind[] {
  if (flow.step === 'choose') return [];
  const taken = new Set(flow.captured.map((c) => c.kind));
  return DOCUMENT_SIDES[flow.document].filter((kind) => !taken.has(kind));
}

/** A frame went to the reader. */
export function startReading(flow: IdFlow): IdFlow {
  return flow.step === 'capture' ? { ...flow, reading: true } : flow;
}

export type Judgement = { ok: true } | { ok: false; problem: CaptureProblem };

/** Whether a reading of a frame can be taken for one of the sides still needed. */
export function judgeReading(flow: IdFlow, reading: DocumentReading): Judgement {
  if (flow.step !== 'capture') return { ok: false, problem: 'unreadable' };
  if (!DOCUMENT_SIDES[flow.document].includes(reading.kind)) return { ok: false, problem: 'wrong-document' };
  if (!remainingSides(flow).includes(reading.kind)) return { ok: false, problem: 'turn-over' };
  const values = Object.values(reading.fields as Record<string, string>);
  if (values.every((v) => v === '')) return { ok: false, problem: 'unreadable' };
  if (blockingFailures(reading.checks).length > 0) return { ok: false, problem: 'checks-failed' };
  if (reading.confidence.overall < MIN_CONFIDENCE) return { ok: false, problem: 'low-confidence' };
  return { ok: true };
}

/** The outcome of reading one captured frame. */
export function readingDone(flow: IdFlow, side: CapturedSide): IdFlow {
  if (flow.step !== 'capture') return flow;
  const judgement = judgeReading(flow, side.reading);
  if (judgement.ok) return takeSide(flow, side);
  const counts = judgement.problem !== 'wrong-document' && judgement.problem !== 'turn-over';
  return {
    ...flow,
    reading: false,
    problem: judgement.problem,
    failures: counts ? flow.failures + 1 : flow.failures,
    rejected: counts ? side : flow.rejected,
  };
}

/** Reading failed before it could judge anything (no document found, engines not loaded). */
export function readingFailed(flow: IdFlow, problem: CaptureProblem): IdFlow {
  if (flow.step !== 'capture') return flow;
  return { ...flow, reading: false, problem, failures: problem === 'unreadable' ? flow.failures + 1 : flow.failures };
}

/** The customer may keep a rejected reading (and correct it on the confirm screen) after a few tries. */
export function canKeepRejected(flow: IdFlow): boolean {
  return flow.step === 'capture' && flow.rejected !== null && flow.failures >= ATTEMPTS_BEFORE_MANUAL;
}

export function keepRejected(flow: IdFlow): IdFlow {
  if (flow.step !== 'capture' || !canKeepRejected(flow) || flow.rejected === null) return flow;
  return takeSide(flow, flow.rejected);
}

/** The customer dismissed the problem: scan again. */
export function retry(flow: IdFlow): IdFlow {
  return flow.step === 'capture' ? { ...flow, problem: null, reading: false } : flow;
}

/** From the confirm screen (or mid-capture): capture every side of the same document again. */
export function recapture(flow: IdFlow): IdFlow {
  return flow.step === 'choose' ? flow : chooseDocument(flow.document);
}

function takeSide(flow: Extract<IdFlow, { step: 'capture' }>, side: CapturedSide): IdFlow {
  const captured = [...flow.captured.filter((c) => c.kind !== side.kind), side];
  const next = { ...flow, captured, reading: false, problem: null, failures: 0, rejected: null };
  return remainingSides(next).length === 0 ? { step: 'confirm', document: flow.document, captured: orderSides(flow.document, captured) } : next;
}

function orderSides(document: DocumentChoice, captured: CapturedSide[]): CapturedSide[] {
  const order = DOCUMENT_SIDES[document];
  return [...captured].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}
