/**
 * The reviewer's session list in parameterised SQL: the database filters, sorts and
 * pages, so the list stays fast with years of sessions. Every value the client sends is
 * a parameter; only fixed text from this file (the sort column from the map below) is
 * spliced into the statements.
 */
import type { SqliteDatabase } from '../database.ts';
import type { ReviewListCriteria, ReviewListRow } from '../repositories.ts';
import { SealedFieldsError } from '../encryption/sealed-fields.ts';
import { PERSONAL_COLUMN_NAMES, type CustomerIdentityCipher, type StoredPersonalColumns } from './customer-identity-cipher.ts';

/**
 * A session's review status: its latest decision, or 'pending' without one. The index on
 * review_decisions (session_id, id) makes this one index probe per session.
 */
const REVIEW_STATUS_SQL = `COALESCE(
  (SELECT d.decision FROM review_decisions d WHERE d.session_id = s.id ORDER BY d.id DESC LIMIT 1), 'pending')`;

/** Finalisation's verdict only counts once finalisation is done (a running one is redone). */
const QUALITY_PASSED_SQL = `CASE WHEN f.state = 'done' THEN f.quality_passed END`;

/** The sortable columns: the only text ever spliced into the query. */
const SORT_COLUMNS: Record<ReviewListCriteria['sort'], string> = {
  createdAt: 's.created_at',
  endedAt: 's.ended_at',
  kioskName: 's.kiosk_name',
  tellerName: 's.teller_name',
  riskLevel: 's.risk_level',
  // Work still to do first when ascending: pending, follow-up, rejected, approved.
  reviewStatus: `CASE ${REVIEW_STATUS_SQL} WHEN 'pending' THEN 0 WHEN 'follow-up' THEN 1 WHEN 'rejected' THEN 2 ELSE 3 END`,
};

/**
 * What the filters and sort keys read: the session row alone. Filters on other tables are
 * EXISTS probes, paid only when that filter is asked for (a join would cost on every row).
 */
const FILTERED_SQL = 'FROM sessions s';

/** Sort keys with a value on every row (NOT NULL columns, the status expression). */
const NEVER_EMPTY = new Set<ReviewListCriteria['sort']>(['createdAt', 'kioskName', 'reviewStatus']);

const FINALISED_AS = (passed: 0 | 1) =>
  `EXISTS (SELECT 1 FROM finalisations f WHERE f.session_id = s.id AND f.state = 'done' AND f.quality_passed = ${passed})`;

/**
 * The customer's columns as they are stored (sealed, or plaintext from before encryption),
 * prefixed; opened in code for the page's rows only. Neither filters nor sorts read them.
 */
const IDENTITY_SQL = PERSONAL_COLUMN_NAMES.map((column) => `c.${column} AS identity_${column}`).join(', ');

type ListedIdentity = { [K in keyof StoredPersonalColumns as `identity_${K}`]: StoredPersonalColumns[K] | null };

interface ListedRow extends ListedIdentity {
  id: string;
  state: ReviewListRow['state'];
  created_at: string;
  ended_at: string | null;
  kiosk_name: string;
  teller_name: string | null;
  outcome: string | null;
  risk_level: string | null;
  product_code: string | null;
  quality_passed: 0 | 1 | null;
  failed_checks: string;
  review_status: ReviewListRow['reviewStatus'];
  purged_at: string | null;
}

/** The WHERE clause and its parameters for the criteria's filters. */
function whereClause(criteria: ReviewListCriteria): { sql: string; params: Record<string, string> } {
  // Drafts never reached the queue (declined consent, walked away early): nothing to review.
  const conditions = ['s.queued_at IS NOT NULL'];
  const params: Record<string, string> = {};
  const equals = (column: string, name: string, value: string | null) => {
    if (value === null) return;
    conditions.push(`${column} = @${name}`);
    params[name] = value;
  };
  if (criteria.createdFrom !== null) {
    conditions.push('s.created_at >= @createdFrom');
    params['createdFrom'] = criteria.createdFrom;
  }
  if (criteria.createdBefore !== null) {
    conditions.push('s.created_at < @createdBefore');
    params['createdBefore'] = criteria.createdBefore;
  }
  equals('s.teller_name', 'tellerName', criteria.tellerName);
  equals('s.kiosk_name', 'kioskName', criteria.kioskName);
  equals('s.outcome', 'outcome', criteria.outcome);
  equals('s.risk_level', 'riskLevel', criteria.riskLevel);
  equals('s.product_code', 'productCode', criteria.productCode);
  if (criteria.reviewStatus === 'pending') conditions.push('NOT EXISTS (SELECT 1 FROM review_decisions d WHERE d.session_id = s.id)');
  else equals(REVIEW_STATUS_SQL, 'reviewStatus', criteria.reviewStatus);
  if (criteria.quality === 'passed') conditions.push(FINALISED_AS(1));
  if (criteria.quality === 'failed') conditions.push(FINALISED_AS(0));
  if (criteria.quality === 'pending') conditions.push(`NOT EXISTS (SELECT 1 FROM finalisations f WHERE f.session_id = s.id AND f.state = 'done')`);
  return { sql: `WHERE ${conditions.join(' AND ')}`, params };
}

function orderClause(criteria: ReviewListCriteria): string {
  const direction = criteria.order === 'asc' ? 'ASC' : 'DESC';
  const column = SORT_COLUMNS[criteria.sort];
  // Empty values (no teller, not ended, no level) last either way; the id keeps equal keys in
  // a stable order. Columns that are never empty sort on their own, so an index can give the order.
  const emptyLast = NEVER_EMPTY.has(criteria.sort) ? '' : `(${column}) IS NULL, `;
  return `ORDER BY ${emptyLast}${column} ${direction}, s.id ${direction}`;
}

/**
 * Two steps so that the cost grows with the page, not with the years of sessions: the
 * filtered, sorted page of ids first (only the sort key is computed per matching row),
 * then the columns of those rows alone — the customer (sealed: opened in code, row by
 * row), the failed checks. The outer query
 * repeats the order, which costs nothing on one page.
 */
export function queryReviewList(db: SqliteDatabase, criteria: ReviewListCriteria, identities: CustomerIdentityCipher): { rows: ReviewListRow[]; total: number } {
  const { where, order, count, page, params } = reviewListStatements(criteria);
  const total = db.prepare(count).pluck().get(where.params) as number;
  const rows = db
    .prepare(
      `WITH page AS (${page})
       SELECT s.id, s.state, s.created_at, s.ended_at, s.kiosk_name, s.teller_name,
              ${IDENTITY_SQL},
              s.outcome, s.risk_level, s.product_code, s.purged_at,
              ${QUALITY_PASSED_SQL} AS quality_passed,
              (SELECT json_group_array(check_id) FROM
                 (SELECT q.check_id FROM quality_checks q WHERE q.session_id = s.id AND q.passed = 0 ORDER BY q.id)) AS failed_checks,
              ${REVIEW_STATUS_SQL} AS review_status
       FROM page
       JOIN sessions s ON s.id = page.id
       LEFT JOIN finalisations f ON f.session_id = s.id
       LEFT JOIN customer_identities c ON c.session_id = s.id
       ${order}`,
    )
    .all(params) as ListedRow[];
  return { rows: rows.map((r) => toListRow(r, identities)), total };
}

/** The count and the page of ids for the criteria (exported for the query plan's test). */
export function reviewListStatements(criteria: ReviewListCriteria) {
  const where = whereClause(criteria);
  const order = orderClause(criteria);
  return {
    where,
    order,
    count: `SELECT COUNT(*) ${FILTERED_SQL} ${where.sql}`,
    page: `SELECT s.id ${FILTERED_SQL} ${where.sql} ${order} LIMIT @limit OFFSET @offset`,
    params: { ...where.params, limit: criteria.limit, offset: criteria.offset },
  };
}

function toListRow(r: ListedRow, identities: CustomerIdentityCipher): ReviewListRow {
  const customer = r.identity_session_id === null ? null : openOrNull(identities, r);
  return {
    id: r.id,
    state: r.state,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    kioskName: r.kiosk_name,
    tellerName: r.teller_name,
    customerName: customer?.name ?? null,
    documentNumber: customer?.documentNumber ?? null,
    outcome: r.outcome,
    riskLevel: r.risk_level,
    productCode: r.product_code,
    qualityPassed: r.quality_passed === null ? null : r.quality_passed === 1,
    failedChecks: JSON.parse(r.failed_checks) as string[],
    reviewStatus: r.review_status,
    purgedAt: r.purged_at,
  };
}

/**
 * One damaged row must not take the whole list down: its customer shows as unknown there
 * (the session's own page, and audit verification, say what is wrong with it).
 */
function openOrNull(identities: CustomerIdentityCipher, r: ListedRow) {
  try {
    return identities.open(storedIdentity(r));
  } catch (error) {
    if (error instanceof SealedFieldsError) return null;
    throw error;
  }
}

function storedIdentity(r: ListedRow): StoredPersonalColumns {
  return Object.fromEntries(PERSONAL_COLUMN_NAMES.map((column) => [column, r[`identity_${column}`]])) as unknown as StoredPersonalColumns;
}

/** The values the list's drop-downs offer: those of sessions the list can show. */
export function queryReviewFilterOptions(db: SqliteDatabase): { tellers: string[]; kiosks: string[]; products: string[] } {
  const distinct = (column: string) =>
    db
      .prepare(`SELECT DISTINCT ${column} FROM sessions WHERE queued_at IS NOT NULL AND ${column} IS NOT NULL ORDER BY ${column}`)
      .pluck()
      .all() as string[];
  return { tellers: distinct('teller_name'), kiosks: distinct('kiosk_name'), products: distinct('product_code') };
}
