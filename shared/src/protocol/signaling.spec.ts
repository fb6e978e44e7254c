import { describe, expect, it } from 'vitest';
import { RequestFrame, isMethod, requests } from './signaling.ts';

describe('signaling protocol schemas', () => {
  it('knows its methods and nothing inherited', () => {
    expect(isMethod('hello')).toBe(true);
    expect(isMethod('toString')).toBe(false);
    expect(isMethod('__proto__')).toBe(false);
  });

  it('accepts a well-formed request frame and refuses extra keys', () => {
    expect(RequestFrame.safeParse({ id: 1, method: 'hello', data: {} }).success).toBe(true);
    expect(RequestFrame.safeParse({ id: 1, method: 'hello', data: {}, x: 1 }).success).toBe(false);
    expect(RequestFrame.safeParse({ id: -1, method: 'hello', data: {} }).success).toBe(false);
  });

  it('validates request data strictly', () => {
    // A kiosk gives only its credential: its name and location are the server's record.
    expect(requests.hello.data.safeParse({ role: 'kiosk', credential: 'abc' }).data).toEqual({ role: 'kiosk', credential: 'abc' });
    expect(requests.hello.data.safeParse({ role: 'kiosk' }).data).toEqual({ role: 'kiosk', credential: '' });
    expect(requests.hello.data.safeParse({ role: 'kiosk', name: 'VTM-1' }).success).toBe(false);
    expect(requests.hello.data.safeParse({ role: 'kiosk', credential: 'x'.repeat(201) }).success).toBe(false);
    expect(requests.hello.data.safeParse({ role: 'kiosk', credential: 'a', admin: true }).success).toBe(false);
    expect(requests['transport.create'].data.safeParse({ direction: 'sideways' }).success).toBe(false);
    expect(
      requests.produce.data.safeParse({
        transportId: crypto.randomUUID(),
        kind: 'video',
        rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 300, clockRate: 90000 }] },
      }).success,
    ).toBe(false);
  });

  it('refuses a passport whose fields cannot be written as a machine-readable zone', () => {
    const identity = (surname: string, expiryDate = '2030-01-01') => ({
      document: {
        kind: 'passport-td3',
        fields: { documentType: 'P', issuingCountry: 'CHN', surname, givenNames: 'SAN', documentNumber: 'E12345678', nationality: 'CHN', birthDate: '1990-01-01', sex: 'M', expiryDate },
        imageEvidenceId: 1,
      },
      ocr: { fields: {}, confidence: {} },
      customerCorrections: [],
      automaticCorrections: [],
    });
    expect(requests['customer.identify'].data.safeParse(identity('ZHANG')).success).toBe(true);
    expect(requests['customer.identify'].data.safeParse(identity('Zoë-Ann O’Neil')).success).toBe(true);
    expect(requests['customer.identify'].data.safeParse(identity('张')).success).toBe(false);
    expect(requests['customer.identify'].data.safeParse(identity('ZHANG', '2130-01-01')).success).toBe(false);
  });
});
