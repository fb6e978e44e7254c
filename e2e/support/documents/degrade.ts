/**
 * "Degraded" documents: the clean rendering as a kiosk camera would see it. Each effect is
 * drawn at random within the range the OCR study measured against (rotation up to 3°, blur
 * 0.5–1.2 px, noise, uneven light, JPEG 50–70), and all of it happens in the browser: CSS
 * transforms and filters for the optics, a canvas for sensor noise, JPEG from the screenshot.
 */
import type { Random } from './random.ts';
import { hashSeed } from './random.ts';
import type { Degradation, DocumentKind } from './types.ts';
import { CLEAN_SIZE } from './templates.ts';

/** The camera frame: larger than the document, with a margin of dark desk around it. */
export const DEGRADED_FRAME: Record<DocumentKind, { width: number; height: number }> = {
  'cn-resident-id-front': { width: 1280, height: 800 },
  'cn-resident-id-back': { width: 1280, height: 800 },
  'passport-td3': { width: 1800, height: 1280 },
};

const DESKS = ['#2b2b30', '#3a332c', '#23292f', '#403a36', '#1f2326'];

/**
 * Picks a random combination of effects. The frame and JPEG are always there (they are what
 * makes it a camera picture); of the others at least two are applied.
 */
export function chooseDegradation(rng: Random, kind: DocumentKind): Degradation {
  const optional = ['rotation', 'perspective', 'blur', 'lighting', 'noise'] as const;
  let chosen = optional.filter(() => rng.chance(0.65));
  while (chosen.length < 2) chosen = [...new Set([...chosen, rng.pick(optional)])];
  const on = (effect: (typeof optional)[number]) => chosen.includes(effect);

  const frameSize = DEGRADED_FRAME[kind];
  const card = CLEAN_SIZE[kind];
  const cardScale = round(rng.between(0.72, 0.9) * Math.min(frameSize.width / card.width, frameSize.height / card.height), 3);
  // Off-centre by up to a third of the margin, so the document never leaves the frame.
  const marginX = (frameSize.width - card.width * cardScale) / 2;
  const marginY = (frameSize.height - card.height * cardScale) / 2;
  const d: Degradation = {
    effects: ['frame', ...optional.filter(on), 'jpeg'],
    summary: '',
    frame: {
      ...frameSize,
      background: rng.pick(DESKS),
      cardScale,
      offsetX: Math.round(rng.between(-marginX / 3, marginX / 3)),
      offsetY: Math.round(rng.between(-marginY / 3, marginY / 3)),
    },
    rotationDeg: on('rotation') ? round(rng.between(0.4, 3) * (rng.chance(0.5) ? -1 : 1), 2) : 0,
    perspective: on('perspective')
      ? { rotateXDeg: round(rng.between(-5, 5), 2), rotateYDeg: round(rng.between(-5, 5), 2) }
      : { rotateXDeg: 0, rotateYDeg: 0 },
    blurPx: on('blur') ? round(rng.between(0.5, 1.2), 2) : 0,
    noiseSigma: on('noise') ? round(rng.between(5, 14), 1) : 0,
    lighting: on('lighting') ? { angleDeg: rng.int(0, 359), strength: round(rng.between(0.2, 0.5), 2) } : { angleDeg: 0, strength: 0 },
    jpegQuality: rng.int(50, 70),
    noiseSeed: hashSeed(String(rng.next())),
  };
  d.summary = summarize(d, card.width);
  return d;
}

function round(n: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(n * k) / k;
}

function summarize(d: Degradation, cardWidth: number): string {
  const share = Math.round(((cardWidth * d.frame.cardScale) / d.frame.width) * 100);
  const parts = [`${share}% of the frame's width on ${d.frame.background}`];
  if (d.rotationDeg) parts.push(`rotated ${d.rotationDeg}°`);
  if (d.perspective.rotateXDeg || d.perspective.rotateYDeg) parts.push(`tilted ${d.perspective.rotateXDeg}°/${d.perspective.rotateYDeg}°`);
  if (d.blurPx) parts.push(`blur ${d.blurPx} px`);
  if (d.lighting.strength) parts.push(`light gradient ${d.lighting.strength} at ${d.lighting.angleDeg}°`);
  if (d.noiseSigma) parts.push(`noise σ${d.noiseSigma}`);
  parts.push(`JPEG q${d.jpegQuality}`);
  return parts.join(', ');
}

/**
 * The camera scene as a page (the clean image's white corners are clipped by the radius): desk, document (transformed, blurred, shadowed), a light
 * gradient over everything, then noise. Order matters: noise is the sensor's, after optics.
 */
export function degradedSceneHtml(cleanImageDataUri: string, d: Degradation, cardSize: { width: number; height: number; cornerRadius: number }): string {
  const { width, height } = d.frame;
  const left = (width - cardSize.width) / 2 + d.frame.offsetX;
  const top = (height - cardSize.height) / 2 + d.frame.offsetY;
  const transform = [
    `perspective(${Math.round(cardSize.width * 2)}px)`,
    `rotateX(${d.perspective.rotateXDeg}deg)`,
    `rotateY(${d.perspective.rotateYDeg}deg)`,
    `rotate(${d.rotationDeg}deg)`,
    `scale(${d.frame.cardScale})`,
  ].join(' ');
  const s = d.lighting.strength;
  // A lamp on one side: a warm highlight (screen) fading into a shadow (multiply) on the
  // other. Either blend keeps black text black and white paper visibly uneven.
  const lighting = s
    ? `<div style="position:absolute;inset:0;background:linear-gradient(${d.lighting.angleDeg}deg, rgba(255,248,225,${(s * 0.55).toFixed(2)}) 0%, rgba(255,248,225,0) 40%);mix-blend-mode:screen"></div>
<div style="position:absolute;inset:0;background:linear-gradient(${d.lighting.angleDeg}deg, rgba(0,0,0,0) 35%, rgba(20,15,10,${(s * 0.8).toFixed(2)}) 100%);mix-blend-mode:multiply"></div>`
    : '';
  const noise = d.noiseSigma ? `<canvas id="noise" width="${width}" height="${height}" style="position:absolute;inset:0;mix-blend-mode:hard-light"></canvas>` : '';
  const script = `window.__vtmLayout = () => {
  const canvas = document.getElementById('noise');
  if (!canvas) return;
  // mulberry32 seeded from the ground truth, so the noise is reproducible too.
  let state = ${d.noiseSeed} >>> 0;
  const next = () => { state = (state + 0x6d2b79f5) >>> 0; let t = state; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(${width}, ${height});
  const sigma = ${d.noiseSigma};
  for (let i = 0; i < img.data.length; i += 4) {
    // Sum of three uniforms: close enough to Gaussian, and cheap.
    const g = (next() + next() + next() - 1.5) * 2;
    // Grey 128 is neutral under hard-light; the deviation is the noise.
    const v = 128 + g * sigma;
    img.data[i] = v + (next() - 0.5) * sigma * 0.6;
    img.data[i + 1] = v;
    img.data[i + 2] = v + (next() - 0.5) * sigma * 0.6;
    img.data[i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
};`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; width: ${width}px; height: ${height}px; overflow: hidden; }
body { background: radial-gradient(ellipse at 50% 45%, ${d.frame.background} 0%, #0e0e10 140%); }
#scene { position: absolute; inset: 0; filter: ${d.blurPx ? `blur(${d.blurPx}px)` : 'none'}; }
#doc { position: absolute; left: ${left.toFixed(1)}px; top: ${top.toFixed(1)}px; width: ${cardSize.width}px; height: ${cardSize.height}px;
  transform: ${transform}; transform-origin: 50% 50%; border-radius: ${cardSize.cornerRadius}px; filter: drop-shadow(0 8px 14px rgba(0,0,0,0.55)); }
</style></head><body>
<div id="scene"><img id="doc" src="${cleanImageDataUri}"></div>
${lighting}${noise}
<script>${script}</script>
</body></html>`;
}
