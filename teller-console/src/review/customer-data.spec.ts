import { describe, expect, it } from 'vitest';
import { describeRepair, fieldRows } from './customer-data.ts';

describe('fieldRows', () => {
  const customer = {
    fields: { name: '王小明', idNumber: '11010519491231002X', address: '北京市东城区', ethnicity: '汉' },
    ocrFields: { name: '王小朋', idNumber: '110105194912310027', address: '北京市东城区', validTo: '2030-01-01' },
    customerCorrections: [{ field: 'name', ocrValue: '王小朋', confirmedValue: '王小明' }],
    automaticCorrections: [{ field: 'idNumber', position: 17, from: '7', to: 'X' }],
  };

  it('says for each field whether it is as read, corrected by the customer, or different from OCR', () => {
    const rows = Object.fromEntries(fieldRows(customer).map((r) => [r.field, r]));
    expect(rows['address']).toMatchObject({ label: 'Address', value: '北京市东城区', ocrValue: null, status: 'as-read', repairs: [] });
    expect(rows['name']).toMatchObject({ value: '王小明', ocrValue: '王小朋', status: 'corrected-by-customer' });
    expect(rows['idNumber']).toMatchObject({ ocrValue: '110105194912310027', status: 'differs-from-ocr', repairs: [customer.automaticCorrections[0]] });
    expect(rows['ethnicity']).toMatchObject({ status: 'not-read', ocrValue: null });
  });

  it('keeps a field OCR read that the confirmed data lacks, last', () => {
    const rows = fieldRows(customer);
    expect(rows.at(-1)).toMatchObject({ field: 'validTo', label: 'Valid to', value: '', ocrValue: '2030-01-01', status: 'differs-from-ocr' });
  });

  it('describes a check-digit repair by its 1-based position', () => {
    expect(describeRepair({ field: 'idNumber', position: 17, from: '7', to: 'X' })).toBe('position 18: 7 → X');
  });
});
