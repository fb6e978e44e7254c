import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 2, hasTouch: true });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto('http://localhost:5199/');
await page.waitForSelector('[data-testid=handwriting-pad]');
const pad = (await page.locator('[data-testid=handwriting-pad]').boundingBox())!;
console.log('hw pad', pad);
// write a cross in 5 cells only
const cell = await page.evaluate(() => { const r = document.querySelectorAll('svg.grid rect'); return r[1]!.getBoundingClientRect().left - r[0]!.getBoundingClientRect().left; });
for (let i = 0; i < 5; i++) {
  const x = pad.x + i * cell, y = pad.y;
  await page.mouse.move(x + 20, y + cell / 2); await page.mouse.down(); await page.mouse.move(x + cell - 20, y + cell / 2, { steps: 5 }); await page.mouse.up();
  await page.mouse.move(x + cell / 2, y + 20); await page.mouse.down(); await page.mouse.move(x + cell / 2, y + cell - 20, { steps: 5 }); await page.mouse.up();
}
await page.click('[data-testid=handwriting-confirm]');
console.log('hw refused:', await page.getAttribute('[data-testid=handwriting-refused]', 'data-reason'));
const sig = (await page.locator('[data-testid=signature-pad]').boundingBox())!;
await page.mouse.move(sig.x + 100, sig.y + 200); await page.mouse.down();
for (let i = 0; i <= 40; i++) await page.mouse.move(sig.x + 100 + i * 12, sig.y + 200 - Math.sin(i / 2) * 60, { steps: 2 });
await page.mouse.up();
// resize: strokes must survive
await page.setViewportSize({ width: 1100, height: 1000 });
await page.waitForTimeout(300);
await page.click('[data-testid=signature-confirm]');
await page.screenshot({ path: '/tmp/h2.png' }); console.log('refused?', await page.locator('[data-testid=signature-refused]').getAttribute('data-reason').catch(() => null)); await page.waitForFunction(() => (window as any).__signature);
const s = await page.evaluate(() => (window as any).__signature);
const png = Buffer.from(s.png.split(',')[1], 'base64');
console.log('sig size', s.size, 'png', png.readUInt32BE(16), png.readUInt32BE(20), 'strokes', s.strokes.length, s.strokes[0].length, 'first', s.strokes[0][0]);
writeFileSync('/tmp/sig2.png', png);
await page.screenshot({ path: '/tmp/h2.png' });
await browser.close();
