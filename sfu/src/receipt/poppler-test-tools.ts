/**
 * Test helpers around Debian's poppler-utils (pdftotext, pdftoppm, pdfinfo, pdffonts): an
 * independent PDF reader, so the receipt specs check what a real viewer sees rather than
 * what pdf-lib believes it wrote. Used by the specs only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PopplerResult {
  stdout: string;
  /** poppler reports damaged fonts and syntax errors here while still exiting 0. */
  stderr: string;
}

/** Throws an actionable error when poppler-utils is not installed. */
export function requirePoppler(): void {
  const probe = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error('pdftotext not found: install poppler-utils (apt-get install -y poppler-utils)');
  }
}

/** Runs a poppler tool on `pdf` (written to a temporary file), e.g. `poppler('pdftotext', pdf, ['-layout'], '-')`. */
export function poppler(tool: string, pdf: Uint8Array, args: string[] = [], ...after: string[]): PopplerResult {
  return withPdfFile(pdf, (file) => {
    const result = spawnSync(tool, [...args, file, ...after], { encoding: 'utf8' });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`${tool} exited ${result.status}: ${result.stderr}`);
    return { stdout: result.stdout, stderr: result.stderr };
  });
}

export interface GrayRaster {
  width: number;
  height: number;
  /** One byte per pixel, 0 black … 255 white, rows top to bottom. */
  pixels: Uint8Array;
  stderr: string;
}

/** The first page rendered by pdftoppm in grey at `dpi`. */
export function rasterise(pdf: Uint8Array, dpi: number): GrayRaster {
  return withPdfFile(pdf, (file, dir) => {
    const out = join(dir, 'page');
    const result = spawnSync('pdftoppm', ['-gray', '-r', String(dpi), '-singlefile', file, out], { encoding: 'utf8' });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`pdftoppm exited ${result.status}: ${result.stderr}`);
    return { ...parsePgm(readFileSync(`${out}.pgm`)), stderr: result.stderr };
  });
}

function withPdfFile<T>(pdf: Uint8Array, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'vtm-pdf-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Binary PGM (P5, 8-bit), as pdftoppm -gray writes it. */
function parsePgm(bytes: Buffer): { width: number; height: number; pixels: Uint8Array } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not an 8-bit binary PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const start = header[0].length;
  return { width, height, pixels: bytes.subarray(start, start + width * height) };
}

