/** What the signing components show and what they hand back. Labels come from the kiosk's locale files. */
import type { HandwritingGrid, PadSize, Stroke } from './strokes.ts';

export interface SignaturePadLabels {
  /** Accessible name of the drawing area, e.g. 签名区域. */
  pad: string;
  /** Faint text in the empty pad, e.g. 请在此处签名. */
  placeholder: string;
  clear: string;
  confirm: string;
  /** Shown when Confirm is pressed with an empty or trivially short signature. */
  tooShort: string;
}

export interface ConfirmedSignature {
  /** Raw strokes in the pad's CSS pixels; `t` from when the pad was shown or cleared. */
  strokes: Stroke[];
  /** The pad as drawn, at device resolution, ink on white. */
  png: Blob;
  /** `strokesToSvg(strokes, size)`: reproducible from the strokes alone. */
  svg: string;
  /** The pad's size in CSS pixels: the frame of the stroke coordinates. */
  size: PadSize;
}

export interface HandwritingPadLabels {
  /** Accessible name of the writing area, e.g. 抄录区域. */
  pad: string;
  /** Above the grid, e.g. 请在下方格子中逐字抄写上面这句话. */
  instruction: string;
  clear: string;
  confirm: string;
  /** Shown when Confirm is pressed before most of the sentence is written. */
  incomplete: string;
}

export interface ConfirmedHandwriting {
  strokes: Stroke[];
  /** The pad as drawn (without the grid), at device resolution, ink on white. */
  png: Blob;
  /** The grid the strokes were written in (same coordinates); `recogniseHandwriting` needs it. */
  grid: HandwritingGrid;
  size: PadSize;
}
