/**
 * The fields of the confirm screen: which fields each document has and how each is
 * corrected at the kiosk, what OCR read, the same validation the server runs again, and
 * the `customer.identify` message built from what the customer confirmed.
 *
 * How a field is corrected without a physical keyboard (the kiosk has a touch screen only):
 *   - ID number: an on-screen keypad of 0–9 and X;
 *   - dates: an on-screen keypad of digits (the dashes are put in), plus 长期 for the
 *     end of a long-term card's validity;
 *   - sex: two large buttons; ethnicity: a grid of the 56 groups (plus "other" as text);
 *   - passport fields (A–Z, 0–9): an on-screen Latin keyboard;
 *   - Chinese free text (name, address, issuing authority): the operating system's own
 *     text input with its Chinese on-screen input method. Writing Chinese needs an input
 *     method (pinyin or handwriting) that a home-made keyboard would do worse than the OS,
 *     and these are the only fields where it is used.
 */
import {
  blockingFailures,
  CustomerIdentity,
  formatTd3Mrz,
  parseTd3Mrz,
  validateResidentIdBack,
  validateResidentIdFront,
  type FieldCheck,
  type ResidentIdBack,
  type ResidentIdFront,
} from '@vtm/shared';
import { cleanMrzLine } from '@vtm/shared/ocr';
import type { CapturedSide, DocumentChoice } from './capture-flow.ts';

export type FieldInput = 'id-number' | 'date' | 'validity-end' | 'sex-cn' | 'sex-mrz' | 'ethnicity' | 'chinese-text' | 'latin' | 'country';

/** The on-screen keyboards (see OnScreenKeyboard.svelte). */
export type KeyboardLayout = 'id-number' | 'date' | 'validity-end' | 'latin';

/** The keyboard a field is corrected with, or null when it is corrected otherwise (choice buttons, OS text input). */
export function keyboardFor(input: FieldInput): KeyboardLayout | null {
  switch (input) {
    case 'id-number':
    case 'date':
    case 'validity-end':
      return input;
    case 'latin':
    case 'country':
      return 'latin';
    default:
      return null;
  }
}

export interface FieldSpec {
  name: string;
  input: FieldInput;
  maxLength: number;
}

export const DOCUMENT_FIELDS: Record<DocumentChoice, readonly FieldSpec[]> = {
  'cn-resident-id': [
    { name: 'name', input: 'chinese-text', maxLength: 30 },
    { name: 'sex', input: 'sex-cn', maxLength: 1 },
    { name: 'ethnicity', input: 'ethnicity', maxLength: 10 },
    { name: 'birthDate', input: 'date', maxLength: 10 },
    { name: 'address', input: 'chinese-text', maxLength: 120 },
    { name: 'idNumber', input: 'id-number', maxLength: 18 },
    { name: 'issuingAuthority', input: 'chinese-text', maxLength: 40 },
    { name: 'validFrom', input: 'date', maxLength: 10 },
    { name: 'validTo', input: 'validity-end', maxLength: 10 },
  ],
  'passport-td3': [
    { name: 'surname', input: 'latin', maxLength: 39 },
    { name: 'givenNames', input: 'latin', maxLength: 39 },
    { name: 'documentNumber', input: 'latin', maxLength: 9 },
    { name: 'nationality', input: 'country', maxLength: 3 },
    { name: 'issuingCountry', input: 'country', maxLength: 3 },
    { name: 'birthDate', input: 'date', maxLength: 10 },
    { name: 'sex', input: 'sex-mrz', maxLength: 1 },
    { name: 'expiryDate', input: 'date', maxLength: 10 },
  ],
};

export type FieldValues = Record<string, string>;

/** Every field as OCR read it, across the document's sides. */
export function ocrValues(captured: readonly CapturedSide[]): FieldValues {
  return Object.assign({}, ...captured.map((c) => ({ ...(c.reading.fields as Record<string, string>) }))) as FieldValues;
}

/** OCR's confidence (0–1) per field, across the document's sides. */
export function ocrConfidences(captured: readonly CapturedSide[]): Record<string, number> {
  return Object.assign({}, ...captured.map((c) => ({ ...c.reading.confidence.fields }))) as Record<string, number>;
}

export interface AutomaticCorrection {
  field: string;
  position: number;
  from: string;
  to: string;
}

/** Characters the reader repaired itself (check digits, the field's alphabet, the passport's visual zone). */
export function automaticCorrections(captured: readonly CapturedSide[]): AutomaticCorrection[] {
  return captured
    .flatMap((c) => c.reading.corrections)
    .map(({ field, position, from, to }) => ({ field, position, from: from.slice(0, 4), to: to.slice(0, 4) }))
    .slice(0, 20);
}

/** The passport's document type (P, PO, …) from the first MRZ line as read; 'P' when unreadable. */
export function passportDocumentType(captured: readonly CapturedSide[]): string {
  const page = captured.find((c) => c.kind === 'passport-td3');
  const line1 = cleanMrzLine(page?.reading.raw['mrz1'] ?? '');
  const type = line1.slice(0, 2).replace(/<+$/, '');
  return /^P[A-Z]?$/.test(type) ? type : 'P';
}

function residentIdFront(values: FieldValues): ResidentIdFront {
  return {
    name: values['name'] ?? '',
    sex: (values['sex'] ?? '') as ResidentIdFront['sex'],
    ethnicity: values['ethnicity'] ?? '',
    birthDate: values['birthDate'] ?? '',
    address: values['address'] ?? '',
    idNumber: values['idNumber'] ?? '',
  };
}

function residentIdBack(values: FieldValues): ResidentIdBack {
  return { issuingAuthority: values['issuingAuthority'] ?? '', validFrom: values['validFrom'] ?? '', validTo: values['validTo'] ?? '' };
}

/** Passport fields in the protocol's shape; names in MRZ style (upper case, single spaces). */
function passportFields(values: FieldValues, documentType: string) {
  const upper = (name: string) => (values[name] ?? '').toUpperCase().replace(/\s+/g, ' ').trim();
  return {
    documentType,
    issuingCountry: upper('issuingCountry'),
    surname: upper('surname'),
    givenNames: upper('givenNames'),
    documentNumber: upper('documentNumber'),
    nationality: upper('nationality'),
    birthDate: values['birthDate'] ?? '',
    sex: upper('sex') as 'M' | 'F' | 'X',
    expiryDate: values['expiryDate'] ?? '',
  };
}

/**
 * The shared validators' checks of the values as they stand: exactly what the server runs
 * again on `customer.identify`. A passport's fields are written back into MRZ lines and
 * parsed (the server does the same); fields that cannot be written give a 'format' failure.
 */
export function validateValues(document: DocumentChoice, values: FieldValues, documentType = 'P', today = new Date()): FieldCheck[] {
  if (document === 'cn-resident-id') {
    const front = residentIdFront(values);
    return [...validateResidentIdFront(front, { today }), ...validateResidentIdBack(residentIdBack(values), { today, birthDate: front.birthDate })];
  }
  try {
    const [line1, line2] = formatTd3Mrz(passportFields(values, documentType));
    return parseTd3Mrz(line1, line2, { today }).checks;
  } catch {
    return formatProblems('passport-td3', values, documentType).map((field) => ({
      id: 'format',
      field,
      status: 'fail' as const,
      message: 'cannot be written in the machine-readable zone',
    }));
  }
}

/** Fields whose value the protocol would refuse outright (wrong shape), by the protocol's own schema. */
export function formatProblems(document: DocumentChoice, values: FieldValues, documentType = 'P'): string[] {
  const doc =
    document === 'cn-resident-id'
      ? { kind: 'cn-resident-id' as const, front: residentIdFront(values), back: residentIdBack(values), frontImageEvidenceId: 1, backImageEvidenceId: 1 }
      : { kind: 'passport-td3' as const, fields: passportFields(values, documentType), imageEvidenceId: 1 };
  const parsed = CustomerIdentity.shape.document.safeParse(doc);
  if (parsed.success) return [];
  const fields = parsed.error.issues.map((issue) => String(issue.path.at(-1) ?? ''));
  return [...new Set(fields.filter((f) => f !== ''))];
}

/** Fields the customer must still correct before confirming: wrong shape, or a blocking check failing on them. */
export function fieldsToFix(document: DocumentChoice, values: FieldValues, documentType = 'P', today = new Date()): Set<string> {
  const names = new Set(DOCUMENT_FIELDS[document].map((f) => f.name));
  const bad = new Set(formatProblems(document, values, documentType));
  for (const check of blockingFailures(validateValues(document, values, documentType, today))) {
    if (names.has(check.field)) bad.add(check.field);
  }
  return bad;
}

export interface EvidenceIds {
  front?: number;
  back?: number;
  page?: number;
}

/** The `customer.identify` message: the confirmed values, what OCR read, and who corrected what. */
export function buildIdentity(
  document: DocumentChoice,
  captured: readonly CapturedSide[],
  values: FieldValues,
  evidence: EvidenceIds,
): CustomerIdentity {
  const ocr = ocrValues(captured);
  const confidence = ocrConfidences(captured);
  const names = DOCUMENT_FIELDS[document].map((f) => f.name);
  const customerCorrections = names
    .filter((name) => (values[name] ?? '') !== (ocr[name] ?? ''))
    .map((name) => ({ field: name, ocrValue: (ocr[name] ?? '').slice(0, 200), confirmedValue: (values[name] ?? '').slice(0, 200) }));
  const ocrPart = {
    fields: Object.fromEntries(names.map((n) => [n, (ocr[n] ?? '').slice(0, 200)])),
    confidence: Object.fromEntries(names.map((n) => [n, clamp01(confidence[n] ?? 0)])),
  };
  const base = { ocr: ocrPart, customerCorrections, automaticCorrections: automaticCorrections(captured) };
  if (document === 'cn-resident-id') {
    if (evidence.front === undefined || evidence.back === undefined) throw new Error('both sides of the card must be uploaded first');
    return {
      document: {
        kind: 'cn-resident-id',
        front: residentIdFront(values),
        back: residentIdBack(values),
        frontImageEvidenceId: evidence.front,
        backImageEvidenceId: evidence.back,
      },
      ...base,
    };
  }
  if (evidence.page === undefined) throw new Error('the passport page must be uploaded first');
  return {
    document: { kind: 'passport-td3', fields: passportFields(values, passportDocumentType(captured)), imageEvidenceId: evidence.page },
    ...base,
  };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
}

// ---------------------------------------------------------------- keypad input

/** A date typed as digits only, shown with dashes as it grows: 1990 → 1990, 199001 → 1990-01, 19900115 → 1990-01-15. */
export function formatDateDigits(digits: string): string {
  const d = digits.replace(/\D/g, '').slice(0, 8);
  if (d.length <= 4) return d;
  if (d.length <= 6) return `${d.slice(0, 4)}-${d.slice(4)}`;
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
}

/** What a key press makes of a value, for the field's kind of input. */
export function applyKey(input: FieldInput, value: string, key: string, maxLength: number): string {
  if (key === 'backspace') {
    if (input === 'date' || input === 'validity-end') {
      if (value === '长期') return '';
      return formatDateDigits(value.replace(/\D/g, '').slice(0, -1));
    }
    return [...value].slice(0, -1).join('');
  }
  if (key === 'clear') return '';
  if (input === 'validity-end' && key === '长期') return '长期';
  if (input === 'date' || input === 'validity-end') {
    if (!/^\d$/.test(key)) return value;
    const digits = value === '长期' ? '' : value.replace(/\D/g, '');
    return formatDateDigits(digits + key);
  }
  if (input === 'id-number') {
    if (!/^[0-9X]$/.test(key) || value.length >= maxLength) return value;
    return value + key;
  }
  if (input === 'latin' || input === 'country') {
    if (!/^[A-Z0-9 ]$/.test(key) || value.length >= maxLength) return value;
    if (key === ' ' && (value === '' || value.endsWith(' '))) return value;
    return value + key;
  }
  return value;
}
