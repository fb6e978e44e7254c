import { describe, expect, it } from 'vitest';
import { CustomerIdentity } from '@vtm/shared';
import type { DocumentReading } from '@vtm/shared/ocr';
import type { CapturedSide } from './capture-flow.ts';
import { applyKey, buildIdentity, fieldsToFix, formatDateDigits, formatProblems, ocrValues, passportDocumentType } from './document-fields.ts';

const TODAY = new Date('2026-06-01T04:00:00Z');
const geometry = { quad: null, fillsFrame: false, skewDegrees: 0, upsideDown: false };

const FRONT = { name: '张三', sex: '女', ethnicity: '汉', birthDate: '1949-12-31', address: '北京市朝阳区某路1号', idNumber: '11010519491231002X' };
const BACK = { issuingAuthority: '北京市公安局朝阳分局', validFrom: '2010-01-01', validTo: '长期' };

const captured: CapturedSide[] = [
  {
    kind: 'cn-resident-id-front',
    image: new Blob(['front']),
    ms: 1,
    reading: {
      kind: 'cn-resident-id-front',
      fields: FRONT,
      checks: [],
      confidence: { overall: 0.8, fields: { name: 0.8, sex: 0.9, ethnicity: 0.9, birthDate: 0.95, address: 0.85, idNumber: 0.95 } },
      corrections: [{ field: 'idNumber', read: '110105194912310021', value: FRONT.idNumber, position: 17, from: '1', to: 'X', basis: 'only-candidate' }],
      raw: {},
      geometry,
    } as DocumentReading,
  },
  {
    kind: 'cn-resident-id-back',
    image: new Blob(['back']),
    ms: 1,
    reading: {
      kind: 'cn-resident-id-back',
      fields: BACK,
      checks: [],
      confidence: { overall: 0.9, fields: { issuingAuthority: 0.9, validFrom: 0.9, validTo: 0.9 } },
      corrections: [],
      raw: {},
      geometry,
    } as DocumentReading,
  },
];

describe('confirm-screen fields', () => {
  it('builds a customer.identify message the protocol accepts, with the customer corrections and OCR repairs', () => {
    const values = { ...ocrValues(captured), address: '北京市朝阳区某路2号' };
    const identity = buildIdentity('cn-resident-id', captured, values, { front: 7, back: 8 });
    expect(CustomerIdentity.safeParse(identity).success).toBe(true);
    expect(identity.document).toMatchObject({ kind: 'cn-resident-id', front: { ...FRONT, address: '北京市朝阳区某路2号' }, back: BACK, frontImageEvidenceId: 7, backImageEvidenceId: 8 });
    expect(identity.customerCorrections).toEqual([{ field: 'address', ocrValue: FRONT.address, confirmedValue: '北京市朝阳区某路2号' }]);
    expect(identity.automaticCorrections).toEqual([{ field: 'idNumber', position: 17, from: '1', to: 'X' }]);
    expect(identity.ocr.fields).toEqual({ ...FRONT, ...BACK });
    expect(identity.ocr.confidence['idNumber']).toBe(0.95);
  });

  it('marks the fields to correct before confirming: a failed check digit, a malformed date', () => {
    const values = ocrValues(captured);
    expect([...fieldsToFix('cn-resident-id', values, 'P', TODAY)]).toEqual([]);
    expect([...fieldsToFix('cn-resident-id', { ...values, idNumber: '110105194912310021' }, 'P', TODAY)]).toContain('idNumber');
    expect(formatProblems('cn-resident-id', { ...values, validFrom: '2010-01' })).toEqual(['validFrom']);
    expect(formatProblems('cn-resident-id', { ...values, sex: '' })).toEqual(['sex']);
  });

  it('validates a passport as the server does: written back to MRZ lines and parsed', () => {
    const passport = { surname: 'ZHANG', givenNames: 'SAN', documentNumber: 'E12345678', nationality: 'CHN', issuingCountry: 'CHN', birthDate: '1980-01-02', sex: 'M', expiryDate: '2030-01-01' };
    expect([...fieldsToFix('passport-td3', passport, 'PO', TODAY)]).toEqual([]);
    expect([...fieldsToFix('passport-td3', { ...passport, expiryDate: '2025-01-01' }, 'PO', TODAY)]).toEqual(['expiryDate']);
    expect([...fieldsToFix('passport-td3', { ...passport, documentNumber: 'E1234-5678' }, 'PO', TODAY)]).toEqual(['documentNumber']);
  });

  it('takes the passport type from the first MRZ line', () => {
    const page = (mrz1: string): CapturedSide[] => [
      { kind: 'passport-td3', image: new Blob([]), ms: 1, reading: { kind: 'passport-td3', raw: { mrz1 } } as unknown as DocumentReading },
    ];
    expect(passportDocumentType(page('POCHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<'))).toBe('PO');
    expect(passportDocumentType(page('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'))).toBe('P');
    expect(passportDocumentType(page(''))).toBe('P');
  });

  it('types on the keypads: digits and X for the ID number, dashed dates, 长期', () => {
    let id = '';
    for (const key of ['1', '1', 'X', 'A', 'backspace', '0']) id = applyKey('id-number', id, key, 18);
    expect(id).toBe('110');
    let date = '';
    for (const key of '19491231'.split('')) date = applyKey('date', date, key, 10);
    expect(date).toBe('1949-12-31');
    expect(applyKey('date', date, '5', 10)).toBe('1949-12-31');
    expect(applyKey('date', date, 'backspace', 10)).toBe('1949-12-3');
    expect(applyKey('validity-end', '2030-01-01', '长期', 10)).toBe('长期');
    expect(applyKey('validity-end', '长期', '2', 10)).toBe('2');
    expect(applyKey('latin', 'ZHANG', ' ', 39)).toBe('ZHANG ');
    expect(applyKey('latin', 'ZHANG ', ' ', 39)).toBe('ZHANG ');
    expect(formatDateDigits('199001')).toBe('1990-01');
  });
});
