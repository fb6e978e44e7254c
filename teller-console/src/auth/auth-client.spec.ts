import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, api } from './auth-client.ts';

function stubFetch(status = 200, body: unknown = {}) {
  const calls: Array<{ path: string; init: RequestInit }> = [];
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    calls.push({ path, init });
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

describe('api()', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the CSRF header with every change, and not with reads', async () => {
    const calls = stubFetch();
    await api('/api/users');
    await api('/api/users', { method: 'POST', body: { username: 'x' } });
    await api('/api/users/3', { method: 'PATCH', body: { disabled: true } });
    await api('/api/audit/verify', { method: 'POST' });
    const headers = calls.map((c) => c.init.headers as Record<string, string>);
    expect(headers[0]).toEqual({});
    expect(headers[1]).toEqual({ 'x-vtm-csrf': '1', 'content-type': 'application/json' });
    expect(headers[2]).toEqual({ 'x-vtm-csrf': '1', 'content-type': 'application/json' });
    expect(headers[3]).toEqual({ 'x-vtm-csrf': '1' });
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true);
  });

  it('turns an error reply into an ApiRequestError with the server\'s message', async () => {
    stubFetch(429, { error: { code: 'too-many-requests', message: 'too many failed sign-ins; try again in 900 s' } });
    const error = await api('/api/auth/sign-in', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 429, message: 'too many failed sign-ins; try again in 900 s' });
  });
});
