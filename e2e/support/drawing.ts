/** A customer's pen on the kiosk's pads, as mouse strokes in Chromium. */
import type { Locator, Page } from 'playwright-core';

async function stroke(page: Page, points: Array<[number, number]>): Promise<void> {
  const [first, ...rest] = points;
  await page.mouse.move(first![0], first![1]);
  await page.mouse.down();
  for (const [x, y] of rest) await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.up();
}

/** A signature-like flourish across the pad. */
export async function sign(page: Page, pad: Locator): Promise<void> {
  const box = (await pad.boundingBox())!;
  const at = (fx: number, fy: number): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
  await stroke(page, [at(0.1, 0.6), at(0.2, 0.3), at(0.3, 0.7), at(0.4, 0.35), at(0.5, 0.65), at(0.6, 0.4)]);
  await stroke(page, [at(0.55, 0.55), at(0.7, 0.5), at(0.85, 0.45), at(0.9, 0.6)]);
}

/** A few strokes in every cell of a writing grid of `columns` × `rows`, like characters. */
export async function writeInGrid(page: Page, pad: Locator, columns: number, rows: number): Promise<void> {
  const box = (await pad.boundingBox())!;
  const cellW = box.width / columns;
  const cellH = box.height / rows;
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const x = box.x + column * cellW;
      const y = box.y + row * cellH;
      await stroke(page, [[x + cellW * 0.25, y + cellH * 0.3], [x + cellW * 0.75, y + cellH * 0.3]]);
      await stroke(page, [[x + cellW * 0.5, y + cellH * 0.2], [x + cellW * 0.45, y + cellH * 0.8]]);
    }
  }
}
