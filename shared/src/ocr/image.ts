/**
 * Images as plain typed arrays, and the pixel operations document reading needs. Nothing
 * here touches a DOM, a canvas or Node: the same code runs in the kiosk's Web Worker and in
 * Node (tests, the `npm run ocr` CLI, the benchmark).
 *
 * Colour images are RGBA like `ImageData` (a canvas frame can be passed as is); everything
 * after the first step works on one-channel grey images.
 */

/** An RGBA image, 4 bytes per pixel, rows top to bottom (the layout of `ImageData`). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A one-channel image, 1 byte per pixel. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** An axis-aligned rectangle in pixels: [x, x + width) × [y, y + height). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function rgbaImage(width: number, height: number, data?: Uint8ClampedArray): RgbaImage {
  checkSize(width, height);
  if (data !== undefined && data.length !== width * height * 4) {
    throw new RangeError(`RGBA data has ${data.length} bytes, ${width}×${height} needs ${width * height * 4}`);
  }
  return { width, height, data: data ?? new Uint8ClampedArray(width * height * 4) };
}

export function grayImage(width: number, height: number, data?: Uint8ClampedArray): GrayImage {
  checkSize(width, height);
  if (data !== undefined && data.length !== width * height) {
    throw new RangeError(`grey data has ${data.length} bytes, ${width}×${height} needs ${width * height}`);
  }
  return { width, height, data: data ?? new Uint8ClampedArray(width * height) };
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
}

/** Luma (ITU-R BT.601 weights, integer arithmetic); alpha is ignored. */
export function toGray(image: RgbaImage): GrayImage {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; j < out.length; i += 4, j++) {
    out[j] = (77 * (data[i] as number) + 150 * (data[i + 1] as number) + 29 * (data[i + 2] as number) + 128) >> 8;
  }
  return { width, height, data: out };
}

/** Grey back to RGBA (opaque), e.g. to hand a crop to a recogniser that takes RGBA. */
export function grayToRgba(image: GrayImage): RgbaImage {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let j = 0, i = 0; j < data.length; j++, i += 4) {
    const v = data[j] as number;
    out[i] = v;
    out[i + 1] = v;
    out[i + 2] = v;
    out[i + 3] = 255;
  }
  return { width, height, data: out };
}

/** The part of `rect` inside the image (may be empty: width or height 0). */
export function clampRect(rect: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.min(width, Math.round(rect.x)));
  const y0 = Math.max(0, Math.min(height, Math.round(rect.y)));
  const x1 = Math.max(x0, Math.min(width, Math.round(rect.x + rect.width)));
  const y1 = Math.max(y0, Math.min(height, Math.round(rect.y + rect.height)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** A copy of the part of the image under `rect` (clamped to the image; throws if nothing is left). */
export function cropGray(image: GrayImage, rect: Rect): GrayImage {
  const r = clampRect(rect, image.width, image.height);
  if (r.width === 0 || r.height === 0) throw new RangeError('crop rectangle lies outside the image');
  const out = new Uint8ClampedArray(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const start = (r.y + y) * image.width + r.x;
    out.set(image.data.subarray(start, start + r.width), y * r.width);
  }
  return { width: r.width, height: r.height, data: out };
}

/** Grey value at a real-valued position (pixel centres at integer + 0.5), bilinear, edges extended. */
function sampleBilinear(data: Uint8ClampedArray, width: number, height: number, x: number, y: number): number {
  const fx = Math.min(Math.max(x - 0.5, 0), width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const r0 = y0 * width;
  const r1 = y1 * width;
  const top = (data[r0 + x0] as number) * (1 - ax) + (data[r0 + x1] as number) * ax;
  const bottom = (data[r1 + x0] as number) * (1 - ax) + (data[r1 + x1] as number) * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Resamples to a new size. Shrinking averages whole source boxes (no aliasing of thin
 * strokes); enlarging interpolates bilinearly.
 */
export function resizeGray(image: GrayImage, width: number, height: number): GrayImage {
  checkSize(width, height);
  if (width === image.width && height === image.height) return { width, height, data: image.data.slice() };
  if (width <= image.width && height <= image.height) return shrinkByArea(image, width, height);
  const out = new Uint8ClampedArray(width * height);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out[y * width + x] = sampleBilinear(image.data, image.width, image.height, (x + 0.5) * sx, (y + 0.5) * sy);
    }
  }
  return { width, height, data: out };
}

function shrinkByArea(image: GrayImage, width: number, height: number): GrayImage {
  const { width: w, height: h, data } = image;
  const sx = w / width;
  const sy = h / height;
  const out = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.min(h, Math.floor((y + 1) * sy)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.min(w, Math.floor((x + 1) * sx)));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) {
        const row = yy * w;
        for (let xx = x0; xx < x1; xx++) sum += data[row + xx] as number;
      }
      out[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return { width, height, data: out };
}

/**
 * Rotates about the image centre by `degrees` (positive = counter-clockwise as seen on
 * screen), keeping the size; uncovered corners take `fill`.
 */
export function rotateGray(image: GrayImage, degrees: number, fill = 255): GrayImage {
  const { width, height, data } = image;
  if (degrees === 0) return { width, height, data: data.slice() };
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = width / 2;
  const cy = height / 2;
  const out = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) {
    const dy = y + 0.5 - cy;
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - cx;
      // Inverse mapping: where in the source does this output pixel come from (y axis points down).
      const sx = cx + dx * cos - dy * sin;
      const sy = cy + dx * sin + dy * cos;
      out[y * width + x] =
        sx < 0 || sy < 0 || sx > width || sy > height ? fill : sampleBilinear(data, width, height, sx, sy);
    }
  }
  return { width, height, data: out };
}

/** Half a turn (a document lying upside down). */
export function rotate180Gray(image: GrayImage): GrayImage {
  const out = image.data.slice().reverse();
  return { width: image.width, height: image.height, data: out };
}

/** Box mean over a (2r+1)² window, edges clamped, by a summed-area table. */
export function boxBlurGray(image: GrayImage, radius: number): GrayImage {
  const { width, height, data } = image;
  const r = Math.max(0, Math.floor(radius));
  if (r === 0) return { width, height, data: data.slice() };
  const stride = width + 1;
  const sat = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += data[y * width + x] as number;
      sat[(y + 1) * stride + x + 1] = (sat[y * stride + x + 1] as number) + rowSum;
    }
  }
  const out = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum =
        (sat[y1 * stride + x1] as number) -
        (sat[y0 * stride + x1] as number) -
        (sat[y1 * stride + x0] as number) +
        (sat[y0 * stride + x0] as number);
      out[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return { width, height, data: out };
}

/** Otsu's threshold of a grey image: values above it are the brighter class. */
export function otsuThreshold(image: GrayImage): number {
  const histogram = new Float64Array(256);
  for (const v of image.data) histogram[v] = (histogram[v] as number) + 1;
  const total = image.data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * (histogram[i] as number);
  let weightBelow = 0;
  let sumBelow = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    weightBelow += histogram[t] as number;
    if (weightBelow === 0) continue;
    const weightAbove = total - weightBelow;
    if (weightAbove === 0) break;
    sumBelow += t * (histogram[t] as number);
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const between = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/**
 * Dark print on a lighter, possibly unevenly lit background: 1 where a pixel (lightly
 * smoothed against sensor noise) is darker than its neighbourhood's mean by at least
 * `contrast` grey levels and by `ratio` of that mean, else 0.
 */
export function inkMask(image: GrayImage, opts: { radius?: number; contrast?: number; ratio?: number } = {}): Uint8Array {
  const radius = opts.radius ?? 15;
  const contrast = opts.contrast ?? 40;
  const ratio = opts.ratio ?? 0.18;
  const smooth = boxBlurGray(image, 1);
  const background = boxBlurGray(image, radius);
  const mask = new Uint8Array(image.width * image.height);
  for (let i = 0; i < mask.length; i++) {
    const bg = background.data[i] as number;
    const v = smooth.data[i] as number;
    mask[i] = bg - v >= Math.max(contrast, bg * ratio) ? 1 : 0;
  }
  return mask;
}

/**
 * Stretches grey levels so the darkest `low` and lightest `high` fraction saturate: crops
 * from a dim or washed-out photo get full contrast before recognition.
 */
export function stretchContrast(image: GrayImage, low = 0.01, high = 0.01): GrayImage {
  const histogram = new Uint32Array(256);
  for (const v of image.data) histogram[v] = (histogram[v] as number) + 1;
  const n = image.data.length;
  let lo = 0;
  for (let acc = 0; lo < 255 && acc + (histogram[lo] as number) <= n * low; lo++) acc += histogram[lo] as number;
  let hi = 255;
  for (let acc = 0; hi > 0 && acc + (histogram[hi] as number) <= n * high; hi--) acc += histogram[hi] as number;
  if (hi - lo < 8) return { width: image.width, height: image.height, data: image.data.slice() };
  const scale = 255 / (hi - lo);
  const out = new Uint8ClampedArray(n);
  for (let i = 0; i < n; i++) out[i] = ((image.data[i] as number) - lo) * scale;
  return { width: image.width, height: image.height, data: out };
}

/**
 * Sharpness as the variance of the 4-neighbour Laplacian over the grey image (or a region
 * of it): a blurred or moving frame scores low. Used for automatic capture: take the frame
 * once the score is high and steady. The scale depends on the camera and scene, so compare
 * frames of one camera rather than against a universal constant.
 */
export function laplacianVariance(image: GrayImage, region?: Rect): number {
  const r = clampRect(region ?? { x: 0, y: 0, width: image.width, height: image.height }, image.width, image.height);
  const { width, data } = image;
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let y = Math.max(1, r.y); y < Math.min(image.height - 1, r.y + r.height); y++) {
    for (let x = Math.max(1, r.x); x < Math.min(width - 1, r.x + r.width); x++) {
      const i = y * width + x;
      const lap =
        (data[i - 1] as number) + (data[i + 1] as number) + (data[i - width] as number) + (data[i + width] as number) - 4 * (data[i] as number);
      sum += lap;
      sumSquares += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSquares / n - mean * mean;
}

/**
 * A grey image as a binary PGM (P5) file: the simplest format Leptonica (inside tesseract,
 * in Node and in the browser alike) reads, and the cheapest to write.
 */
export function encodePgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.data.length);
  out.set(header, 0);
  out.set(image.data, header.length);
  return out;
}
