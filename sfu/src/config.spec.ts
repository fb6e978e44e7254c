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

  it('stops with a clear message on a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' })).toThrow(/RTC_MIN_PORT must be below RTC_MAX_PORT/);
    expect(() => loadConfig({ HTTPS: '1', TLS_CERT: '/c.pem' })).toThrow(/TLS_CERT and TLS_KEY go together/);
  });
});
