import { PDFDocument, rgb } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTO_SANS_CJK_SC, embedSubsetFont, fontDictForGlyph } from './cjk-font.ts';
import { poppler, rasterise, requirePoppler } from './poppler-test-tools.ts';

// Characters from the receipt's labels and typical values, plus Latin and digits: glyphs
// from many of Noto Sans CJK's font dicts, including ones that start an FDSelect range.
const SAMPLE = Array.from(
  new Set('理财产品风险评估业务回执客户承受能力等级揭示书版本完成时间柜员编号设备签署文件摘要验证码扫描二维码非存款投资须谨慎，、（）本人已阅读愿意担平衡型稳健保守成长进取Aa0123456789XYZ-:'),
);
const CELL = 24; // points per grid cell
const COLUMNS = 12;

describe('embedSubsetFont (Noto Sans CJK SC from the Debian collection)', () => {
  beforeAll(requirePoppler);

  for (const [weight, face] of Object.entries(NOTO_SANS_CJK_SC)) {
    it(`${weight}: every subset glyph is drawn, and poppler finds nothing wrong with the font`, async () => {
      const doc = await PDFDocument.create();
      const font = await embedSubsetFont(doc, face, 'TESTAA');
      const rows = Math.ceil(SAMPLE.length / COLUMNS);
      const page = doc.addPage([COLUMNS * CELL, rows * CELL]);
      SAMPLE.forEach((char, i) => {
        const { x, y } = cellOrigin(i, rows);
        page.drawText(char, { x: x + 4, y: y + 6, size: 16, font, color: rgb(0, 0, 0) });
      });
      const pdf = await doc.save();

      expect(pdf.length).toBeLessThan(200_000); // a subset, not the 16 MB face
      const fonts = poppler('pdffonts', pdf);
      expect(fonts.stdout).toContain(`TESTAA+${face.postscriptName}`);
      expect(fonts.stdout).toMatch(/CID Type 0C\s+Identity-H\s+yes yes yes/);
      expect(poppler('pdftotext', pdf, [], '-').stdout.replace(/\s/g, '')).toBe(SAMPLE.join(''));

      // 1 point = 1 pixel at 72 dpi. A glyph drawn with the wrong subroutines or a rejected
      // font shows up as an empty cell.
      const raster = rasterise(pdf, 72);
      expect(raster.stderr).toBe('');
      const blank = SAMPLE.filter((_, i) => inkIn(raster, cellOrigin(i, rows), rows) < 3);
      expect(blank).toEqual([]);
    });
  }

  it('says which package to install when the font file is missing', async () => {
    const doc = await PDFDocument.create();
    const face = { file: '/nonexistent/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' };
    await expect(embedSubsetFont(doc, face, 'TESTAA')).rejects.toThrow(/fonts-noto-cjk/);
  });

  it('says so when the collection has no face of that name', async () => {
    const doc = await PDFDocument.create();
    const face = { ...NOTO_SANS_CJK_SC.regular, postscriptName: 'NoSuchFace' };
    await expect(embedSubsetFont(doc, face, 'TESTAA')).rejects.toThrow(/no face named NoSuchFace/);
  });
});

describe('fontDictForGlyph', () => {
  const ranges = { version: 3 as const, ranges: [{ first: 0, fd: 4 }, { first: 10, fd: 7 }, { first: 20, fd: 2 }] };
  it.each([
    [0, 4],
    [9, 4],
    [10, 7], // the first glyph of a range belongs to that range (the fork's search said 4)
    [19, 7],
    [20, 2],
    [65000, 2],
  ])('glyph %i → font dict %i', (gid, fd) => {
    expect(fontDictForGlyph(ranges, gid)).toBe(fd);
  });
  it('reads format 0 directly, and null without FDSelect', () => {
    expect(fontDictForGlyph({ version: 0, fds: [3, 1, 2] }, 1)).toBe(1);
    expect(fontDictForGlyph(null, 1)).toBeNull();
  });
});

/** Bottom-left corner of cell `i` in PDF coordinates (rows from the top). */
function cellOrigin(i: number, rows: number): { x: number; y: number } {
  return { x: (i % COLUMNS) * CELL, y: (rows - 1 - Math.floor(i / COLUMNS)) * CELL };
}

/** Dark pixels inside a cell of the 72 dpi raster. */
function inkIn(raster: { width: number; pixels: Uint8Array }, origin: { x: number; y: number }, rows: number): number {
  const top = rows * CELL - (origin.y + CELL);
  let dark = 0;
  for (let y = top; y < top + CELL; y++) {
    for (let x = origin.x; x < origin.x + CELL; x++) if (raster.pixels[y * raster.width + x]! < 160) dark++;
  }
  return dark;
}
