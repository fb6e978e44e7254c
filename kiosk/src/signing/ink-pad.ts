/**
 * signature_pad on a canvas, the way both signing components use it: sharp on high-density
 * screens, strokes kept across resizes, and the time origin of the strokes reset on clear.
 */
import SignaturePad, { type Options } from 'signature_pad';
import { type Stroke, strokesFromPointGroups } from './strokes.ts';

/** White, so the PNG reads as ink on paper in any viewer (transparent PNGs show black in some). */
const PAPER = 'rgb(255, 255, 255)';

export class InkPad {
  private readonly pad: SignaturePad;
  /** `Date.now()` when the pad was shown or last cleared: stroke times count from here. */
  private startedAt = Date.now();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    options: Omit<Options, 'backgroundColor'>,
  ) {
    this.pad = new SignaturePad(canvas, { ...options, backgroundColor: PAPER });
    this.fit();
  }

  /**
   * Sizes the canvas's backing store to its CSS size times the device pixel ratio (otherwise
   * ink is blurred on high-density screens) and redraws what was written.
   */
  fit(): void {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const width = this.canvas.offsetWidth;
    const height = this.canvas.offsetHeight;
    if (width === 0 || height === 0) return; // not laid out yet; the resize observer calls again
    if (this.canvas.width === Math.round(width * ratio) && this.canvas.height === Math.round(height * ratio)) return;
    const data = this.pad.toData();
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.getContext('2d')?.scale(ratio, ratio);
    this.pad.fromData(data); // clears to the background, then redraws
  }

  clear(): void {
    this.pad.clear();
    this.startedAt = Date.now();
  }

  isEmpty(): boolean {
    return this.pad.isEmpty();
  }

  strokes(): Stroke[] {
    return strokesFromPointGroups(this.pad.toData(), this.startedAt);
  }

  /** The canvas as drawn, at device resolution. */
  png(): Promise<Blob> {
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob produced no image'))), 'image/png');
    });
  }

  /** Calls `listener` whenever the customer puts the pen down. */
  onStrokeBegin(listener: () => void): void {
    this.pad.addEventListener('beginStroke', listener);
  }

  setEnabled(enabled: boolean): void {
    if (enabled) this.pad.on();
    else this.pad.off();
  }

  destroy(): void {
    this.pad.off();
  }
}
