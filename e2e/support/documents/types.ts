/** What the generator produces: documents, their ground truth, and how they were degraded. */

export const DOCUMENT_KINDS = ['cn-resident-id-front', 'cn-resident-id-back', 'passport-td3'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const VARIANTS = ['clean', 'degraded'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface ResidentIdFrontFields {
  name: string;
  sex: '男' | '女';
  ethnicity: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** The address on one line, as printed over up to three lines. */
  address: string;
  idNumber: string;
}

export interface ResidentIdBackFields {
  issuingAuthority: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD, or 长期 for cards without end date (holders aged 46 or more at issue). */
  validTo: string;
}

export interface PassportFields {
  documentNumber: string;
  surname: string;
  /** Space separated, as in the visual zone (the MRZ separates them with '<'). */
  givenNames: string;
  nationality: string;
  issuingCountry: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
  /** YYYY-MM-DD */
  expiryDate: string;
}

export interface FieldsByKind {
  'cn-resident-id-front': ResidentIdFrontFields;
  'cn-resident-id-back': ResidentIdBackFields;
  'passport-td3': PassportFields;
}

/** The parameters a degraded image was made with, so a failing OCR case can be explained. */
export interface Degradation {
  /** The effects applied, in the order a camera would apply them. */
  effects: Array<'frame' | 'rotation' | 'perspective' | 'blur' | 'lighting' | 'noise' | 'jpeg'>;
  /** One line for humans, e.g. "rotated 2.1°, blur 0.8 px, JPEG q57". */
  summary: string;
  frame: { width: number; height: number; background: string; cardScale: number; offsetX: number; offsetY: number };
  rotationDeg: number;
  perspective: { rotateXDeg: number; rotateYDeg: number };
  blurPx: number;
  /** Standard deviation of the added noise, in 0–255 grey levels. */
  noiseSigma: number;
  lighting: { angleDeg: number; strength: number };
  jpegQuality: number;
  /** Seeds the in-page noise so the same seed gives the same pixels. */
  noiseSeed: number;
}

interface TruthBase<K extends DocumentKind> {
  kind: K;
  variant: Variant;
  /** The generator's seed and the document's index: together they reproduce it. */
  seed: string;
  index: number;
  /** Dates of birth and validity were chosen so the document is valid on this day. */
  referenceDate: string;
  image: { width: number; height: number; format: 'png' | 'jpeg' };
  fields: FieldsByKind[K];
  degradation?: Degradation;
}

export type ResidentIdFrontTruth = TruthBase<'cn-resident-id-front'>;
export type ResidentIdBackTruth = TruthBase<'cn-resident-id-back'>;
export interface PassportTruth extends TruthBase<'passport-td3'> {
  mrz: [string, string];
}
export type DocumentTruth = ResidentIdFrontTruth | ResidentIdBackTruth | PassportTruth;

export interface GeneratedDocument {
  /** The image: PNG for clean, JPEG for degraded. */
  file: string;
  /** The same ground truth, written next to the image as JSON. */
  truthFile: string;
  kind: DocumentKind;
  variant: Variant;
  truth: DocumentTruth;
}
