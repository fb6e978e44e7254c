/** Which checks a session gets, by how far it went, and how they add up to a verdict. */
import { describe, expect, it } from 'vitest';
import { applicableChecks, runQualityChecks } from './quality-checks.ts';
import { Timeline, completedSale, oneSegmentCall, plainCall } from './review-fixtures.ts';
import type { RegulatedFacts } from './review-facts.ts';

const CALL_CHECKS = ['consent-first', 'identity-before-questionnaire', 'answers-at-kiosk', 'level-recomputed', 'recording-coverage', 'media-presence'];
const ALL_CHECKS = [
  'consent-first', 'identity-before-questionnaire', 'answers-at-kiosk', 'level-recomputed', 'suitability-respected',
  'disclosure-before-signature', 'signature-document-hash', 'recording-coverage', 'media-presence',
];

/** A session that ended before any teller took it. */
function beforeCall(...types: string[]): RegulatedFacts {
  const t = new Timeline();
  for (const type of types) t.add(type);
  return { ...plainCall(), events: t.events };
}

/** The completed sale cut off after the first event of `type` (the rest never happened). */
async function saleUpTo(type: string, outcome: string | null = null): Promise<RegulatedFacts> {
  const sale = await completedSale();
  const events = sale.events.slice(0, sale.events.findIndex((e) => e.type === type) + 1);
  return { ...sale, events, signature: null, stored: { ...sale.stored, outcome } };
}

describe('which quality checks apply', () => {
  it.each([
    { name: 'consent declined', facts: async () => beforeCall('session.created', 'consent.declined', 'session.ended'), expected: ['consent-first'] },
    { name: 'abandoned at the kiosk', facts: async () => beforeCall('session.created', 'consent.given', 'identity.captured', 'session.ended'), expected: ['consent-first'] },
    { name: 'cancelled in the queue', facts: async () => beforeCall('session.created', 'consent.given', 'session.queued', 'session.ended'), expected: ['consent-first'] },
    { name: 'a call with nothing regulated', facts: async () => plainCall(), expected: CALL_CHECKS },
    { name: 'a call ended after the level', facts: () => saleUpTo('level.computed'), expected: CALL_CHECKS },
    {
      name: 'a product proposed, then the customer declined',
      facts: () => saleUpTo('disclosure.confirmed', 'declined-by-customer'),
      expected: ALL_CHECKS.filter((c) => !['disclosure-before-signature', 'signature-document-hash'].includes(c)),
    },
    { name: 'the acknowledgement asked for, then the call dropped', facts: () => saleUpTo('acknowledgement.requested'), expected: ALL_CHECKS },
    { name: 'closed as completed without signing', facts: () => saleUpTo('level.computed', 'completed'), expected: ALL_CHECKS },
    { name: 'a completed sale', facts: completedSale, expected: ALL_CHECKS },
  ])('$name: $expected.length checks', async ({ facts, expected }) => {
    expect(applicableChecks(await facts())).toEqual(expected);
  });
});

describe('the verdict', () => {
  it('passes a completed sale only when all nine checks pass', async () => {
    const report = await runQualityChecks(await completedSale(), oneSegmentCall());
    expect(report.checks.map((c) => c.id)).toEqual(ALL_CHECKS);
    expect(report.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('fails the session when any one check fails', async () => {
    const media = oneSegmentCall();
    media.segments[0]!.streams!.pop(); // no teller video
    const report = await runQualityChecks(await completedSale(), media);
    expect(report.passed).toBe(false);
    expect(report.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual(['media-presence']);
  });

  it('passes a declined consent on its one check', async () => {
    const report = await runQualityChecks(beforeCall('session.created', 'consent.declined', 'session.ended'), { ...oneSegmentCall(), segments: [] });
    expect(report).toEqual({ passed: true, checks: [{ id: 'consent-first', passed: true, reason: expect.stringContaining('declined recording') }] });
  });

  it('fails a check that cannot run, with the error as its reason, and runs the others', async () => {
    const facts = await completedSale();
    facts.events.find((e) => e.type === 'suitability.result')!.at = 'not a date';
    const report = await runQualityChecks(facts, oneSegmentCall());
    const suitability = report.checks.find((c) => c.id === 'suitability-respected')!;
    expect(suitability).toMatchObject({ passed: false, reason: expect.stringMatching(/^The check could not run: /) });
    expect(report.checks.filter((c) => !c.passed)).toHaveLength(1);
  });
});
