/**
 * The customer's document data as the reviewer checks it: each field as the customer
 * confirmed it, next to what OCR had read when the two differ, whether the customer
 * corrected it, and which characters the check digits repaired.
 */
import type { ReviewSessionDetail } from '@vtm/shared';

type Customer = NonNullable<ReviewSessionDetail['customer']>;
export type AutomaticCorrectionView = Customer['automaticCorrections'][number];

export const FIELD_NAMES: Readonly<Record<string, string>> = {
  name: 'Name',
  sex: 'Sex',
  ethnicity: 'Ethnicity',
  birthDate: 'Date of birth',
  address: 'Address',
  idNumber: 'ID number',
  issuingAuthority: 'Issuing authority',
  validFrom: 'Valid from',
  validTo: 'Valid to',
  documentType: 'Document type',
  issuingCountry: 'Issuing country',
  surname: 'Surname',
  givenNames: 'Given names',
  documentNumber: 'Document number',
  nationality: 'Nationality',
  expiryDate: 'Expiry date',
  personalNumber: 'Personal number',
};

export type FieldStatus =
  /** Confirmed as OCR read it. */
  | 'as-read'
  /** The customer changed what OCR read. */
  | 'corrected-by-customer'
  /** Differs from OCR without a recorded customer correction (e.g. repaired by the check digit). */
  | 'differs-from-ocr'
  /** OCR did not read this field; the customer entered it. */
  | 'not-read';

export interface FieldRow {
  field: string;
  label: string;
  value: string;
  /** What OCR read, when it differs from the confirmed value (or was not read: null). */
  ocrValue: string | null;
  status: FieldStatus;
  /** Characters of this field the reader repaired by the check digits. */
  repairs: AutomaticCorrectionView[];
}

export function fieldRows(customer: Pick<Customer, 'fields' | 'ocrFields' | 'customerCorrections' | 'automaticCorrections'>): FieldRow[] {
  const corrections = new Map(customer.customerCorrections.map((c) => [c.field, c]));
  const fields = [...Object.keys(customer.fields), ...Object.keys(customer.ocrFields).filter((f) => !(f in customer.fields))];
  return fields.map((field) => {
    const value = customer.fields[field] ?? '';
    const ocr = customer.ocrFields[field];
    const correction = corrections.get(field);
    const ocrValue = correction?.ocrValue ?? ocr;
    const status: FieldStatus = correction
      ? 'corrected-by-customer'
      : ocrValue === undefined || ocrValue === ''
        ? value === ''
          ? 'as-read'
          : 'not-read'
        : ocrValue === value
          ? 'as-read'
          : 'differs-from-ocr';
    return {
      field,
      label: FIELD_NAMES[field] ?? field,
      value,
      ocrValue: status === 'as-read' ? null : (ocrValue ?? null),
      status,
      repairs: customer.automaticCorrections.filter((c) => c.field === field),
    };
  });
}

/** "position 18: 7 → X" (positions counted from 1). */
export function describeRepair(repair: AutomaticCorrectionView): string {
  return `position ${repair.position + 1}: ${repair.from} → ${repair.to}`;
}
