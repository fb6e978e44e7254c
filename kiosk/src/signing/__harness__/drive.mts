import { chromium } from 'playwright-core';
import fontkit from '@pdf-lib/fontkit';
import { readFileSync, writeFileSync } from 'node:fs';

const SENTENCE = '本人已阅读风险揭示，愿意承担投资风险';
const font: any = (fontkit as any).create(readFileSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'), 'NotoSansCJKsc-Regular');

/** A glyph's outline contours as polylines in em units (y down), 0..1. */
function glyphContours(ch: string): [number, number][][] {
  const glyph = font.glyphForCodePoint(ch.codePointAt(0));
  const contours: [number, number][][] = [];
  let cur: [number, number][] = [];
  let last: [number, number] = [0, 0];
  const P = (x: number, y: number): [number, number] => [x / 1000, 1 - (y + 120) / 1000];
  for (const c of glyph.path.commands) {
    const a = c.args;
    if (c.command === 'moveTo') { if (cur.length) contours.push(cur); cur = [P(a[0], a[1])]; last = [a[0], a[1]]; }
    else if (c.command === 'lineTo') { cur.push(P(a[0], a[1])); last = [a[0], a[1]]; }
    else if (c.command === 'bezierCurveTo' || c.command === 'quadraticCurveTo') {
      const end = [a[a.length - 2], a[a.length - 1]];
      for (let t = 0.25; t <= 1; t += 0.25) cur.push(P(last[0] + (end[0] - last[0]) * t, last[1] + (end[1] - last[1]) * t));
      last = end as [number, number];
    } else if (c.command === 'closePath') { if (cur.length) { cur.push(cur[0]!); contours.push(cur); cur = []; } }
  }
  if (cur.length) contours.push(cur);
  return contours;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
page.on('console', (m) => console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto('http://localhost:5199/');
await page.waitForSelector('[data-testid=handwriting-pad]');
await page.screenshot({ path: '/tmp/h-empty.png' });

// Handwriting: refused when (nearly) empty
await page.click('[data-testid=handwriting-confirm]');
console.log('refused:', await page.getAttribute('[data-testid=handwriting-refused]', 'data-reason'));

const pad = (await page.locator('[data-testid=handwriting-pad]').boundingBox())!;
const cols = await page.evaluate(() => 0);
console.log('pad', pad);
// infer grid from the svg
const grid = await page.evaluate(() => { const r = document.querySelectorAll('svg.grid rect'); const a = r[0]!.getBoundingClientRect(); const b = r[1]!.getBoundingClientRect(); return { cell: Math.round(b.left - a.left), count: r.length }; });
console.log('grid', grid);
const columns = Math.round(pad.width / grid.cell);
const chars = Array.from(SENTENCE);
for (const [i, ch] of chars.entries()) {
  const cx = pad.x + (i % columns) * grid.cell, cy = pad.y + Math.floor(i / columns) * grid.cell;
  for (const contour of glyphContours(ch)) {
    const pts = contour.map(([x, y]) => [cx + grid.cell * (0.1 + 0.8 * x), cy + grid.cell * (0.1 + 0.8 * y)]);
    await page.mouse.move(pts[0]![0]!, pts[0]![1]!);
    await page.mouse.down();
    for (const [x, y] of pts.slice(1)) await page.mouse.move(x!, y!, { steps: 2 });
    await page.mouse.up();
  }
}
await page.screenshot({ path: '/tmp/h-written.png' });
await page.click('[data-testid=handwriting-confirm]');
await page.waitForFunction(() => (window as any).__handwriting);
const hw = await page.evaluate(() => (window as any).__handwriting);
console.log('handwriting strokes', hw.strokes.length, 'grid', hw.grid, 'size', hw.size, 'first point', hw.strokes[0][0], 'png', hw.png.length);
const ocr = await page.evaluate(([s, g]) => (window as any).__ocrImage(s, g), [hw.strokes, hw.grid]);
writeFileSync('/tmp/ocr-line.png', Buffer.from(ocr.split(',')[1], 'base64'));
writeFileSync('/tmp/hw-pad.png', Buffer.from(hw.png.split(',')[1], 'base64'));

// Signature: short one refused, then a real one
const sig = (await page.locator('[data-testid=signature-pad]').boundingBox())!;
await page.mouse.move(sig.x + 100, sig.y + 100); await page.mouse.down(); await page.mouse.move(sig.x + 130, sig.y + 110, { steps: 5 }); await page.mouse.up();
await page.click('[data-testid=signature-confirm]');
console.log('sig refused:', await page.getAttribute('[data-testid=signature-refused]', 'data-reason'));
await page.click('[data-testid=signature-clear]');
console.log('after clear refused visible:', await page.locator('[data-testid=signature-refused]').count());
await page.mouse.move(sig.x + 100, sig.y + 200); await page.mouse.down();
for (let i = 0; i <= 40; i++) await page.mouse.move(sig.x + 100 + i * 12, sig.y + 200 - Math.sin(i / 2) * 60, { steps: 2 });
await page.mouse.up();
await page.mouse.move(sig.x + 200, sig.y + 120); await page.mouse.down(); await page.mouse.move(sig.x + 240, sig.y + 260, { steps: 8 }); await page.mouse.up();
await page.click('[data-testid=signature-confirm]');
await page.waitForFunction(() => (window as any).__signature);
const s = await page.evaluate(() => (window as any).__signature);
console.log('signature strokes', s.strokes.length, s.strokes.map((x: any) => x.length), 'size', s.size, 'svg', s.svg.length, 'last t', s.strokes[1].at(-1));
writeFileSync('/tmp/sig.svg', s.svg);
writeFileSync('/tmp/sig.png', Buffer.from(s.png.split(',')[1], 'base64'));
await page.screenshot({ path: '/tmp/h-all.png', fullPage: true });
await browser.close();
