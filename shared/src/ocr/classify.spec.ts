import { describe, expect, it } from 'vitest';
import { classifyLayout, inkDensity } from './classify.ts';
import { LAYOUT_SIGNATURES, NORMALISED_SIZE, formatOfAspect, rotateRelative180, type DocumentKind, type RelativeRect } from './layout.ts';
import type { InkMask } from './text-lines.ts';

/** A mask with half the pixels of every 'ink' rectangle of a kind's signature set. */
function maskFor(kind: DocumentKind, upsideDown = false): InkMask {
  const { width, height } = NORMALISED_SIZE[kind === 'passport-td3' ? 'td3' : 'id-1'];
  const data = new Uint8Array(width * height);
  for (const r of LAYOUT_SIGNATURES[kind].ink) {
    const rect: RelativeRect = upsideDown ? rotateRelative180(r) : r;
    for (let y = Math.floor(rect.y0 * height); y < rect.y1 * height; y++) {
      for (let x = Math.floor(rect.x0 * width); x < rect.x1 * width; x++) if ((x + y) % 2 === 0) data[y * width + x] = 1;
    }
  }
  return { width, height, data };
}

describe('layout classification', () => {
  it('tells the format from the aspect ratio', () => {
    expect(formatOfAspect(85.6 / 54)).toBe('id-1');
    expect(formatOfAspect(125 / 88)).toBe('td3');
    expect(formatOfAspect(1012 / 638)).toBe('id-1');
  });

  it('measures ink density in a relative rectangle', () => {
    const m: InkMask = { width: 10, height: 10, data: new Uint8Array(100).fill(1) };
    expect(inkDensity(m, { x0: 0, y0: 0, x1: 0.5, y1: 0.5 })).toBe(1);
  });

  for (const kind of ['cn-resident-id-front', 'cn-resident-id-back'] as const) {
    for (const upsideDown of [false, true]) {
      it(`recognises a ${kind}${upsideDown ? ' upside down' : ''}`, () => {
        const [best] = classifyLayout(maskFor(kind, upsideDown), 'id-1');
        expect(best).toMatchObject({ kind, upsideDown });
      });
    }
  }

  it('recognises a passport page and its orientation', () => {
    expect(classifyLayout(maskFor('passport-td3'), 'td3')[0]).toMatchObject({ kind: 'passport-td3', upsideDown: false });
    expect(classifyLayout(maskFor('passport-td3', true), 'td3')[0]).toMatchObject({ kind: 'passport-td3', upsideDown: true });
  });
});
