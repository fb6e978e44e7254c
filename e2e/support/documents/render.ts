/**
 * Renders document pages to images in one headless Chromium page, reused for the whole
 * batch (starting Chromium costs far more than a render).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../browser.ts';

export type ImageOutput = { type: 'png' } | { type: 'jpeg'; quality: number };

export class DocumentRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly ownsBrowser: boolean,
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {}

  /** Uses the given browser, or launches the project's Chromium (and closes it in `close`). */
  static async open(browser?: Browser): Promise<DocumentRenderer> {
    const owned = browser === undefined;
    const b = browser ?? (await launchBrowser());
    try {
      const context = await b.newContext({ viewport: { width: 1012, height: 638 }, deviceScaleFactor: 1 });
      // Documents are self-contained (fonts are the system's, images data: URIs); anything
      // else would be a bug, and fetching it would break the offline rule.
      await context.route(/^https?:/, (route) => route.abort());
      const page = await context.newPage();
      return new DocumentRenderer(b, owned, context, page);
    } catch (error) {
      if (owned) await b.close();
      throw error;
    }
  }

  /** Lays out `html` in a viewport of exactly `size` and screenshots it. */
  async render(html: string, size: { width: number; height: number }, output: ImageOutput): Promise<Buffer> {
    await this.page.setViewportSize(size);
    await this.page.setContent(html, { waitUntil: 'load' });
    await this.page.evaluate(async () => {
      // Fonts first: the layout hook measures text (MRZ pitch) and noise must not be redrawn.
      await document.fonts.ready;
      await Promise.all(Array.from(document.images, (img) => img).map((img) => img.decode()));
      (window as unknown as { __vtmLayout?: () => void }).__vtmLayout?.();
    });
    const clip = { x: 0, y: 0, ...size };
    return output.type === 'png'
      ? this.page.screenshot({ type: 'png', clip, animations: 'disabled' })
      : this.page.screenshot({ type: 'jpeg', quality: output.quality, clip, animations: 'disabled' });
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    if (this.ownsBrowser) await this.browser.close();
  }
}
