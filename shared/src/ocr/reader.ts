/**
 * Reading an identity document: prepare (find, square, level, classify), then recognise
 * every field from its own crop with the engine settings that suit it, clean and parse the
 * text, repair a single misread where the check digits allow, derive what the ID number
 * encodes, and validate with the shared identity rules.
 *
 *   ID number     eng LSTM, PSM 7, whitelist 0-9 X; repaired with per-character confidences
 *   Chinese text  chi_sim LSTM, PSM 7, no whitelist (a whitelist empties Chinese output);
 *                 ethnicity and sex also by the compact chi_sim model, as a second opinion
 *   birth digits  eng legacy and LSTM, PSM 7, whitelist 0-9, both must agree (it only
 *                 cross-checks the number, and a misread must not fail that check)
 *   MRZ lines     eng legacy engine (OEM 0), PSM 7, whitelist A-Z 0-9 <
 *
 * Recognition calls for one document are issued together, so an adapter with one engine
 * per language can run them in parallel.
 */
import {
  checkDigitBlindSpots,
  isKnownEthnicGroup,
  isValidTd3Line2,
  TD3_LINE_LENGTH,
  parseResidentIdNumber,
  parseTd3Mrz,
  repairResidentIdNumber,
  repairTd3Line2,
  TD3_LINE2_FIELDS,
  unknownCheck,
  validateResidentIdBack,
  validateResidentIdFront,
  type CorrectionBasis,
  type FieldCheck,
} from '../domain/identity/index.ts';
import { cropGray, grayToRgba, resizeGray, stretchContrast, type GrayImage, type Rect, type RgbaImage } from './image.ts';
import { BACK_REGIONS, FRONT_REGIONS, PASSPORT_REGIONS, type DocumentKind, type FieldRegion } from './layout.ts';
import {
  cleanAddress,
  cleanEthnicity,
  cleanIdNumber,
  cleanIssuingAuthority,
  cleanMrzLine,
  nameCharacters,
  normaliseOcrText,
  parsePrintedBirthDate,
  parseSex,
  parseValidityPeriod,
} from './parse.ts';
import { prepareDocument, turnedHalf, type PreparedDocument } from './prepare.ts';
import type { Recognition, RecognizeOptions, Recognizer } from './recognizer.ts';
import { findTextLines, withMargin, type InkMask, type LineBox } from './text-lines.ts';

export const FRONT_FIELDS = ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber'] as const;
export const BACK_FIELDS = ['issuingAuthority', 'validFrom', 'validTo'] as const;
export const PASSPORT_FIELDS = ['documentNumber', 'surname', 'givenNames', 'nationality', 'issuingCountry', 'birthDate', 'sex', 'expiryDate'] as const;

export type FieldsOf<K extends DocumentKind> = K extends 'cn-resident-id-front'
  ? Record<(typeof FRONT_FIELDS)[number], string>
  : K extends 'cn-resident-id-back'
    ? Record<(typeof BACK_FIELDS)[number], string>
    : Record<(typeof PASSPORT_FIELDS)[number], string>;

/** A value OCR read that the reader changed, and why. The teller sees both. */
export interface OcrCorrection {
  field: string;
  /** The cleaned reading before the change. */
  read: string;
  value: string;
  position: number;
  from: string;
  to: string;
  /**
   * A check-digit repair (see `Correction`); 'field-alphabet': a letter where only digits may
   * stand (or the reverse), replaced by its look-alike; 'visual-zone': a passport's MRZ
   * character replaced by what the printed page says, where the MRZ's checks cannot tell.
   */
  basis: CorrectionBasis | 'field-alphabet' | 'visual-zone';
}

export interface ReadingGeometry {
  /** Corners of the document in the input image, or null when the whole image was taken. */
  quad: readonly { x: number; y: number }[] | null;
  fillsFrame: boolean;
  skewDegrees: number;
  upsideDown: boolean;
}

interface ReadingBase<K extends DocumentKind> {
  kind: K;
  /** Every field of the kind; '' where nothing could be read. */
  fields: FieldsOf<K>;
  /** The shared validators' checks of the fields as read. */
  checks: FieldCheck[];
  /** 0–1: per field (the recogniser's confidence in the text it came from) and overall (the least of them). */
  confidence: { overall: number; fields: Record<string, number> };
  corrections: OcrCorrection[];
  /** The recognised text behind each field, before cleaning. */
  raw: Record<string, string>;
  geometry: ReadingGeometry;
}

export type DocumentReading =
  | ReadingBase<'cn-resident-id-front'>
  | ReadingBase<'cn-resident-id-back'>
  | ReadingBase<'passport-td3'>;

export interface ReadOptions {
  /** The day validation is judged on (Beijing calendar). Default now. */
  today?: Date;
  /** Read as this kind (its orientation is still detected). */
  kind?: DocumentKind;
}

/** Engine settings for each kind of field. */
export const FIELD_ENGINES = {
  idNumber: { lang: 'eng', model: 'compact', psm: 7, whitelist: '0123456789X' },
  /** Short numbers (the printed birth date's year, month, day): the legacy engine reads a lone digit that the LSTM often drops. */
  digits: { lang: 'eng', model: 'standard', psm: 7, whitelist: '0123456789', legacy: true },
  digitsLstm: { lang: 'eng', model: 'compact', psm: 7, whitelist: '0123456789' },
  chinese: { lang: 'chi_sim', model: 'standard', psm: 7 },
  /** A second opinion on one-character fields (ethnicity, sex): the compact model errs differently. */
  chineseCompact: { lang: 'chi_sim', model: 'compact', psm: 7 },
  mrz: { lang: 'eng', model: 'standard', psm: 7, whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<', legacy: true },
  /** The passport's visual zone, printed in an ordinary sans-serif: the LSTM reads it well. */
  vizNumber: { lang: 'eng', model: 'compact', psm: 7, whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' },
  vizName: { lang: 'eng', model: 'compact', psm: 7, whitelist: "ABCDEFGHIJKLMNOPQRSTUVWXYZ/'-" },
} as const satisfies Record<string, RecognizeOptions>;

/**
 * The readings of the name that vote: measured on generated cards, any one of them
 * misreads 1–10% of names (颖 as 颗, 怡 as 恰), six together none.
 */
const NAME_READINGS: ReadonlyArray<{ engine: RecognizeOptions; scale: number }> = [
  { engine: FIELD_ENGINES.chinese, scale: 1 },
  { engine: FIELD_ENGINES.chinese, scale: 0.75 },
  { engine: FIELD_ENGINES.chinese, scale: 0.85 },
  { engine: FIELD_ENGINES.chinese, scale: 1.25 },
  { engine: FIELD_ENGINES.chineseCompact, scale: 1 },
  { engine: FIELD_ENGINES.chineseCompact, scale: 0.75 },
];

/** Scales the ethnicity is read at again when neither model named a group at full size. */
const ETHNICITY_RETRY_SCALES = [0.6, 0.75, 0.85, 1.25];

/** How many layout hypotheses are tried before giving up on a document whose checks keep failing. */
const MAX_ATTEMPTS = 3;

export class DocumentReader {
  constructor(private readonly recognizer: Recognizer) {}

  async read(image: RgbaImage, opts: ReadOptions = {}): Promise<DocumentReading> {
    const prepared = prepareDocument(image, opts.kind !== undefined ? { kind: opts.kind } : {});
    return this.readPrepared(prepared, opts);
  }

  /** Reads an already prepared document, trying layout hypotheses in order until one reads as valid. */
  async readPrepared(doc: PreparedDocument, opts: ReadOptions = {}): Promise<DocumentReading> {
    let best: { reading: DocumentReading; quality: number } | null = null;
    const turned = doc.hypotheses.some((h) => h.upsideDown) ? lazy(() => turnedHalf(doc)) : null;
    for (const hypothesis of doc.hypotheses.slice(0, MAX_ATTEMPTS)) {
      const view = hypothesis.upsideDown && turned ? turned() : { image: doc.image, mask: doc.mask };
      const geometry: ReadingGeometry = {
        quad: doc.location?.quad ?? null,
        fillsFrame: doc.location?.fillsFrame ?? true,
        skewDegrees: doc.skewDegrees,
        upsideDown: hypothesis.upsideDown,
      };
      const attempt = await this.readKind(hypothesis.kind, view, geometry, opts);
      if (best === null || attempt.quality > best.quality) best = attempt;
      if (attempt.accepted) break;
    }
    if (best === null) throw new Error('no document kind to try');
    return best.reading;
  }

  private readKind(kind: DocumentKind, view: View, geometry: ReadingGeometry, opts: ReadOptions): Promise<Attempt> {
    switch (kind) {
      case 'cn-resident-id-front':
        return this.readFront(view, geometry, opts);
      case 'cn-resident-id-back':
        return this.readBack(view, geometry, opts);
      case 'passport-td3':
        return this.readPassport(view, geometry, opts);
    }
  }

  private recognizeLines(view: View, region: FieldRegion, engine: RecognizeOptions, crop: CropOptions = {}): Promise<Recognition[]> {
    const boxes = findTextLines(view.mask, region);
    // Nothing stood out: read the whole region as one line rather than nothing.
    const lines: Rect[] = boxes.length > 0 ? boxes : [region.rect];
    return Promise.all(
      lines.map((box, i) => {
        // A line's margin must not reach into its neighbours (addresses are tightly set).
        const above = lines[i - 1];
        const below = lines[i + 1];
        const limits = {
          top: above ? Math.ceil((above.y + above.height + box.y) / 2) : 0,
          bottom: below ? Math.floor((box.y + box.height + below.y) / 2) : view.image.height,
        };
        return this.recognizer.recognize(lineCrop(view.image, box, region, crop, limits), engine);
      }),
    );
  }

  /** The same crops read by both Chinese models. */
  private async recognizeTwice(view: View, region: FieldRegion): Promise<TwoReadings> {
    const [standard, compact] = await Promise.all([
      this.recognizeLines(view, region, FIELD_ENGINES.chinese),
      this.recognizeLines(view, region, FIELD_ENGINES.chineseCompact),
    ]);
    return { standard, compact };
  }

  /**
   * Neither model named one of the 56 groups (a rare group's character, such as 畲, is
   * read as a common one at one scale but not at another): read at other scales and take
   * the group the most readings name, by their summed confidence; null when none does.
   */
  private async readEthnicityAtOtherScales(view: View): Promise<{ value: string; lines: Recognition[] } | null> {
    const reads = await Promise.all(
      ETHNICITY_RETRY_SCALES.flatMap((scale) =>
        [FIELD_ENGINES.chinese, FIELD_ENGINES.chineseCompact].map((engine) => this.recognizeLines(view, FRONT_REGIONS.ethnicity, engine, { scale })),
      ),
    );
    const named = reads
      .map((lines) => ({ lines, value: cleanEthnicity(joined(lines).text), confidence: confidenceOf(lines) }))
      .filter((r) => isKnownEthnicGroup(r.value));
    const support = new Map<string, number>();
    for (const r of named) support.set(r.value, (support.get(r.value) ?? 0) + r.confidence);
    const best = [...support.entries()].sort((a, b) => b[1] - a[1])[0];
    return best ? named.find((r) => r.value === best[0])! : null;
  }

  private async readFront(view: View, geometry: ReadingGeometry, opts: ReadOptions): Promise<Attempt> {
    const R = FRONT_REGIONS;
    const [idNumberLines, nameReads, sexReads, ethnicityReads, birthLines, addressLines] = await Promise.all([
      this.recognizeLines(view, R.idNumber, FIELD_ENGINES.idNumber),
      // The name has no check digit: six readings (two models, several scales) vote.
      Promise.all(NAME_READINGS.map(({ engine, scale }) => this.recognizeLines(view, R.name, engine, { scale }))),
      this.recognizeTwice(view, R.sex),
      this.recognizeTwice(view, R.ethnicity),
      Promise.all(
        [R.birthYear, R.birthMonth, R.birthDay].map(async (region) => {
          const [legacy, lstm] = await Promise.all([
            this.recognizeLines(view, region, FIELD_ENGINES.digits),
            // The LSTM drops a lone digit in a tight crop; blank space either side helps it.
            this.recognizeLines(view, region, FIELD_ENGINES.digitsLstm, { padX: 30 }),
          ]);
          return { legacy, lstm };
        }),
      ),
      this.recognizeLines(view, R.address, FIELD_ENGINES.chinese),
    ]);
    const sexLines = sexReads.standard;
    const nameLines = nameReads[0]!;
    const name = voteCharacters(nameReads.map(scoredNameCharacters));
    let ethnicity = chooseEthnicity(ethnicityReads);
    if (!isKnownEthnicGroup(ethnicity.value)) ethnicity = (await this.readEthnicityAtOtherScales(view)) ?? ethnicity;
    const ethnicityLines = ethnicity.lines;
    const today = opts.today ?? new Date();
    const corrections: OcrCorrection[] = [];

    let id = readIdNumber(idNumberLines, today);
    if (id.info === null) {
      // Not a valid number even after the single-substitution repair: read it again, by the
      // legacy engine and at another scale, and take the first reading that is valid.
      const retries = await Promise.all([
        this.recognizeLines(view, R.idNumber, { ...FIELD_ENGINES.idNumber, model: 'standard', legacy: true }),
        this.recognizeLines(view, R.idNumber, FIELD_ENGINES.idNumber, { scale: 0.75 }),
      ]);
      id = retries.map((lines) => readIdNumber(lines, today)).find((r) => r.info !== null) ?? id;
    }
    const { lines: idNumberRead, info } = id;
    const idRead = joined(idNumberRead);
    const idNumber = id.repair.value;
    if (id.repair.corrected) {
      const { position, from, to, basis } = id.repair.corrected;
      corrections.push({ field: 'idNumber', read: id.text, value: idNumber, position, from, to, basis: basis ?? 'only-candidate' });
    }

    const printedSex = chooseSex(sexReads);
    // A printed date that disagrees with the number is a failed check, so both engines must agree on every part of it.
    const birthParts = birthLines.map(({ legacy, lstm }) => {
      const a = cleanIdNumber(joined(legacy).text);
      const b = cleanIdNumber(joined(lstm).text);
      return a !== '' && Number(a) === Number(b) ? a : '';
    });
    const birthText = birthParts.join(' ');
    const printedBirthDate = birthParts.every((p) => p !== '') ? parsePrintedBirthDate(birthText) : null;
    const fields: FieldsOf<'cn-resident-id-front'> = {
      name,
      // The number is checked; the printed values are cross-checked against it below.
      sex: info?.sex ?? printedSex ?? '',
      ethnicity: ethnicity.value,
      birthDate: info?.birthDate ?? printedBirthDate ?? '',
      address: cleanAddress(addressLines.map((l) => l.text).join('')),
      idNumber,
    };
    const idConfidence = confidenceOf(idNumberRead);
    const confidences = {
      name: confidenceOf(nameLines),
      sex: info ? idConfidence : confidenceOf(sexLines),
      ethnicity: confidenceOf(ethnicityLines),
      birthDate: info ? idConfidence : confidenceOf(birthLines.flatMap((b) => b.legacy)),
      address: confidenceOf(addressLines),
      idNumber: idConfidence,
    };
    const checks = validateResidentIdFront(
      { ...fields, sex: (printedSex ?? fields.sex) as '男' | '女', birthDate: printedBirthDate ?? fields.birthDate },
      { today },
    ).map((check) => {
      // A printed value that could not be read proves nothing either way.
      if (check.id === 'sex-match' && printedSex === null) return unknownCheck('sex-match', 'sex', 'the printed sex is unreadable; taken from the ID number');
      if (check.id === 'birth-date-match' && printedBirthDate === null) {
        return unknownCheck('birth-date-match', 'birthDate', 'the printed birth date is unreadable; taken from the ID number');
      }
      return check;
    });
    const raw = {
      name: joined(nameLines).text,
      sex: joined(sexReads.standard).text,
      ethnicity: joined(ethnicityLines).text,
      birthDate: birthLines.map(({ legacy, lstm }) => `${joined(legacy).text}|${joined(lstm).text}`).join(' '),
      address: addressLines.map((l) => l.text.trim()).join('\n'),
      idNumber: idRead.text,
    };
    const reading: DocumentReading = {
      kind: 'cn-resident-id-front',
      fields,
      checks,
      confidence: summarise(confidences),
      corrections,
      raw: trimmed(raw),
      geometry,
    };
    return { reading, accepted: info !== null, quality: qualityOf(checks) + (info !== null ? 10 : 0) };
  }

  private async readBack(view: View, geometry: ReadingGeometry, opts: ReadOptions): Promise<Attempt> {
    const R = BACK_REGIONS;
    const [authorityLines, validityLines] = await Promise.all([
      this.recognizeLines(view, R.issuingAuthority, FIELD_ENGINES.chinese),
      this.recognizeLines(view, R.validity, FIELD_ENGINES.chinese),
    ]);
    const today = opts.today ?? new Date();
    const period = parseValidityPeriod(joined(validityLines).text);
    const fields: FieldsOf<'cn-resident-id-back'> = {
      issuingAuthority: cleanIssuingAuthority(joined(authorityLines).text),
      validFrom: period.validFrom ?? '',
      validTo: period.validTo ?? '',
    };
    const validityConfidence = confidenceOf(validityLines);
    const checks = validateResidentIdBack(fields, { today });
    const reading: DocumentReading = {
      kind: 'cn-resident-id-back',
      fields,
      checks,
      confidence: summarise({ issuingAuthority: confidenceOf(authorityLines), validFrom: validityConfidence, validTo: validityConfidence }),
      corrections: [],
      raw: trimmed({ issuingAuthority: joined(authorityLines).text, validity: joined(validityLines).text }),
      geometry,
    };
    const accepted = period.validFrom !== null && period.validTo !== null && fields.issuingAuthority !== '';
    return { reading, accepted, quality: qualityOf(checks) + (accepted ? 10 : 0) };
  }

  private async readPassport(view: View, geometry: ReadingGeometry, opts: ReadOptions): Promise<Attempt> {
    const today = opts.today ?? new Date();
    const R = PASSPORT_REGIONS;
    const [lines, vizNumberLines, vizSurnameLines, vizGivenLines] = await Promise.all([
      this.recognizeLines(view, R.mrz, FIELD_ENGINES.mrz),
      this.recognizeLines(view, R.vizDocumentNumber, FIELD_ENGINES.vizNumber),
      this.recognizeLines(view, R.vizSurname, FIELD_ENGINES.vizName),
      this.recognizeLines(view, R.vizGivenNames, FIELD_ENGINES.vizName),
    ]);
    const line1Read = lines.length >= 2 ? (lines[0] as Recognition) : null;
    const line2Read = lines.at(-1) ?? null;
    const corrections: OcrCorrection[] = [];
    const viz = {
      documentNumber: cleanVizDocumentNumber(joined(vizNumberLines).text),
      surname: vizName(vizSurnameLines),
      givenNames: vizName(vizGivenLines),
    };
    const line1Cleaned = cleanMrzLine(line1Read?.text ?? '');
    const line1Confidences = lineConfidences(line1Read, line1Cleaned);
    const line1 = reconcileNames(fixLine1Alphabet(line1Cleaned, corrections), line1Confidences, viz, corrections);
    const line2Cleaned = fixLine2Alphabet(cleanMrzLine(line2Read?.text ?? ''), corrections, line1.slice(2, 5));
    const line2 = reconcileLine2(line2Cleaned, viz.documentNumber, corrections);
    const parsed = parseTd3Mrz(line1, line2, { today });
    const f = parsed.fields;
    const fields: FieldsOf<'passport-td3'> = f
      ? {
          documentNumber: f.documentNumber,
          surname: f.surname,
          givenNames: f.givenNames,
          nationality: f.nationality,
          issuingCountry: f.issuingCountry,
          birthDate: f.birthDate,
          sex: f.sex,
          expiryDate: f.expiryDate,
        }
      : { documentNumber: '', surname: '', givenNames: '', nationality: '', issuingCountry: '', birthDate: '', sex: '', expiryDate: '' };
    const c1 = line1Read ? line1Read.confidence / 100 : 0;
    const c2 = line2Read ? line2Read.confidence / 100 : 0;
    const reading: DocumentReading = {
      kind: 'passport-td3',
      fields,
      checks: parsed.checks,
      confidence: summarise({
        documentNumber: c2,
        surname: c1,
        givenNames: c1,
        nationality: c2,
        issuingCountry: c1,
        birthDate: c2,
        sex: c2,
        expiryDate: c2,
      }),
      corrections,
      raw: trimmed({
        mrz1: line1Read?.text ?? '',
        mrz2: line2Read?.text ?? '',
        vizDocumentNumber: joined(vizNumberLines).text,
        vizSurname: joined(vizSurnameLines).text,
        vizGivenNames: joined(vizGivenLines).text,
      }),
      geometry,
    };
    const formatOk = parsed.checks.find((c) => c.id === 'format')?.status === 'pass';
    const compositeOk = parsed.checks.find((c) => c.id === 'composite-check')?.status === 'pass';
    return { reading, accepted: f !== null && formatOk && compositeOk, quality: qualityOf(parsed.checks) + (formatOk ? 10 : 0) };
  }
}

interface View {
  image: GrayImage;
  mask: InkMask;
}

/** An ID number reading: cleaned, repaired where one substitution makes it valid, and what it encodes (null when invalid). */
function readIdNumber(lines: Recognition[], today: Date) {
  const text = cleanIdNumber(joined(lines).text);
  const repair = repairResidentIdNumber(text, symbolConfidences(lines, text, /[0-9X]/i), { today });
  return { lines, text, repair, info: parseResidentIdNumber(repair.value) };
}

interface TwoReadings {
  standard: Recognition[];
  compact: Recognition[];
}

/** One recognised character and tesseract's confidence in it (0–100). */
export interface ScoredCharacter {
  char: string;
  confidence: number;
}

/** A name's characters as read (hanzi and the middle dot), each with its confidence. */
function scoredNameCharacters(lines: Recognition[]): ScoredCharacter[] {
  // A line without per-symbol detail counts each character at the line's confidence.
  const symbols = lines.flatMap((line) => (line.symbols.length > 0 ? line.symbols : [{ text: line.text, confidence: line.confidence }]));
  const chars = symbols.flatMap((symbol) => nameCharacters(symbol.text).map((char) => ({ char, confidence: symbol.confidence })));
  // A middle dot at either end is noise, as in cleanChineseName.
  while (chars[0]?.char === '·') chars.shift();
  while (chars.at(-1)?.char === '·') chars.pop();
  return chars;
}

/**
 * Several readings of one line (different models and scales err at different characters)
 * combined: the non-empty readings of the most common length (the earliest one's on a tie) vote
 * character by character, each with its confidence; readings of other lengths dropped or
 * split a character, so they cannot be aligned and do not vote.
 */
export function voteCharacters(allReadings: readonly ScoredCharacter[][]): string {
  // An empty reading read nothing; it is no vote for an empty name.
  const readings = allReadings.filter((r) => r.length > 0);
  const lengths = readings.map((r) => r.length);
  const count = (n: number) => lengths.filter((l) => l === n).length;
  const length = lengths.reduce<number | undefined>((best, l) => (best === undefined || count(l) > count(best) ? l : best), undefined);
  if (length === undefined) return '';
  const aligned = readings.filter((r) => r.length === length);
  return Array.from({ length }, (_, i) => {
    const support = new Map<string, number>();
    for (const r of aligned) support.set(r[i]!.char, (support.get(r[i]!.char) ?? 0) + r[i]!.confidence);
    return [...support.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  }).join('');
}

/** The compact model's reading when it names one of the 56 groups, else the standard model's when that does, else the compact one. */
function chooseEthnicity(reads: TwoReadings): { value: string; lines: Recognition[] } {
  const compact = cleanEthnicity(joined(reads.compact).text);
  const standard = cleanEthnicity(joined(reads.standard).text);
  if (isKnownEthnicGroup(compact)) return { value: compact, lines: reads.compact };
  if (isKnownEthnicGroup(standard)) return { value: standard, lines: reads.standard };
  return { value: compact || standard, lines: compact ? reads.compact : reads.standard };
}

/** 男 or 女 when the models agree or only one of them read either; null when neither did or they disagree. */
function chooseSex(reads: TwoReadings): '男' | '女' | null {
  const a = parseSex(joined(reads.standard).text);
  const b = parseSex(joined(reads.compact).text);
  if (a !== null && b !== null) return a === b ? a : null;
  return a ?? b;
}

interface Attempt {
  reading: DocumentReading;
  /** The reading is consistent enough to stop trying other hypotheses. */
  accepted: boolean;
  /** Higher is better, to pick among attempts none of which was accepted. */
  quality: number;
}

/** The line with some background around it (tesseract reads poorly when print touches the edge). */
interface CropOptions {
  /** Blank columns added left and right. */
  padX?: number;
  /** Resampling factor of the crop. */
  scale?: number;
}

function lineCrop(
  image: GrayImage,
  box: Rect | LineBox,
  region: FieldRegion,
  opts: CropOptions,
  limits: { top: number; bottom: number } = { top: 0, bottom: image.height },
): RgbaImage {
  const padX = opts.padX ?? 0;
  const scale = opts.scale ?? 1;
  const margin = Math.max(8, Math.round(Math.min(box.height, region.lineHeight) * 0.35));
  const grown = withMargin(box, margin, image);
  const top = Math.max(grown.y, Math.min(box.y, limits.top));
  const bottom = Math.min(grown.y + grown.height, Math.max(box.y + box.height, limits.bottom));
  const rect = { x: grown.x, y: top, width: grown.width, height: bottom - top };
  let crop = stretchContrast(cropGray(image, rect));
  if (scale !== 1) crop = resizeGray(crop, Math.max(1, Math.round(crop.width * scale)), Math.max(1, Math.round(crop.height * scale)));
  return grayToRgba(padX > 0 ? padSides(crop, padX) : crop);
}

/** Blank (white, after contrast stretching) columns added left and right. */
function padSides(image: GrayImage, pad: number): GrayImage {
  const width = image.width + 2 * pad;
  const data = new Uint8ClampedArray(width * image.height).fill(255);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width, (y + 1) * image.width), y * width + pad);
  return { width, height: image.height, data };
}

function joined(lines: readonly Recognition[]): { text: string } {
  return { text: lines.map((l) => l.text.trim()).join(' ') };
}

function confidenceOf(lines: readonly Recognition[]): number {
  if (lines.length === 0) return 0;
  return Math.min(...lines.map((l) => l.confidence)) / 100;
}

/**
 * One confidence per character of `text` (the cleaned reading), taken from the
 * recogniser's symbols that survive the same cleaning; undefined when they do not line up.
 */
function symbolConfidences(lines: readonly Recognition[], text: string, keep: RegExp): number[] | undefined {
  const symbols = lines.flatMap((l) => l.symbols).flatMap((s) =>
    [...s.text.normalize('NFKC')].filter((c) => keep.test(c)).map(() => s.confidence),
  );
  return symbols.length === text.length ? symbols : undefined;
}

function summarise(fields: Record<string, number>): { overall: number; fields: Record<string, number> } {
  const rounded = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  const values = Object.values(rounded);
  return { overall: values.length > 0 ? Math.min(...values) : 0, fields: rounded };
}

function qualityOf(checks: readonly FieldCheck[]): number {
  return checks.reduce((q, c) => q + (c.status === 'pass' ? 1 : c.status === 'fail' ? -1 : 0), 0);
}

function trimmed(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.trim()]));
}

function lazy<T>(make: () => T): () => T {
  let value: { v: T } | null = null;
  return () => (value ??= { v: make() }).v;
}

// ---------------------------------------------------------------- MRZ alphabets

const DIGIT_FOR_LETTER: Record<string, string> = { O: '0', D: '0', Q: '0', I: '1', L: '1', Z: '2', S: '5', G: '6', B: '8' };
const LETTER_FOR_DIGIT: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B' };
/** Every letter a digit may be a misread of. */
const LETTERS_FOR_DIGIT: Record<string, string> = { '0': 'ODQ', '1': 'IL', '2': 'Z', '5': 'S', '6': 'G', '8': 'BS' };

/** Positions of TD3 line 2 that can only hold digits: check digits and dates. */
function line2DigitOnly(position: number): boolean {
  return position === 9 || (position >= 13 && position <= 19) || (position >= 21 && position <= 27) || position === 43;
}

/** Positions that can only hold letters or '<': nationality. */
function line2LetterOnly(position: number): boolean {
  return position >= 10 && position <= 12;
}

function substitute(
  line: string,
  field: (position: number) => string,
  allowed: (position: number) => 'digit' | 'letter' | null,
  corrections: OcrCorrection[],
  preferredLetter: (position: number, digit: string) => string | undefined = () => undefined,
): string {
  const out = [...line];
  const changes: Omit<OcrCorrection, 'value'>[] = [];
  out.forEach((c, position) => {
    const want = allowed(position);
    const to =
      want === 'digit' && /[A-Z]/.test(c)
        ? DIGIT_FOR_LETTER[c]
        : want === 'letter' && /[0-9]/.test(c)
          ? (preferredLetter(position, c) ?? LETTER_FOR_DIGIT[c])
          : undefined;
    if (to === undefined) return;
    out[position] = to;
    changes.push({ field: field(position), read: line, position, from: c, to, basis: 'field-alphabet' });
  });
  const value = out.join('');
  for (const change of changes) corrections.push({ ...change, value });
  return value;
}

/** Line 1: document code, issuing state and name hold letters and '<' only. */
function fixLine1Alphabet(line: string, corrections: OcrCorrection[]): string {
  if (line.length !== 44) return line;
  return substitute(line, (p) => (p < 2 ? 'documentType' : p < 5 ? 'issuingCountry' : 'name'), () => 'letter', corrections);
}

/**
 * Line 2: digits where only digits may stand, letters in the nationality. A digit in the
 * nationality becomes the issuing state's letter at that place when that is one of its
 * look-alikes (most holders are nationals of the issuing state), else its usual look-alike.
 */
function fixLine2Alphabet(line: string, corrections: OcrCorrection[], issuingCountry: string): string {
  if (line.length !== 44) return line;
  const preferred = (position: number, digit: string) => {
    const letter = issuingCountry[position - 10];
    return letter !== undefined && (LETTERS_FOR_DIGIT[digit] ?? '').includes(letter) ? letter : undefined;
  };
  return substitute(line, line2FieldAt, (p) => (line2DigitOnly(p) ? 'digit' : line2LetterOnly(p) ? 'letter' : null), corrections, preferred);
}

// ---------------------------------------------------------------- MRZ against the visual zone

/** The visual zone's passport number: letters and digits only. */
function cleanVizDocumentNumber(text: string): string {
  return normaliseOcrText(text).toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** A visual-zone name: its words (the Latin part after any '/': Chinese passports print 金/JIN) and a confidence per letter. */
interface VizName {
  words: string[];
  /** One per letter of `words` joined. */
  confidences: number[];
}

function vizName(lines: readonly Recognition[]): VizName {
  const text = lines.map((l) => l.text).join(' ').normalize('NFKC').toUpperCase();
  const latin = text.split('/').at(-1) ?? '';
  const words = latin
    .replace(/['’]/g, '')
    .split(/[^A-Z]+/)
    .filter((w) => w.length > 0);
  const symbols = lines.flatMap((l) => l.symbols);
  const slash = symbols.map((sym) => sym.text).lastIndexOf('/');
  const letters = symbols.slice(slash + 1).filter((sym) => /^[A-Z]$/i.test(sym.text));
  const count = words.join('').length;
  return { words, confidences: letters.length === count ? letters.map((sym) => sym.confidence) : new Array<number>(count).fill(NaN) };
}

/** A confidence for each character of a cleaned MRZ line, where the recogniser's symbols line up with it (else NaN). */
function lineConfidences(read: Recognition | null, cleaned: string): number[] {
  const out = new Array<number>(cleaned.length).fill(NaN);
  if (!read) return out;
  const symbols = read.symbols.filter((sym) => /^[A-Z0-9<]$/i.test(sym.text));
  if (symbols.map((sym) => sym.text.toUpperCase()).join('') === cleaned) return symbols.map((sym) => sym.confidence);
  // Fillers were recounted: match the letters and digits in order.
  const alnum = symbols.filter((sym) => sym.text !== '<');
  const positions = [...cleaned].flatMap((c, i) => (c === '<' ? [] : [i]));
  if (alnum.length !== positions.length) return out;
  positions.forEach((position, k) => {
    out[position] = (alnum[k] as { confidence: number }).confidence;
  });
  return out;
}

/** How much surer (0–100) the visual zone must be of a letter than the MRZ reading to replace it. */
const VIZ_CONFIDENCE_MARGIN = 10;

/**
 * Letters of the MRZ name read differently in the visual zone, taken from the visual zone
 * where it is clearly the surer reading: the legacy engine confuses some OCR-B letters (W
 * read as N or H, M as H) with low confidence, where the LSTM reading ordinary print is
 * sure; and names carry no check digit. Only words of the same count and length are
 * compared, and at most a third of a word's letters may differ: anything else is a
 * different reading, not a misread letter, and the MRZ stands.
 */
function reconcileNames(
  line1: string,
  confidences: readonly number[],
  viz: { surname: VizName; givenNames: VizName },
  corrections: OcrCorrection[],
): string {
  if (line1.length !== TD3_LINE_LENGTH) return line1;
  const name = line1.slice(5);
  const split = name.indexOf('<<');
  if (split < 0) return line1;
  const out = [...line1];
  const changes: Omit<OcrCorrection, 'value'>[] = [];
  const compare = (start: number, text: string, other: VizName, field: string) => {
    const words = [...text.matchAll(/[A-Z]+/g)];
    if (words.length === 0 || words.length !== other.words.length) return;
    let letterIndex = 0;
    words.forEach((word, i) => {
      const vizWord = other.words[i] as string;
      const offset = letterIndex;
      letterIndex += vizWord.length;
      if (vizWord.length !== word[0].length) return;
      const differing = [...word[0]].flatMap((c, k) => (c === vizWord[k] ? [] : [k]));
      if (differing.length === 0 || differing.length > Math.floor(word[0].length / 3)) return;
      for (const k of differing) {
        const position = start + (word.index ?? 0) + k;
        const mrzConfidence = confidences[position] ?? NaN;
        const vizConfidence = other.confidences[offset + k] ?? NaN;
        if (!(vizConfidence - mrzConfidence >= VIZ_CONFIDENCE_MARGIN)) continue;
        changes.push({ field, read: line1, position, from: out[position] as string, to: vizWord[k] as string, basis: 'visual-zone' });
        out[position] = vizWord[k] as string;
      }
    });
  };
  compare(5, name.slice(0, split), viz.surname, 'surname');
  compare(5 + split + 2, name.slice(split + 2), viz.givenNames, 'givenNames');
  const value = out.join('');
  for (const change of changes) corrections.push({ ...change, value });
  return value;
}

/**
 * Line 2 repaired by its check digits, with the visual zone's passport number as a second
 * witness: when the line fails its checks and the visual zone's number makes it pass, that
 * number is taken; when the line passes but the numbers differ only where the check digit
 * is blind (6 and G, …), the visual zone decides those characters.
 */
function reconcileLine2(line2: string, vizNumber: string, corrections: OcrCorrection[]): string {
  const repair = repairTd3Line2(line2);
  const fromViz = line2.length === TD3_LINE_LENGTH && vizNumber.length >= 5 && vizNumber.length <= 9
    ? vizNumber.padEnd(9, '<') + line2.slice(9)
    : null;
  const record = (before: string, after: string, basis: OcrCorrection['basis']) => {
    for (let position = 0; position < after.length; position++) {
      if (before[position] !== after[position]) {
        corrections.push({ field: line2FieldAt(position), read: before, value: after, position, from: before[position] ?? '', to: after[position] as string, basis });
      }
    }
  };
  if (fromViz !== null && isValidTd3Line2(fromViz) && (!isValidTd3Line2(repair.value) || repair.corrected?.basis === 'confusion-pair')) {
    // The visual zone agrees with a valid line where the line alone was invalid or only guessed.
    if (fromViz !== repair.value || repair.corrected === null) {
      record(line2, fromViz, 'visual-zone');
      return fromViz;
    }
  }
  if (repair.corrected) record(line2, repair.value, repair.corrected.basis ?? 'only-candidate');
  const line = repair.value;
  if (!isValidTd3Line2(line) || vizNumber.length === 0) return line;
  const number = line.slice(0, 9);
  const out = [...line];
  for (const { position, alternative } of checkDigitBlindSpots(number)) {
    if (vizNumber[position] === alternative) out[position] = alternative;
  }
  const value = out.join('');
  if (value !== line) record(line, value, 'visual-zone');
  return value;
}

function line2FieldAt(position: number): string {
  for (const [name, span] of Object.entries(TD3_LINE2_FIELDS)) {
    if (position >= span.start && position <= span.check) return name;
  }
  if (position >= 10 && position <= 12) return 'nationality';
  if (position === 20) return 'sex';
  return 'mrz';
}

/** A reader over a recogniser. */
export function createDocumentReader(recognizer: Recognizer): DocumentReader {
  return new DocumentReader(recognizer);
}
