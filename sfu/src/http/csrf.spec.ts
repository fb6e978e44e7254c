import { describe, expect, it } from 'vitest';
import { crossSiteRefusal, csrfRefusal } from './csrf.ts';

const request = (method: string, headers: Record<string, string> = {}) => ({ method, headers: { host: 'vtm.bank.example:3000', ...headers } });
const withHeader = { 'x-vtm-csrf': '1' };

describe('csrfRefusal', () => {
  it('lets reads through untouched', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(csrfRefusal(request(method, { origin: 'https://evil.example' }))).toBeNull();
  });

  it('asks every change for the custom header', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) expect(csrfRefusal(request(method))).toMatch(/x-vtm-csrf/);
    expect(csrfRefusal(request('POST', { 'x-vtm-csrf': '0' }))).toMatch(/x-vtm-csrf/);
    expect(csrfRefusal(request('POST', withHeader))).toBeNull();
  });

  it('refuses a change from another origin even with the header', () => {
    expect(csrfRefusal(request('POST', { ...withHeader, origin: 'https://evil.example' }))).toMatch(/another origin/);
    expect(csrfRefusal(request('POST', { ...withHeader, origin: 'http://vtm.bank.example:3001' }))).toMatch(/another origin/);
    expect(csrfRefusal(request('POST', { ...withHeader, origin: 'null' }))).toMatch(/another origin/);
    expect(csrfRefusal(request('POST', { ...withHeader, origin: 'not a url' }))).toMatch(/another origin/);
    expect(csrfRefusal(request('POST', { ...withHeader, 'sec-fetch-site': 'cross-site' }))).toMatch(/cross-site/);
    expect(csrfRefusal(request('POST', { ...withHeader, 'sec-fetch-site': 'same-site' }))).toMatch(/same-site/);
  });

  it('accepts the console\'s own requests, as a browser and as a plain client sends them', () => {
    expect(csrfRefusal(request('PATCH', { ...withHeader, origin: 'http://vtm.bank.example:3000', 'sec-fetch-site': 'same-origin' }))).toBeNull();
    expect(csrfRefusal(request('PATCH', { ...withHeader, origin: 'https://vtm.bank.example:3000' }))).toBeNull();
    expect(csrfRefusal(request('DELETE', withHeader))).toBeNull();
  });
});

describe('crossSiteRefusal (sign-in)', () => {
  it('needs no header, only our own origin when the browser names one', () => {
    expect(crossSiteRefusal(request('POST'))).toBeNull();
    expect(crossSiteRefusal(request('POST', { origin: 'http://vtm.bank.example:3000', 'sec-fetch-site': 'same-origin' }))).toBeNull();
    expect(crossSiteRefusal(request('POST', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))).not.toBeNull();
  });
});
