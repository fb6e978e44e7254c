/**
 * A still document as a fake camera feed: Chromium's --use-file-for-fake-video-capture plays
 * a Y4M file (4:2:0) in a loop, so a kiosk under test "sees" the card held up to the camera.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Y4mOptions {
  seconds: number;
  /** Frame size, e.g. 640×480 or 1280×720. */
  width: number;
  height: number;
  /** Frames per second; Chromium plays the file at this rate. Default 15. */
  fps?: number;
  /** Largest share of the frame's width or height the document may take. Default 0.8. */
  fill?: number;
  /** Around the document, like a desk or the kiosk's tray. Default dark grey. */
  background?: string;
}

export interface Y4mResult {
  file: string;
  width: number;
  height: number;
  frames: number;
}

export async function documentToY4m(imageFile: string, y4mFile: string, options: Y4mOptions): Promise<Y4mResult> {
  const { seconds, width, height, fps = 15, fill = 0.8, background = '0x202024' } = options;
  if (width % 2 || height % 2) throw new RangeError(`Y4M 4:2:0 frames need even sizes, got ${width}×${height}`);
  if (!(seconds > 0)) throw new RangeError(`seconds must be positive, got ${seconds}`);
  const frames = Math.max(1, Math.round(seconds * fps));
  const filter = [
    // Fit inside the fill box keeping the aspect ratio; even sizes for 4:2:0 chroma.
    `scale=w=${Math.floor(width * fill)}:h=${Math.floor(height * fill)}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=lanczos`,
    // Centred; offsets rounded to even so chroma lines up.
    `pad=${width}:${height}:trunc((ow-iw)/4)*2:trunc((oh-ih)/4)*2:color=${background}`,
    'format=yuv420p',
  ].join(',');
  await run('ffmpeg', [
    '-v', 'error', '-y',
    '-loop', '1', '-framerate', String(fps), '-i', imageFile,
    '-vf', filter,
    '-frames:v', String(frames),
    '-f', 'yuv4mpegpipe', y4mFile,
  ]);
  return { file: y4mFile, width, height, frames };
}
