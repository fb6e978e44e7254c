/**
 * The reviewer's list query against a real SQLite file built by the project's migrations:
 * every filter, paging, sorting both ways with a stable tie-break, the review status from
 * the latest decision, and the append-only decisions table.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedSession, type SeededSession } from '../../review/review-seed.ts';
import { DataKeyring } from '../encryption/data-keys.ts';
import type { Repositories, ReviewListCriteria } from '../repositories.ts';
import { createSqliteRepositories } from './index.ts';
import { reviewListStatements } from './review-list.query.ts';

const ANY: ReviewListCriteria = {
  createdFrom: null,
  createdBefore: null,
  tellerName: null,
  kioskName: null,
  outcome: null,
  riskLevel: null,
  productCode: null,
  reviewStatus: null,
  quality: null,
  sort: 'createdAt',
  order: 'asc',
  limit: 100,
  offset: 0,
};

describe('review list query (real SQLite file)', () => {
  let dir: string;
  let file: string;
  let repos: Repositories;
  /** Seeded session ids by a name each test gives them. */
  let ids: Record<string, string>;

  const seed = async (sessions: Record<string, SeededSession>) => {
    for (const [name, spec] of Object.entries(sessions)) ids[name] = await seedSession(repos, spec);
  };
  /** The names of the sessions a query returns, in its order. */
  const names = async (criteria: Partial<ReviewListCriteria> = {}) => {
    const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const { rows } = await repos.review.listForReview({ ...ANY, ...criteria });
    return rows.map((r) => byId.get(r.id));
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-review-list-'));
    file = path.join(dir, 'vtm.sqlite');
    repos = createSqliteRepositories(file, { dataKeys: new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1') });
    ids = {};
  });

  afterEach(async () => {
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists sessions that reached the queue, in any state, and leaves drafts out', async () => {
    await seed({
      draft: { createdAt: '2026-03-01T01:00:00.000Z', state: 'draft' },
      declined: { createdAt: '2026-03-01T02:00:00.000Z', state: 'abandoned-draft', endReason: 'consent-declined' },
      waiting: { createdAt: '2026-03-01T03:00:00.000Z', state: 'waiting' },
      active: { createdAt: '2026-03-01T04:00:00.000Z', state: 'active' },
      ended: { createdAt: '2026-03-01T05:00:00.000Z' },
      interrupted: { createdAt: '2026-03-01T06:00:00.000Z', endReason: 'interrupted' },
    });
    expect(await names()).toEqual(['waiting', 'active', 'ended', 'interrupted']);
    const { rows } = await repos.review.listForReview(ANY);
    expect(rows.map((r) => r.state)).toEqual(['waiting', 'active', 'ended', 'ended']);
  });

  it('filters by calendar days (UTC), both ends inclusive', async () => {
    await seed({
      before: { createdAt: '2026-02-28T23:59:59.999Z' },
      firstMoment: { createdAt: '2026-03-01T00:00:00.000Z' },
      lastMoment: { createdAt: '2026-03-02T23:59:59.999Z' },
      after: { createdAt: '2026-03-03T00:00:00.000Z' },
    });
    const days = { createdFrom: '2026-03-01T00:00:00.000Z', createdBefore: '2026-03-03T00:00:00.000Z' };
    expect(await names(days)).toEqual(['firstMoment', 'lastMoment']);
    expect(await names({ createdFrom: days.createdFrom })).toEqual(['firstMoment', 'lastMoment', 'after']);
    expect(await names({ createdBefore: days.createdBefore })).toEqual(['before', 'firstMoment', 'lastMoment']);
  });

  it('filters by teller, kiosk, outcome, risk level and product', async () => {
    await seed({
      a: { createdAt: '2026-03-01T01:00:00.000Z', teller: 'teller1', kiosk: 'VTM-1', outcome: 'completed', riskLevel: 'C3', product: 'WM-R3-365D' },
      b: { createdAt: '2026-03-01T02:00:00.000Z', teller: 'teller2', kiosk: 'VTM-2', outcome: 'unsuitable', riskLevel: 'C1' },
      c: { createdAt: '2026-03-01T03:00:00.000Z', teller: 'teller1', kiosk: 'VTM-2', outcome: 'completed', riskLevel: 'C3', product: 'WM-R1-90D' },
      queued: { createdAt: '2026-03-01T04:00:00.000Z', state: 'waiting', kiosk: 'VTM-1' },
    });
    expect(await names({ tellerName: 'teller1' })).toEqual(['a', 'c']);
    expect(await names({ kioskName: 'VTM-1' })).toEqual(['a', 'queued']);
    expect(await names({ outcome: 'unsuitable' })).toEqual(['b']);
    expect(await names({ riskLevel: 'C3' })).toEqual(['a', 'c']);
    expect(await names({ productCode: 'WM-R1-90D' })).toEqual(['c']);
    expect(await names({ tellerName: 'teller1', kioskName: 'VTM-2', riskLevel: 'C3' })).toEqual(['c']);
    expect(await names({ tellerName: 'nobody' })).toEqual([]);
  });

  it('takes the review status from the latest decision, pending without one', async () => {
    await seed({
      undecided: { createdAt: '2026-03-01T01:00:00.000Z' },
      approved: { createdAt: '2026-03-01T02:00:00.000Z', decisions: ['approved'] },
      reconsidered: { createdAt: '2026-03-01T03:00:00.000Z', decisions: ['approved', 'follow-up', 'rejected'] },
      followUp: { createdAt: '2026-03-01T04:00:00.000Z', decisions: ['rejected', 'follow-up'] },
    });
    const { rows } = await repos.review.listForReview(ANY);
    expect(rows.map((r) => r.reviewStatus)).toEqual(['pending', 'approved', 'rejected', 'follow-up']);
    expect(await names({ reviewStatus: 'pending' })).toEqual(['undecided']);
    expect(await names({ reviewStatus: 'approved' })).toEqual(['approved']);
    expect(await names({ reviewStatus: 'rejected' })).toEqual(['reconsidered']);
    expect(await names({ reviewStatus: 'follow-up' })).toEqual(['followUp']);
  });

  it('filters by the quality verdict; a session not (completely) finalised is pending', async () => {
    await seed({
      passed: { createdAt: '2026-03-01T01:00:00.000Z', quality: 'passed' },
      failed: { createdAt: '2026-03-01T02:00:00.000Z', quality: 'failed', failedChecks: ['recording-coverage', 'consent-first'] },
      running: { createdAt: '2026-03-01T03:00:00.000Z', quality: 'running' },
      never: { createdAt: '2026-03-01T04:00:00.000Z' },
    });
    expect(await names({ quality: 'passed' })).toEqual(['passed']);
    expect(await names({ quality: 'failed' })).toEqual(['failed']);
    expect(await names({ quality: 'pending' })).toEqual(['running', 'never']);
    const { rows } = await repos.review.listForReview(ANY);
    expect(rows.map((r) => [r.qualityPassed, r.failedChecks])).toEqual([
      [true, []],
      // In the order the checks were stored.
      [false, ['consent-first', 'recording-coverage']],
      [null, []],
      [null, []],
    ]);
  });

  it('pages through every match exactly once and counts them all', async () => {
    for (let i = 0; i < 7; i++) await seed({ [`s${i}`]: { createdAt: `2026-03-0${i + 1}T08:00:00.000Z` } });
    await seed({ draft: { createdAt: '2026-03-09T08:00:00.000Z', state: 'draft' } });
    const pages = [];
    for (let offset = 0; offset < 9; offset += 3) pages.push(await repos.review.listForReview({ ...ANY, limit: 3, offset }));
    expect(pages.map((p) => p.total)).toEqual([7, 7, 7]);
    expect(pages.map((p) => p.rows.length)).toEqual([3, 3, 1]);
    const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    expect(pages.flatMap((p) => p.rows.map((r) => byId.get(r.id)))).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(await repos.review.listForReview({ ...ANY, limit: 3, offset: 30 })).toEqual({ rows: [], total: 7 });
  });

  it('sorts by each key both ways, empty values last, equal keys in id order', async () => {
    await seed({
      early: { createdAt: '2026-03-01T01:00:00.000Z', kiosk: 'VTM-B', teller: 'teller2', riskLevel: 'C2', endedAt: '2026-03-05T00:00:00.000Z', decisions: ['approved'] },
      middle: { createdAt: '2026-03-02T01:00:00.000Z', kiosk: 'VTM-A', teller: 'teller1', riskLevel: 'C4', endedAt: '2026-03-03T00:00:00.000Z', decisions: ['rejected'] },
      late: { createdAt: '2026-03-03T01:00:00.000Z', kiosk: 'VTM-C', state: 'waiting' },
    });
    expect(await names({ sort: 'createdAt', order: 'asc' })).toEqual(['early', 'middle', 'late']);
    expect(await names({ sort: 'createdAt', order: 'desc' })).toEqual(['late', 'middle', 'early']);
    expect(await names({ sort: 'endedAt', order: 'asc' })).toEqual(['middle', 'early', 'late']);
    expect(await names({ sort: 'endedAt', order: 'desc' })).toEqual(['early', 'middle', 'late']);
    expect(await names({ sort: 'kioskName', order: 'asc' })).toEqual(['middle', 'early', 'late']);
    expect(await names({ sort: 'kioskName', order: 'desc' })).toEqual(['late', 'early', 'middle']);
    expect(await names({ sort: 'tellerName', order: 'asc' })).toEqual(['middle', 'early', 'late']);
    expect(await names({ sort: 'tellerName', order: 'desc' })).toEqual(['early', 'middle', 'late']);
    expect(await names({ sort: 'riskLevel', order: 'asc' })).toEqual(['early', 'middle', 'late']);
    expect(await names({ sort: 'riskLevel', order: 'desc' })).toEqual(['middle', 'early', 'late']);
    // Pending work first when ascending: pending, follow-up, rejected, approved.
    expect(await names({ sort: 'reviewStatus', order: 'asc' })).toEqual(['late', 'middle', 'early']);
    expect(await names({ sort: 'reviewStatus', order: 'desc' })).toEqual(['early', 'middle', 'late']);

    ids = {};
    for (let i = 0; i < 5; i++) await seed({ [`same${i}`]: { createdAt: '2026-04-01T00:00:00.000Z', kiosk: 'VTM-SAME' } });
    const ascending = (await repos.review.listForReview({ ...ANY, kioskName: 'VTM-SAME', sort: 'kioskName', order: 'asc' })).rows.map((r) => r.id);
    const descending = (await repos.review.listForReview({ ...ANY, kioskName: 'VTM-SAME', sort: 'kioskName', order: 'desc' })).rows.map((r) => r.id);
    expect(ascending).toEqual([...ascending].sort());
    expect(descending).toEqual([...ascending].reverse());
  });

  it('returns the customer as stored (the service masks it) and the purge marker', async () => {
    await seed({ one: { createdAt: '2026-03-01T01:00:00.000Z', customer: { name: '张三丰', documentNumber: '110105194912310025' } } });
    const db = new Database(file);
    db.prepare('UPDATE sessions SET purged_at = ? WHERE id = ?').run('2031-03-01T00:00:00.000Z', ids['one']);
    db.close();
    const [row] = (await repos.review.listForReview(ANY)).rows;
    expect(row).toMatchObject({ customerName: '张三丰', documentNumber: '110105194912310025', purgedAt: '2031-03-01T00:00:00.000Z' });
  });

  it('offers the distinct tellers, kiosks and products of listed sessions, sorted', async () => {
    await seed({
      a: { createdAt: '2026-03-01T01:00:00.000Z', teller: 'teller2', kiosk: 'VTM-2', product: 'WM-R3-365D' },
      b: { createdAt: '2026-03-01T02:00:00.000Z', teller: 'teller1', kiosk: 'VTM-1', product: 'WM-R1-90D' },
      c: { createdAt: '2026-03-01T03:00:00.000Z', teller: 'teller1', kiosk: 'VTM-2' },
      draft: { createdAt: '2026-03-01T04:00:00.000Z', state: 'draft', kiosk: 'VTM-DRAFT-ONLY' },
    });
    expect(await repos.review.reviewFilterOptions()).toEqual({
      tellers: ['teller1', 'teller2'],
      kiosks: ['VTM-1', 'VTM-2'],
      products: ['WM-R1-90D', 'WM-R3-365D'],
    });
  });

  it('keeps decisions append-only: the database refuses to change or remove one, or to store one without a comment', async () => {
    await seed({ decided: { createdAt: '2026-03-01T01:00:00.000Z', decisions: ['approved', 'rejected'] } });
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE review_decisions SET decision = 'approved'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM review_decisions').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    await expect(
      repos.review.addDecision({ sessionId: ids['decided']!, decision: 'approved', comment: '   ', reviewer: 'compliance1', decidedAt: new Date().toISOString() }),
    ).rejects.toThrow(/CHECK/);
    expect((await repos.review.decisionsFor(ids['decided']!)).map((d) => d.decision)).toEqual(['approved', 'rejected']);
  });

  it('pages newest first and counts from the index of reviewable sessions, without sorting the table', async () => {
    const plan = (sql: string, params: Record<string, unknown>) => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      } finally {
        db.close();
      }
    };
    for (const order of ['desc', 'asc'] as const) {
      const statements = reviewListStatements({ ...ANY, order });
      const page = plan(statements.page, statements.params);
      expect(page).toContain('sessions_reviewable_created');
      expect(page).not.toContain('TEMP B-TREE');
      expect(plan(statements.count, statements.where.params)).toContain('sessions_reviewable_created');
    }
  });
});
