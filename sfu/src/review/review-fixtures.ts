/**
 * Sessions as the quality checks see them, built with the shared rules, for the checks'
 * tests: a completed sale done by the book, and a call in which nothing regulated
 * happened. Tests change one thing and look at what the checks say.
 */
import {
  RISK_QUESTIONNAIRE_V1,
  buildSignedDocument,
  documentHash,
  productsSuitableFor,
  scoreAssessment,
  type Question,
} from '@vtm/shared';
import type { MediaFacts, RegulatedFacts, ReviewEvent, SegmentMedia, StreamTimeline } from './review-facts.ts';

const T0 = Date.parse('2026-03-02T02:00:00.000Z');

/** Builds a timeline: each event one second after the last; offsets count from `recording.started`. */
export class Timeline {
  readonly events: ReviewEvent[] = [];
  #clock = T0;
  #recordingStart: number | null = null;

  add(type: string, payload: unknown = {}, afterMs = 1000): this {
    this.#clock += afterMs;
    if (type === 'recording.started' && this.#recordingStart === null) this.#recordingStart = this.#clock;
    this.events.push({
      type,
      at: new Date(this.#clock).toISOString(),
      offsetMs: this.#recordingStart === null ? null : this.#clock - this.#recordingStart,
      payload,
    });
    return this;
  }
}

const highest = (question: Question) =>
  [...question.options].filter((o) => !o.exclusive || question.kind === 'single').sort((a, b) => b.score - a.score)[0]!.id;

/** A customer who did everything in order and signed for the riskiest product their level allows. */
export async function completedSale(): Promise<RegulatedFacts> {
  const definition = RISK_QUESTIONNAIRE_V1;
  const chosen = definition.questions.map((q) => ({ questionId: q.id, optionIds: [highest(q)] }));
  const scored = scoreAssessment(definition, chosen);
  const product = productsSuitableFor(scored.level).at(-1)!;
  const document = buildSignedDocument(definition, chosen, product);
  const hash = await documentHash(document);
  const disclosure = { productCode: product.code, disclosureVersion: product.disclosure.version };

  const t = new Timeline()
    .add('session.created', { kioskName: 'VTM-1' })
    .add('consent.given', { consentVersion: 'v1' })
    .add('identity.captured', {})
    .add('session.queued')
    .add('session.accepted', { tellerName: 'teller1' })
    .add('call.connected', {}, 500)
    .add('recording.started', { segment: 1 }, 600)
    .add('identity.verified', { verified: true })
    .add('questionnaire.started', { questionnaireId: definition.id, version: definition.version });
  for (const answer of chosen) t.add('question.shown', { questionId: answer.questionId }).add('answer.given', answer);
  t.add('level.computed', { score: scored.score, level: scored.level })
    .add('product.chosen', { productCode: product.code, productRisk: product.riskLevel })
    .add('suitability.result', { productCode: product.code, allowed: true, reason: null }, 10)
    .add('disclosure.shown', disclosure)
    .add('disclosure.confirmed', disclosure)
    .add('acknowledgement.requested', { retry: false })
    .add('acknowledgement.submitted', { matchScore: 1 })
    .add('acknowledgement.accepted')
    .add('signature.requested', { documentHash: hash })
    .add('signature.submitted', { documentHash: hash })
    .add('session.outcome', { outcome: 'completed' })
    .add('session.ended', { reason: 'completed', by: 'teller' });

  return {
    events: t.events,
    answers: chosen.map((a, i) => ({ id: i + 1, questionId: a.questionId, optionIds: a.optionIds, replacesAnswerId: null })),
    assessments: [
      {
        sessionId: 's1',
        questionnaireId: definition.id,
        questionnaireVersion: definition.version,
        answers: scored.answers,
        score: scored.score,
        level: scored.level,
        assessedAt: t.events.find((e) => e.type === 'level.computed')!.at,
      },
    ],
    reusedAssessment: null,
    stored: { riskLevel: scored.level, productCode: product.code, outcome: 'completed' },
    signature: { document, documentHash: hash },
    customerBirthDate: '1980-05-01',
  };
}

/** Teller and customer talked and hung up: no identity check, no questionnaire, nothing sold. */
export function plainCall(): RegulatedFacts {
  const t = new Timeline()
    .add('session.created')
    .add('consent.given', { consentVersion: 'v1' })
    .add('session.queued')
    .add('session.accepted')
    .add('recording.started', { segment: 1 })
    .add('session.ended', { reason: 'hung-up', by: 'teller' }, 8000);
  return {
    events: t.events,
    answers: [],
    assessments: [],
    reusedAssessment: null,
    stored: { riskLevel: null, productCode: null, outcome: null },
    signature: null,
    customerBirthDate: null,
  };
}

/** A stream with packets every `everyMs` from `firstMs` to `endMs`, with an optional pause. */
export function stream(title: string, firstMs: number, endMs: number, longestGapMs = 50, gapFromMs = firstMs): StreamTimeline {
  return {
    title,
    codecType: title.endsWith('audio') ? 'audio' : 'video',
    packets: Math.max(1, Math.round((endMs - firstMs) / 20)),
    firstMs,
    endMs,
    longestGap: { fromMs: gapFromMs, ms: longestGapMs },
  };
}

/** A sealed segment with all four tracks flowing from start to end. */
export function fullSegment(segment: number, startAtMs: number, durationMs: number): SegmentMedia {
  return {
    segment,
    state: 'sealed',
    startAtMs,
    durationMs,
    streams: ['kiosk-audio', 'kiosk-video', 'teller-audio', 'teller-video'].map((title) => stream(title, 0, durationMs)),
  };
}

/** A one-segment recording of a call connected at 0 and ended at `callMs`, starting `startDelayMs` in. */
export function oneSegmentCall(callMs = 60_000, startDelayMs = 800): MediaFacts {
  const connected = T0;
  return {
    connectedAtMs: connected,
    connectedBy: 'call.connected',
    endedAtMs: connected + callMs,
    timeZeroMs: connected + startDelayMs,
    segments: [fullSegment(1, connected + startDelayMs, callMs - startDelayMs + 30)],
    incidents: [],
  };
}
