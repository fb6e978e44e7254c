/**
 * From recognised text to field values: cleaning what OCR adds (spaces between hanzi,
 * full-width digits, stray punctuation, miscounted MRZ fillers) and parsing dates. The
 * validation rules themselves live in `domain/identity`; nothing here decides whether a
 * value is acceptable, only what was printed.
 */
import { calendarDate, type CalendarDate } from '../domain/identity/calendar-date.ts';
import { isKnownEthnicGroup, RESIDENT_ID_LONG_TERM, TD3_LINE_LENGTH } from '../domain/identity/index.ts';

/** Hanzi (CJK unified ideographs and extension A). */
const HAN = /\p{Script=Han}/u;
/** The middle dot in transliterated minority names (买买提·艾力), and what OCR makes of it. */
const NAME_DOTS = /[·•・‧∙⋅.．。]/g;

/** NFKC (full-width digits and letters become ASCII) and no whitespace. */
export function normaliseOcrText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

/** The characters of a name in some recognised text: hanzi and the middle dot only. */
export function nameCharacters(text: string): string[] {
  return [...normaliseOcrText(text).replace(NAME_DOTS, '·')].filter((c) => HAN.test(c) || c === '·');
}

/** A name as printed: hanzi and the middle dot only (a '·' at either end is noise). */
export function cleanChineseName(text: string): string {
  return nameCharacters(text).join('').replace(/^·+|·+$/g, '');
}

/** 男 or 女 when exactly one of them was read, else null. */
export function parseSex(text: string): '男' | '女' | null {
  const male = text.includes('男');
  const female = text.includes('女');
  return male === female ? null : male ? '男' : '女';
}

/** The ethnic group as the card prints it (汉, 维吾尔, …), without a trailing 族. */
export function cleanEthnicity(text: string): string {
  const t = [...normaliseOcrText(text)].filter((c) => HAN.test(c)).join('');
  return t.length > 1 && t.endsWith('族') && isKnownEthnicGroup(t) ? t.slice(0, -1) : t;
}

/**
 * An address on one line: hanzi, digits, Latin letters and the few signs addresses use
 * (- # ( ) ·); OCR punctuation noise dropped.
 */
export function cleanAddress(text: string): string {
  const t = normaliseOcrText(text).replace(/[（]/g, '(').replace(/[）]/g, ')').replace(/[—–－]/g, '-');
  return [...t].filter((c) => HAN.test(c) || /[0-9A-Za-z\-#()·]/.test(c)).join('');
}

/** Issuing authority (…公安局, …分局): hanzi only. */
export function cleanIssuingAuthority(text: string): string {
  return [...normaliseOcrText(text)].filter((c) => HAN.test(c)).join('');
}

/** Upper-case digits and X: what an ID number crop read with the digit whitelist may hold. */
export function cleanIdNumber(text: string): string {
  return normaliseOcrText(text).toUpperCase().replace(/[^0-9X]/g, '');
}

/** Runs of digits; anything else (spaces, labels, punctuation) separates them. */
function digitGroups(text: string): string[] {
  return text.normalize('NFKC').match(/\d+/g) ?? [];
}

function dateOf(year: string, month: string, day: string): CalendarDate | null {
  return calendarDate(Number(year), Number(month), Number(day));
}

/**
 * The front's printed birth date, "1985 年 3 月 7 日" (labels may be misread as anything
 * but digits), as YYYY-MM-DD; null when the digits do not make one real day.
 */
export function parsePrintedBirthDate(text: string): CalendarDate | null {
  const groups = digitGroups(text);
  if (groups.length >= 3 && groups[0]!.length === 4 && groups[1]!.length <= 2 && groups[2]!.length <= 2) {
    return dateOf(groups[0]!, groups[1]!, groups[2]!);
  }
  // A label read as nothing: "19853 7" or "1985 37": only unambiguous splits are taken.
  const all = groups.join('');
  if (all.length === 8) return dateOf(all.slice(0, 4), all.slice(4, 6), all.slice(6, 8));
  return null;
}

export interface ValidityPeriod {
  validFrom: CalendarDate | null;
  /** YYYY-MM-DD, 长期, or null when unreadable. */
  validTo: CalendarDate | typeof RESIDENT_ID_LONG_TERM | null;
}

/**
 * The back's validity period, "2015.03.10-2035.03.10" or "2015.03.10-长期". Dates are read
 * as 4-2-2 digit groups; when separators were lost, as 8 digits each.
 */
export function parseValidityPeriod(text: string): ValidityPeriod {
  const t = text.normalize('NFKC');
  const longTerm = /长期|长|期/.test(t.replace(/^[^0-9]*/, ''));
  const groups = digitGroups(t);
  const dates: (CalendarDate | null)[] = [];
  if (groups.every((g) => g.length === 8)) {
    for (const g of groups) dates.push(dateOf(g.slice(0, 4), g.slice(4, 6), g.slice(6, 8)));
  } else if (groups.length >= 3 && groups.slice(0, 3).map((g) => g.length).join() === '4,2,2') {
    dates.push(dateOf(groups[0]!, groups[1]!, groups[2]!));
    const rest = groups.slice(3);
    if (rest.length >= 3 && rest.slice(0, 3).map((g) => g.length).join() === '4,2,2') dates.push(dateOf(rest[0]!, rest[1]!, rest[2]!));
    else if (rest.join('').length === 8) {
      const d = rest.join('');
      dates.push(dateOf(d.slice(0, 4), d.slice(4, 6), d.slice(6, 8)));
    }
  } else {
    const all = groups.join('');
    if (all.length === 8 || all.length === 16) {
      dates.push(dateOf(all.slice(0, 4), all.slice(4, 6), all.slice(6, 8)));
      if (all.length === 16) dates.push(dateOf(all.slice(8, 12), all.slice(12, 14), all.slice(14, 16)));
    }
  }
  const validFrom = dates[0] ?? null;
  const validTo = dates.length >= 2 ? (dates[1] ?? null) : longTerm ? RESIDENT_ID_LONG_TERM : null;
  return { validFrom, validTo };
}

const MRZ_CHARACTER = /[A-Z0-9<]/;

/**
 * One MRZ line as read, made 44 characters long where the difference can only be in a run
 * of fillers: OCR engines miscount long '<' runs (and read '«' for '<<'), so the longest
 * run of '<' absorbs up to `maxAdjust` characters too many or too few. Other lengths are
 * left as they are (the MRZ parser reports them).
 */
export function cleanMrzLine(text: string, maxAdjust = 4): string {
  const t = normaliseOcrText(text)
    .toUpperCase()
    .replace(/[«]/g, '<<')
    .replace(/[‹]/g, '<');
  let line = [...t].filter((c) => MRZ_CHARACTER.test(c)).join('');
  const diff = line.length - TD3_LINE_LENGTH;
  if (diff === 0 || Math.abs(diff) > maxAdjust) return line;
  const run = longestFillerRun(line);
  if (run === null) return diff < 0 ? line.padEnd(TD3_LINE_LENGTH, '<') : line;
  const [start, end] = run;
  if (diff > 0 && end - start <= diff) return line;
  const length = end - start - diff;
  line = line.slice(0, start) + '<'.repeat(length) + line.slice(end);
  return line;
}

function longestFillerRun(line: string): [number, number] | null {
  let best: [number, number] | null = null;
  const re = /<+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    const candidate: [number, number] = [m.index, m.index + m[0].length];
    // Prefer the later run on ties: the trailing fillers are the usual culprit.
    if (best === null || candidate[1] - candidate[0] >= best[1] - best[0]) best = candidate;
  }
  return best;
}
