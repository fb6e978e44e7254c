import { describe, expect, it } from 'vitest';
import { defaultQuery, emptyFilters, filtersOf, listSearchParams, pageCount, parseReviewLocation, reviewSearch, toggleSort, withFilters } from './review-url.ts';

const SESSION = '6f1c2d3e-4a5b-4c6d-8e7f-001122334455';

describe('review location', () => {
  it('reads filters, sort, page and the open session from the query string', () => {
    const location = parseReviewLocation(`?kiosk=VTM-1&from=2026-11-01&riskLevel=C3&quality=failed&sort=kioskName&order=asc&page=3&session=${SESSION}`);
    expect(location).toEqual({
      query: { ...defaultQuery(), kiosk: 'VTM-1', from: '2026-11-01', riskLevel: 'C3', quality: 'failed', sort: 'kioskName', order: 'asc', page: 3 },
      sessionId: SESSION,
    });
  });

  it('ignores what is not valid in a hand-edited link and keeps the rest', () => {
    const location = parseReviewLocation('?from=yesterday&riskLevel=C9&sort=secret&page=-2&pageSize=1000&teller=teller1&session=nope');
    expect(location).toEqual({ query: { ...defaultQuery(), teller: 'teller1' }, sessionId: null });
    expect(parseReviewLocation('')).toEqual({ query: defaultQuery(), sessionId: null });
  });

  it('writes only what differs from the defaults in the address bar, and reads it back', () => {
    const query = { ...defaultQuery(), kiosk: 'VTM 1', reviewStatus: 'follow-up' as const, page: 2 };
    const search = reviewSearch({ query, sessionId: SESSION });
    expect(search).toBe(`?kiosk=VTM+1&reviewStatus=follow-up&page=2&session=${SESSION}`);
    expect(parseReviewLocation(search)).toEqual({ query, sessionId: SESSION });
    expect(reviewSearch({ query: defaultQuery(), sessionId: null })).toBe('');
  });

  it('sends every field to the API, blank meaning any', () => {
    expect(listSearchParams({ ...defaultQuery(), kiosk: 'VTM-1' }, { all: true }).toString()).toBe(
      'from=&to=&teller=&kiosk=VTM-1&outcome=&riskLevel=&product=&reviewStatus=&quality=&sort=createdAt&order=desc&page=1&pageSize=25',
    );
  });
});

describe('list query changes', () => {
  it('flips the order of the sorted column, and starts another at its natural order', () => {
    const query = { ...defaultQuery(), page: 4 };
    expect(toggleSort(query, 'createdAt')).toMatchObject({ sort: 'createdAt', order: 'asc', page: 1 });
    expect(toggleSort(query, 'kioskName')).toMatchObject({ sort: 'kioskName', order: 'asc', page: 1 });
    expect(toggleSort({ ...query, sort: 'kioskName', order: 'asc' }, 'endedAt')).toMatchObject({ sort: 'endedAt', order: 'desc' });
  });

  it('starts new filters on the first page and keeps the sort', () => {
    const query = { ...defaultQuery(), sort: 'tellerName' as const, page: 5 };
    expect(withFilters(query, { ...emptyFilters(), outcome: 'completed' })).toEqual({ ...query, outcome: 'completed', page: 1 });
  });

  it('gives the form the query\'s filters only', () => {
    expect(filtersOf({ ...defaultQuery(), kiosk: 'VTM-1', page: 3 })).toEqual({ ...emptyFilters(), kiosk: 'VTM-1' });
  });

  it('counts pages, at least one', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
  });
});
