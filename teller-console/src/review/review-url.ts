/**
 * The review screen's place in the address bar: the list's filters, sort and page, and the
 * session open in detail (`?session=ID`), so a reviewer can bookmark or send a link to
 * either, and the browser's back button returns from a session to the same list.
 */
import {
  CustomerRiskLevel,
  QualityFilter,
  ReviewListQuery,
  ReviewSortKey,
  ReviewStatus,
  SessionId,
  SessionOutcome,
} from '@vtm/shared';

export interface ListFilters {
  /** Calendar days, YYYY-MM-DD, inclusive; '' for any. */
  from: string;
  to: string;
  teller: string;
  kiosk: string;
  outcome: SessionOutcome | '';
  riskLevel: CustomerRiskLevel | '';
  product: string;
  reviewStatus: ReviewStatus | '';
  quality: QualityFilter | '';
}

export interface ListQuery extends ListFilters {
  sort: ReviewSortKey;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export const FILTER_KEYS = ['from', 'to', 'teller', 'kiosk', 'outcome', 'riskLevel', 'product', 'reviewStatus', 'quality'] as const satisfies readonly (keyof ListFilters)[];

export const DEFAULT_PAGE_SIZE = 25;

export function emptyFilters(): ListFilters {
  return { from: '', to: '', teller: '', kiosk: '', outcome: '', riskLevel: '', product: '', reviewStatus: '', quality: '' };
}

export function defaultQuery(): ListQuery {
  return { ...emptyFilters(), sort: 'createdAt', order: 'desc', page: 1, pageSize: DEFAULT_PAGE_SIZE };
}

export interface ReviewLocation {
  query: ListQuery;
  /** The session open in detail, or null for the list. */
  sessionId: string | null;
}

/**
 * Reads `location.search`. A parameter that is not valid (a hand-edited link) is ignored
 * rather than failing the page, so the list still opens with the rest.
 */
export function parseReviewLocation(search: string): ReviewLocation {
  const params = new URLSearchParams(search);
  const query = defaultQuery() as unknown as Record<string, unknown>;
  for (const [key, schema] of Object.entries(ReviewListQuery.shape)) {
    const raw = params.get(key);
    if (raw === null || raw === '') continue;
    const parsed = schema.safeParse(raw);
    if (parsed.success && parsed.data !== undefined) query[key] = parsed.data;
  }
  const session = SessionId.safeParse(params.get('session'));
  return { query: query as unknown as ListQuery, sessionId: session.success ? session.data : null };
}

/**
 * The query string for a list query. For the address bar only what differs from the
 * defaults is written; for the API (`all`) every field, blank meaning "any".
 */
export function listSearchParams(query: ListQuery, options: { all?: boolean } = {}): URLSearchParams {
  const defaults = defaultQuery();
  const params = new URLSearchParams();
  for (const key of [...FILTER_KEYS, 'sort', 'order', 'page', 'pageSize'] as const) {
    const value = String(query[key]);
    if (options.all || value !== String(defaults[key])) params.set(key, value);
  }
  return params;
}

/** `?…` for the address bar: the list's query, and the open session if any. */
export function reviewSearch(location: ReviewLocation): string {
  const params = listSearchParams(location.query);
  if (location.sessionId) params.set('session', location.sessionId);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Clicking a column header: the same column flips its order; another starts at its natural order. */
export function toggleSort(query: ListQuery, key: ReviewSortKey): ListQuery {
  if (query.sort === key) return { ...query, order: query.order === 'asc' ? 'desc' : 'asc', page: 1 };
  const newestFirst = key === 'createdAt' || key === 'endedAt';
  return { ...query, sort: key, order: newestFirst ? 'desc' : 'asc', page: 1 };
}

/** The filters of a list query (what the filter form shows). */
export function filtersOf(query: ListQuery): ListFilters {
  const { from, to, teller, kiosk, outcome, riskLevel, product, reviewStatus, quality } = query;
  return { from, to, teller, kiosk, outcome, riskLevel, product, reviewStatus, quality };
}

/** New filters start again from the first page. */
export function withFilters(query: ListQuery, filters: ListFilters): ListQuery {
  const next = { ...query, page: 1 };
  for (const key of FILTER_KEYS) (next as Record<string, unknown>)[key] = filters[key];
  return next;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
