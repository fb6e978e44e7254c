/**
 * Embedding a Chinese font in a PDF, as a subset, with pdf-lib.
 *
 * The receipt needs Chinese glyphs, and Debian's fonts-noto-cjk ships them as TrueType
 * collections (.ttc) of CFF-flavoured OpenType faces. Two things stand between those files
 * and `PDFDocument.embedFont(bytes, { subset: true })`:
 *
 * 1. pdf-lib asks fontkit to open the bytes without a face name, which for a collection
 *    gives the collection rather than a font. We hand pdf-lib a fontkit whose `create` picks
 *    the face we want by its PostScript name.
 * 2. @pdf-lib/fontkit 1.1.1 (pdf-lib's fork of fontkit, the latest release) writes broken
 *    subsets of CID-keyed CFF fonts such as Noto Sans CJK: poppler rejects the whole font
 *    ("Embedded font file may be invalid") or draws some glyphs blank. Upstream fontkit fixed
 *    these long ago (see pdf-lib issues #1232 and #808). We repair the three faults on each
 *    font object we open, rather than patching node_modules:
 *    - the CFF header's offSize is written from an unrelated field (`cff.length`, e.g. 27)
 *      instead of a valid 1–4;
 *    - `fdForGlyph` puts the first glyph of each FDSelect range into the previous range,
 *      so that glyph is drawn with the wrong local subroutines;
 *    - `subsetFontdict` maps every glyph to the most recently added font dict instead of its
 *      own, so glyphs from an earlier font dict are drawn with the wrong subroutines.
 *    `cjk-font.spec.ts` renders every glyph of a sample and checks each one has ink.
 *
 * Only CFF-flavoured faces are accepted: the same fork also corrupts subsets of TrueType
 * (glyf) fonts, silently, and we do not repair that path.
 */
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/** One face of a font file: a single font (.otf) or one member of a collection (.ttc/.otc). */
export interface FontFace {
  file: string;
  /** The face's PostScript name, used to pick it out of a collection. */
  postscriptName: string;
}

/** Noto Sans CJK Simplified Chinese, as Debian's fonts-noto-cjk installs it. */
export const NOTO_SANS_CJK_SC: Readonly<{ regular: FontFace; bold: FontFace }> = Object.freeze({
  regular: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  bold: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', postscriptName: 'NotoSansCJKsc-Bold' },
});

/**
 * Embeds `face` in `doc` as a subset (only the glyphs drawn end up in the file). Leaves `doc`
 * with a fontkit registered for this face; call it again for another face.
 *
 * `subsetTag` (six capital letters, unique within the document) names the subset as PDF
 * expects, `TAG+PostScriptName`; pdf-lib's default is a random suffix, which would make
 * every rendering of the same document differ.
 */
export async function embedSubsetFont(doc: PDFDocument, face: FontFace, subsetTag: string): Promise<PDFFont> {
  if (!/^[A-Z]{6}$/.test(subsetTag)) throw new RangeError(`subset tag must be six capital letters: ${subsetTag}`);
  const bytes = await readFontFile(face);
  // pdf-lib calls fontkit.create inside embedFont, so registering per face is safe as long as
  // embeds are awaited one after the other.
  doc.registerFontkit(fontkitForFace(face));
  return doc.embedFont(bytes, { subset: true, customName: `${subsetTag}+${face.postscriptName}` });
}

async function readFontFile(face: FontFace): Promise<Uint8Array> {
  try {
    return await readFile(face.file);
  } catch (error) {
    throw new Error(
      `Cannot read the receipt font ${face.file} (${(error as Error).message}); on Debian install fonts-noto-cjk`,
      { cause: error },
    );
  }
}

/** A fontkit for pdf-lib's `registerFontkit` that opens `face` and repairs its CFF subsetting. */
export function fontkitForFace(face: FontFace): { create(bytes: Uint8Array): fontkit.Font } {
  return {
    create(bytes) {
      const font = (isCollection(bytes) ? fontkit.create(bytes, face.postscriptName) : fontkit.create(bytes)) as
        | fontkit.Font
        | null;
      if (!font) throw new Error(`${face.file} has no face named ${face.postscriptName}`);
      repairCffSubsetting(font, face);
      return font;
    },
  };
}

/** A collection starts with the tag 'ttcf'. */
function isCollection(bytes: Uint8Array): boolean {
  return bytes[0] === 0x74 && bytes[1] === 0x74 && bytes[2] === 0x63 && bytes[3] === 0x66;
}

// --- The parts of @pdf-lib/fontkit 1.1.1's internals that the repair touches. ---

interface FdRange {
  first: number;
  fd: number;
}
type FdSelect = { version: 0; fds: number[] } | { version: 3 | 4; ranges: FdRange[] };
interface FontDict {
  FontName?: unknown;
  Private?: { Subrs?: unknown[] } | null;
}
interface CffTopDict {
  FDSelect?: FdSelect | null;
  FDArray?: FontDict[];
}
interface CffTable {
  version: number;
  length?: number;
  isCIDFont: boolean;
  topDict: CffTopDict;
  fdForGlyph(gid: number): number | null;
}
interface CffSubsetInternals {
  cff: CffTable;
  glyphs: number[];
  font: { getGlyph(gid: number): { path: unknown; _usedSubrs?: Record<string, boolean> } };
  subsetSubrs(subrs: unknown[], used: Record<string, boolean>): unknown[];
  subsetFontdict(topDict: CffTopDict): void;
}

/** Repairs, on this one font object, the three CFF subsetting faults described at the top. */
function repairCffSubsetting(font: fontkit.Font, face: FontFace): void {
  const cff = (font as unknown as Record<string, unknown>)['CFF '] as CffTable | undefined;
  if (!cff) {
    throw new Error(`${face.postscriptName} has TrueType outlines; receipts need a CFF-flavoured OpenType font`);
  }
  if (cff.version !== 1) throw new Error(`${face.postscriptName}: CFF version ${cff.version} is not supported`);
  // CFFSubset.encode writes `cff.length` as the header's offSize; 4 is valid for any size.
  cff.length = 4;
  // Replace before any glyph is parsed: glyph parsing also asks which font dict a glyph uses.
  cff.fdForGlyph = (gid) => fontDictForGlyph(cff.topDict.FDSelect, gid);

  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    (subset as unknown as CffSubsetInternals).subsetFontdict = function (this: CffSubsetInternals, topDict) {
      subsetFontDicts(this, topDict);
    };
    return subset;
  };
}

/** Which font dict (FDArray index) draws glyph `gid`, or null for a font without FDSelect. */
export function fontDictForGlyph(select: FdSelect | null | undefined, gid: number): number | null {
  if (!select) return null;
  if (select.version === 0) return select.fds[gid] ?? null;
  // Ranges are sorted by first glyph; each runs up to the next one's first glyph.
  const { ranges } = select;
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (gid < ranges[mid]!.first) high = mid - 1;
    else if (mid < ranges.length - 1 && gid >= ranges[mid + 1]!.first) low = mid + 1;
    else return ranges[mid]!.fd;
  }
  return null;
}

/**
 * The subset's FDArray and FDSelect: only the font dicts its glyphs use, each glyph pointing
 * at its own font dict's new index, and each font dict's local subroutines cut down to those
 * its glyphs call (as upstream fontkit does).
 */
function subsetFontDicts(subset: CffSubsetInternals, topDict: CffTopDict): void {
  const fds: number[] = [];
  const fdArray: FontDict[] = [];
  const usedSubrs: Record<string, boolean>[] = [];
  const newIndexOf = new Map<number, number>();
  for (const gid of subset.glyphs) {
    const fd = subset.cff.fdForGlyph(gid);
    if (fd == null) continue;
    let index = newIndexOf.get(fd);
    if (index === undefined) {
      index = fdArray.length;
      newIndexOf.set(fd, index);
      fdArray.push({ ...subset.cff.topDict.FDArray![fd]! });
      usedSubrs.push({});
    }
    fds.push(index);
    const glyph = subset.font.getGlyph(gid);
    void glyph.path; // parsing the outline records which subroutines it calls
    Object.assign(usedSubrs[index]!, glyph._usedSubrs);
  }
  fdArray.forEach((dict, i) => {
    delete dict.FontName;
    if (dict.Private?.Subrs) {
      dict.Private = { ...dict.Private, Subrs: subset.subsetSubrs(dict.Private.Subrs, usedSubrs[i]!) };
    }
  });
  topDict.FDArray = fdArray;
  topDict.FDSelect = { version: 0, fds };
}
