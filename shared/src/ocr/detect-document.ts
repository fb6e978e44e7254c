/**
 * Finding the document in a camera frame: a light card or passport page on a darker
 * background (the kiosk's capture tray), located as the largest bright region, its four
 * edges fitted as straight lines (rounded card corners, a thumb or a shadow on an edge
 * are outliers), and its corners where those lines cross. Perspective and rotation are
 * both undone by mapping that quadrilateral onto an upright rectangle.
 */
import { fitLine, intersect, quadSize, type Point, type Quad } from './geometry.ts';
import { otsuThreshold, resizeGray, type GrayImage } from './image.ts';

export interface DocumentLocation {
  /** Corners in the image: top-left, top-right, bottom-right, bottom-left (of the document's long side as its width). */
  quad: Quad;
  /** True when the document fills the whole image (a scan or a cropped picture): `quad` is the image itself. */
  fillsFrame: boolean;
  /** Axis-aligned bounds of the quad, clamped to the image. */
  bounds: { x: number; y: number; width: number; height: number };
}

/** The working size: edges are found on a copy this wide (or high), then refined at full resolution. */
const WORKING_SIZE = 480;
/** Share of each edge, at both ends, left out of the line fit (rounded corners). */
const CORNER_SHARE = 0.15;
/** The document must cover at least this share of the frame. */
const MIN_AREA_SHARE = 0.12;
/** Border pixels on the document: above this share the document fills the frame. */
const FILLS_FRAME_BORDER_SHARE = 0.6;

/**
 * Locates the document, or returns null when no document-like region stands out (an empty
 * tray, a hand, a dark document on a light background).
 */
export function locateDocument(image: GrayImage): DocumentLocation | null {
  const factor = Math.max(1, Math.max(image.width, image.height) / WORKING_SIZE);
  const small = factor > 1 ? resizeGray(image, Math.max(1, Math.round(image.width / factor)), Math.max(1, Math.round(image.height / factor))) : image;
  const sx = image.width / small.width;
  const sy = image.height / small.height;
  const threshold = otsuThreshold(small);
  const component = largestBrightComponent(small, threshold);
  if (component === null || component.area < MIN_AREA_SHARE * small.width * small.height) return null;

  if (component.borderShare >= FILLS_FRAME_BORDER_SHARE) {
    const quad: Quad = [
      { x: 0, y: 0 },
      { x: image.width, y: 0 },
      { x: image.width, y: image.height },
      { x: 0, y: image.height },
    ];
    return orient({ quad, fillsFrame: true, bounds: { x: 0, y: 0, width: image.width, height: image.height } });
  }

  const edges = edgePoints(small, component, threshold);
  const refine = (points: Point[], side: Side) =>
    points.map((p) => refineEdgePoint(image, { x: p.x * sx, y: p.y * sy }, side, Math.ceil(2 * Math.max(sx, sy)) + 2));
  const lines = {
    top: fitLine(refine(edges.top, 'top')),
    bottom: fitLine(refine(edges.bottom, 'bottom')),
    left: fitLine(refine(edges.left, 'left')),
    right: fitLine(refine(edges.right, 'right')),
  };
  if (!lines.top || !lines.bottom || !lines.left || !lines.right) return null;
  const corners = [
    intersect(lines.top, lines.left),
    intersect(lines.top, lines.right),
    intersect(lines.bottom, lines.right),
    intersect(lines.bottom, lines.left),
  ];
  if (corners.some((c) => c === null)) return null;
  const quad = corners as unknown as Quad;
  if (!isPlausible(quad, image)) return null;
  return orient({ quad, fillsFrame: false, bounds: boundsOf(quad, image) });
}

type Side = 'top' | 'bottom' | 'left' | 'right';

interface Component {
  labels: Uint8Array;
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Share of the image's border pixels that belong to the component. */
  borderShare: number;
}

/** The largest 4-connected region brighter than `threshold`, as a mask. */
function largestBrightComponent(image: GrayImage, threshold: number): Component | null {
  const { width, height, data } = image;
  const n = width * height;
  const label = new Int32Array(n);
  const queue = new Int32Array(n);
  let best = { id: 0, area: 0, x0: 0, y0: 0, x1: 0, y1: 0 };
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (label[start] !== 0 || (data[start] as number) <= threshold) continue;
    const id = ++next;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    label[start] = id;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    while (head < tail) {
      const p = queue[head++] as number;
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
      for (const q of neighbours) {
        if (q >= 0 && label[q] === 0 && (data[q] as number) > threshold) {
          label[q] = id;
          queue[tail++] = q;
        }
      }
    }
    if (tail > best.area) best = { id, area: tail, x0, y0, x1, y1 };
  }
  if (best.area === 0) return null;
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (label[i] === best.id) labels[i] = 1;
  let onBorder = 0;
  for (let x = 0; x < width; x++) onBorder += (labels[x] as number) + (labels[(height - 1) * width + x] as number);
  for (let y = 1; y < height - 1; y++) onBorder += (labels[y * width] as number) + (labels[y * width + width - 1] as number);
  const borderPixels = 2 * width + 2 * (height - 2);
  return { labels, area: best.area, x0: best.x0, y0: best.y0, x1: best.x1, y1: best.y1, borderShare: onBorder / borderPixels };
}

/** Where each side of the region meets the background, scanning inwards from its bounding box, corners left out. */
function edgePoints(image: GrayImage, c: Component, threshold: number): Record<Side, Point[]> {
  const { width, height, data } = image;
  const { labels } = c;
  const w = c.x1 - c.x0 + 1;
  const h = c.y1 - c.y0 + 1;
  const crossing = (outside: number, inside: number) => {
    const a = data[outside] as number;
    const b = data[inside] as number;
    return b === a ? 0.5 : Math.min(1, Math.max(0, (threshold - a) / (b - a)));
  };
  const edges: Record<Side, Point[]> = { top: [], bottom: [], left: [], right: [] };
  for (let x = Math.ceil(c.x0 + CORNER_SHARE * w); x <= Math.floor(c.x1 - CORNER_SHARE * w); x++) {
    for (let y = c.y0; y <= c.y1; y++) {
      if (labels[y * width + x]) {
        const t = y > 0 ? crossing((y - 1) * width + x, y * width + x) : 0.5;
        edges.top.push({ x: x + 0.5, y: y - 0.5 + t });
        break;
      }
    }
    for (let y = c.y1; y >= c.y0; y--) {
      if (labels[y * width + x]) {
        const t = y < height - 1 ? crossing((y + 1) * width + x, y * width + x) : 0.5;
        edges.bottom.push({ x: x + 0.5, y: y + 1.5 - t });
        break;
      }
    }
  }
  for (let y = Math.ceil(c.y0 + CORNER_SHARE * h); y <= Math.floor(c.y1 - CORNER_SHARE * h); y++) {
    for (let x = c.x0; x <= c.x1; x++) {
      if (labels[y * width + x]) {
        const t = x > 0 ? crossing(y * width + x - 1, y * width + x) : 0.5;
        edges.left.push({ x: x - 0.5 + t, y: y + 0.5 });
        break;
      }
    }
    for (let x = c.x1; x >= c.x0; x--) {
      if (labels[y * width + x]) {
        const t = x < width - 1 ? crossing(y * width + x + 1, y * width + x) : 0.5;
        edges.right.push({ x: x + 1.5 - t, y: y + 0.5 });
        break;
      }
    }
  }
  return edges;
}

/**
 * Moves a coarse edge point to where, at full resolution, the profile across the edge
 * crosses halfway between the background's and the document's grey levels next to it.
 */
function refineEdgePoint(image: GrayImage, p: Point, side: Side, reach: number): Point {
  const horizontal = side === 'left' || side === 'right';
  // Unit step from outside towards inside.
  const step = side === 'top' ? { x: 0, y: 1 } : side === 'bottom' ? { x: 0, y: -1 } : side === 'left' ? { x: 1, y: 0 } : { x: -1, y: 0 };
  const fixed = horizontal ? Math.floor(p.y) : Math.floor(p.x);
  const along = horizontal ? p.x : p.y;
  const limit = horizontal ? image.width : image.height;
  if (fixed < 0 || fixed >= (horizontal ? image.height : image.width)) return p;
  const valueAt = (k: number) => {
    const i = Math.min(limit - 1, Math.max(0, k));
    return horizontal ? (image.data[fixed * image.width + i] as number) : (image.data[i * image.width + fixed] as number);
  };
  // Positions as pixel indices along the scan, from outside to inside.
  const dir = horizontal ? step.x : step.y;
  const centre = Math.floor(along);
  const samples: number[] = [];
  for (let k = -reach; k <= reach; k++) samples.push(valueAt(centre + dir * k));
  const edgeCount = Math.max(2, Math.floor(reach / 3));
  const outside = mean(samples.slice(0, edgeCount));
  const inside = mean(samples.slice(-edgeCount));
  if (inside - outside < 20) return p;
  const mid = (outside + inside) / 2;
  for (let k = 1; k < samples.length; k++) {
    const a = samples[k - 1] as number;
    const b = samples[k] as number;
    if (a < mid && b >= mid) {
      const t = (mid - a) / (b - a);
      // Pixel centre of sample k-1 plus the fraction towards sample k.
      const position = centre + dir * (k - 1 - reach) + 0.5 + dir * t;
      return horizontal ? { x: position, y: p.y } : { x: p.x, y: position };
    }
  }
  return p;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function isPlausible(quad: Quad, image: GrayImage): boolean {
  const margin = 0.1 * Math.max(image.width, image.height);
  if (quad.some((p) => p.x < -margin || p.y < -margin || p.x > image.width + margin || p.y > image.height + margin)) return false;
  // Convex and consistently wound: every turn has the same sign.
  const turns = quad.map((p, i) => {
    const q = quad[(i + 1) % 4] as Point;
    const r = quad[(i + 2) % 4] as Point;
    return (q.x - p.x) * (r.y - q.y) - (q.y - p.y) * (r.x - q.x);
  });
  if (!(turns.every((t) => t > 0) || turns.every((t) => t < 0))) return false;
  const { width, height } = quadSize(quad);
  return width * height >= MIN_AREA_SHARE * image.width * image.height;
}

function boundsOf(quad: Quad, image: GrayImage): DocumentLocation['bounds'] {
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const x1 = Math.min(image.width, Math.ceil(Math.max(...xs)));
  const y1 = Math.min(image.height, Math.ceil(Math.max(...ys)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Documents are read landscape: a quad standing on its short side is turned a quarter (which quarter is settled later, with upside down). */
function orient(location: DocumentLocation): DocumentLocation {
  const { width, height } = quadSize(location.quad);
  if (width >= height) return location;
  const [tl, tr, br, bl] = location.quad;
  return { ...location, quad: [bl, tl, tr, br] };
}

/** Aspect ratio (long side over short side) of a located document. */
export function aspectRatio(location: DocumentLocation): number {
  const { width, height } = quadSize(location.quad);
  return Math.max(width, height) / Math.max(1e-9, Math.min(width, height));
}
