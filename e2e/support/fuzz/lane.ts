/**
 * One fuzzing lane: a kind of caller (no hello, a kiosk, a signed-in teller, a party in a
 * call) sending its share of frames over its own connection, a bounded number at a time,
 * checking each answer, and connecting again whenever the server cut it off.
 */
import type { Category, FrameGenerator, FuzzFrame, KnownIds } from './frames.ts';
import { BAD_FRAMES_BEFORE_CLOSE, CLOSE_TOO_MANY_BAD_FRAMES } from './frames.ts';
import type { FuzzSocket, Outcome } from './fuzz-socket.ts';
import type { Prng } from './prng.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** A frame not answered (nor refused) this long means the server hung on it. */
const ANSWER_TIMEOUT_MS = 30_000;

export interface CategoryTally {
  sent: number;
  /** Answered with an error reply. */
  errors: number;
  /** Answered with ok (well-formed requests the state allowed). */
  ok: number;
  /** Refused by the server closing the connection (1009, 1007, or 4400 after 50 bad frames). */
  refusedByClose: number;
  /** Error codes seen. */
  codes: Record<string, number>;
}

export interface FuzzReport {
  byCategory: Map<Category, CategoryTally>;
  byLane: Map<string, { sent: number; connections: number; closes: Record<string, number> }>;
  failures: string[];
}

export const newReport = (): FuzzReport => ({ byCategory: new Map(), byLane: new Map(), failures: [] });

export interface LaneSpec {
  name: string;
  /** Opens a connection and brings it to the lane's state (hello, a draft session...). */
  connect(): Promise<FuzzSocket>;
  generator: FrameGenerator;
  /** How many frames of each category (in a random order). */
  plan: ReadonlyArray<readonly [Category, number]>;
  /** Frames sent before the plan's (e.g. every field of every method set wrong). */
  prelude?: Iterable<FuzzFrame>;
  /** Frames in flight at once. */
  window: number;
  rng: Prng;
  /** Narrows what a well-formed request may get on this lane (e.g. nothing but not-allowed before hello). */
  refine?: (frame: FuzzFrame) => FuzzFrame;
  /** Ids learnt from ok replies go here (the generator uses them). */
  known?: KnownIds;
  /** Stop early (another lane failed badly). */
  stopped?: () => boolean;
  /** Called at the end, after the lane's own connection is closed (e.g. to close the other party of its call). */
  finish?: () => Promise<void>;
}

const preview = (frame: FuzzFrame) => {
  const text = Buffer.isBuffer(frame.payload) ? `<${frame.binary ? 'binary' : 'bytes'} ${frame.payload.length}: ${frame.payload.subarray(0, 40).toString('hex')}>` : frame.payload;
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
};

function tallyFor(report: FuzzReport, category: Category): CategoryTally {
  let tally = report.byCategory.get(category);
  if (!tally) report.byCategory.set(category, (tally = { sent: 0, errors: 0, ok: 0, refusedByClose: 0, codes: {} }));
  return tally;
}

/** Checks one answer against what the frame must get; returns a failure message or null. */
export function judge(frame: FuzzFrame, outcome: Outcome, socket: FuzzSocket): string | null {
  const expect = frame.expect;
  if (expect.kind === 'close') {
    if (outcome.kind === 'closed' && outcome.code === expect.code) return null;
    return `expected the connection closed with ${expect.code}, got ${JSON.stringify(outcome).slice(0, 300)}`;
  }
  if (outcome.kind === 'closed') {
    if (outcome.code !== CLOSE_TOO_MANY_BAD_FRAMES) return `connection closed with ${outcome.code} ${outcome.reason}`;
    if (socket.badReplies !== BAD_FRAMES_BEFORE_CLOSE) return `closed with 4400 after ${socket.badReplies} bad frames (not ${BAD_FRAMES_BEFORE_CLOSE})`;
    return null;
  }
  const reply = outcome.reply;
  if (reply.id !== expect.id) return `reply id ${reply.id}, expected ${expect.id}`;
  if (reply.ok) return expect.mayBeOk ? null : 'ok, expected an error';
  const code = reply.error?.code ?? '(none)';
  if (typeof reply.error?.message !== 'string') return `error without a message: ${JSON.stringify(reply)}`;
  if (/\n\s+at |node_modules|\/src\//.test(reply.error.message)) return `internals in the error message: ${reply.error.message.slice(0, 200)}`;
  if (!expect.codes.includes(code as never)) return `error ${code} (${reply.error.message}), expected ${expect.codes.join(' or ')}`;
  return null;
}

/** Runs the lane's plan to the end; tallies and failures go into the report. */
export async function runLane(spec: LaneSpec, report: FuzzReport): Promise<void> {
  const lane = { sent: 0, connections: 0, closes: {} as Record<string, number> };
  report.byLane.set(spec.name, lane);
  const categories: Category[] = spec.plan.flatMap(([category, count]) => Array<Category>(count).fill(category));
  for (let i = categories.length - 1; i > 0; i--) {
    const j = spec.rng.int(0, i);
    [categories[i], categories[j]] = [categories[j]!, categories[i]!];
  }

  let socket = await spec.connect();
  lane.connections++;
  const inFlight: Array<{ frame: FuzzFrame; outcome: Promise<Outcome>; socket: FuzzSocket }> = [];

  const settle = async () => {
    const entry = inFlight.shift()!;
    const timer = new AbortController();
    const outcome = await Promise.race([entry.outcome, sleep(ANSWER_TIMEOUT_MS, null, { signal: timer.signal }).catch(() => null)]);
    timer.abort();
    if (outcome === null) throw new Error(`[${spec.name}] no answer within ${ANSWER_TIMEOUT_MS / 1000} s (the server hung?) to ${entry.frame.category}: ${preview(entry.frame)}`);
    const tally = tallyFor(report, entry.frame.category);
    const failure = judge(entry.frame, outcome, entry.socket);
    if (failure) report.failures.push(`[${spec.name}] ${entry.frame.category}: ${failure}\n    frame: ${preview(entry.frame)}`);
    if (outcome.kind === 'closed') {
      tally.refusedByClose++;
      lane.closes[outcome.code] = (lane.closes[outcome.code] ?? 0) + 1;
      return;
    }
    const reply = outcome.reply;
    if (reply.ok) {
      tally.ok++;
      learn(spec.known, reply.data);
    } else {
      tally.errors++;
      const code = reply.error?.code ?? '(none)';
      tally.codes[code] = (tally.codes[code] ?? 0) + 1;
      if (entry.frame.expect.kind === 'reply' && entry.frame.expect.countsAsBad) entry.socket.badReplies++;
    }
  };
  const drain = async () => {
    while (inFlight.length > 0) await settle();
  };
  const reconnect = async () => {
    await drain();
    await socket.close();
    socket = await spec.connect();
    lane.connections++;
  };

  function* frames(): Generator<FuzzFrame> {
    yield* spec.prelude ?? [];
    for (const category of categories) yield spec.generator.make(category);
  }

  for (let frame of frames()) {
    if (spec.stopped?.()) break;
    if (spec.refine) frame = spec.refine(frame);
    if (!socket.open) await reconnect();
    lane.sent++;
    tallyFor(report, frame.category).sent++;
    if (frame.expect.kind === 'close') {
      // A frame the server must close the connection for: alone on its connection.
      await drain();
      if (!socket.open) await reconnect();
      inFlight.push({ frame, outcome: socket.send(frame.payload, frame), socket });
      await drain();
      await reconnect();
      continue;
    }
    inFlight.push({ frame, outcome: socket.send(frame.payload, frame), socket });
    if (inFlight.length >= spec.window) await settle();
  }
  await drain();
  await socket.close();
  await spec.finish?.();
}

/** Ids in ok replies (a transport's id, a producer's, a session's) that later requests can name. */
function learn(known: KnownIds | undefined, data: unknown): void {
  if (!known || typeof data !== 'object' || data === null) return;
  const d = data as Record<string, unknown>;
  const add = (list: string[], value: unknown) => {
    if (typeof value === 'string' && !list.includes(value)) list.push(value);
  };
  if ('iceParameters' in d && 'dtlsParameters' in d) add(known.transport, d['id']);
  add(known.producer, d['producerId']);
}
