import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({ ANNOUNCED_IP: '10.0.0.5' });
    expect(config).toMatchObject({
      port: 3000,
      dataDir: path.resolve('./data'),
      rtc: { minPort: 40000, maxPort: 49999, announcedAddress: '10.0.0.5' },
      tls: null,
    });
  });

  it('reads HTTPS with a given certificate', () => {
    expect(loadConfig({ HTTPS: '1', TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' }).tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(loadConfig({ HTTPS: '1' }).tls).toEqual({ certFile: null, keyFile: null });
  });

  it('limits failed sign-ins: 5 per username, then 15 minutes; 10 per address before back-off', () => {
    expect(loadConfig({ ANNOUNCED_IP: '10.0.0.5' }).signIn).toEqual({ maxFailuresPerUser: 5, lockoutMs: 900_000, freeFailuresPerAddress: 10 });
    expect(loadConfig({ ANNOUNCED_IP: '10.0.0.5', SIGN_IN_MAX_FAILURES: '3', SIGN_IN_LOCKOUT_S: '60', SIGN_IN_ADDRESS_FREE_FAILURES: '1000' }).signIn).toEqual({
      maxFailuresPerUser: 3,
      lockoutMs: 60_000,
      freeFailuresPerAddress: 1000,
    });
    expect(() => loadConfig({ SIGN_IN_MAX_FAILURES: '0' })).toThrow(/SIGN_IN_MAX_FAILURES/);
  });

  it('stops with a clear message on a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' })).toThrow(/RTC_MIN_PORT must be below RTC_MAX_PORT/);
    expect(() => loadConfig({ HTTPS: '1', TLS_CERT: '/c.pem' })).toThrow(/TLS_CERT and TLS_KEY go together/);
  });
});
