/**
 * The reviewer's session list in parameterised SQL: the database filters, sorts and
 * pages, so the list stays fast with years of sessions. Every value the client sends is
 * a parameter; only fixed text from this file (the sort column from the map below) is
 * spliced into the statements.
 */
import type { SqliteDatabase } from '../database.ts';
import type { ReviewListCriteria, ReviewListRow } from '../repositories.ts';

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

const FINALISED_AS = (passed: 0 | 1) =>
  `EXISTS (SELECT 1 FROM finalisations f WHERE f.session_id = s.id AND f.state = 'done' AND f.quality_passed = ${passed})`;

interface ListedRow {
  id: string;
  state: ReviewListRow['state'];
  created_at: string;
  ended_at: string | null;
  kiosk_name: string;
  teller_name: string | null;
  customer_name: string | null;
  document_number: string | null;
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
  // Empty values (no teller, not ended, no level) last either way; the id keeps equal keys in a stable order.
  return `ORDER BY (${column}) IS NULL, ${column} ${direction}, s.id ${direction}`;
}

/**
 * Two steps so that the cost grows with the page, not with the years of sessions: the
 * filtered, sorted page of ids first (only the sort key is computed per matching row),
 * then the columns of those rows alone — the customer, the failed checks. The outer query
 * repeats the order, which costs nothing on one page.
 */
export function queryReviewList(db: SqliteDatabase, criteria: ReviewListCriteria): { rows: ReviewListRow[]; total: number } {
  const where = whereClause(criteria);
  const order = orderClause(criteria);
  const total = db.prepare(`SELECT COUNT(*) ${FILTERED_SQL} ${where.sql}`).pluck().get(where.params) as number;
  const rows = db
    .prepare(
      `WITH page AS (SELECT s.id ${FILTERED_SQL} ${where.sql} ${order} LIMIT @limit OFFSET @offset)
       SELECT s.id, s.state, s.created_at, s.ended_at, s.kiosk_name, s.teller_name,
              c.name AS customer_name, c.document_number,
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
    .all({ ...where.params, limit: criteria.limit, offset: criteria.offset }) as ListedRow[];
  return { rows: rows.map(toListRow), total };
}

function toListRow(r: ListedRow): ReviewListRow {
  return {
    id: r.id,
    state: r.state,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    kioskName: r.kiosk_name,
    tellerName: r.teller_name,
    customerName: r.customer_name,
    documentNumber: r.document_number,
    outcome: r.outcome,
    riskLevel: r.risk_level,
    productCode: r.product_code,
    qualityPassed: r.quality_passed === null ? null : r.quality_passed === 1,
    failedChecks: JSON.parse(r.failed_checks) as string[],
    reviewStatus: r.review_status,
    purgedAt: r.purged_at,
  };
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
