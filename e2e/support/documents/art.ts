/**
 * SVG artwork for the documents: security-print-like backgrounds, a faceless placeholder
 * portrait and an emblem placeholder. Shapes only, no real imagery: the point is that OCR and
 * layout code see the same clutter behind the text as on a real card, not a likeness.
 */
import type { PortraitStyle } from './identity.ts';

const f = (n: number) => n.toFixed(1);

/** Horizontal sine waves, like the fine line printing behind the fields of an ID card. */
export function waves(width: number, height: number, opts: { count: number; color: string; opacity: number; amplitude: number; wavelength: number }): string {
  const paths: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const y0 = ((i + 0.5) * height) / opts.count;
    const phase = (i * Math.PI) / 5;
    let d = '';
    for (let x = 0; x <= width; x += 8) {
      const y = y0 + opts.amplitude * Math.sin((2 * Math.PI * x) / opts.wavelength + phase) * Math.cos((Math.PI * x) / width + i / 7);
      d += `${x === 0 ? 'M' : 'L'}${f(x)},${f(y)}`;
    }
    paths.push(`<path d="${d}"/>`);
  }
  return `<g fill="none" stroke="${opts.color}" stroke-width="1.1" opacity="${opts.opacity}">${paths.join('')}</g>`;
}

/** An epitrochoid rosette, the classic guilloche ornament of banknotes and ID cards. */
export function rosette(cx: number, cy: number, radius: number, opts: { color: string; opacity: number; petals: number; rings: number }): string {
  const rings: string[] = [];
  for (let ring = 0; ring < opts.rings; ring++) {
    const scale = 1 - ring * (0.55 / opts.rings);
    const R = radius * 0.62 * scale;
    const r = R / opts.petals;
    const d = radius * 0.38 * scale;
    let path = '';
    for (let step = 0; step <= 720; step++) {
      const t = (step / 720) * 2 * Math.PI;
      const x = cx + (R + r) * Math.cos(t) - d * Math.cos(((R + r) / r) * t + ring * 0.4);
      const y = cy + (R + r) * Math.sin(t) - d * Math.sin(((R + r) / r) * t + ring * 0.4);
      path += `${step === 0 ? 'M' : 'L'}${f(x)},${f(y)}`;
    }
    rings.push(`<path d="${path}Z"/>`);
  }
  return `<g fill="none" stroke="${opts.color}" stroke-width="1" opacity="${opts.opacity}">${rings.join('')}</g>`;
}

export function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}

/**
 * A head-and-shoulders silhouette with no facial features: a neutral stand-in for the
 * holder's photo that still has a photo's size, contrast and position.
 */
export function portrait(width: number, height: number, style: PortraitStyle): string {
  const cx = width / 2;
  const headRy = height * 0.21;
  const headRx = headRy * 0.78;
  const headCy = height * 0.4;
  const neckTop = headCy + headRy * 0.8;
  const shoulderY = height * 0.8;
  const hairBehind =
    style.hairStyle === 'long'
      ? `<path d="M${f(cx - headRx * 1.15)},${f(headCy - headRy * 0.2)} Q${f(cx - headRx * 1.35)},${f(shoulderY)} ${f(cx - headRx * 0.9)},${f(shoulderY + 10)} L${f(cx + headRx * 0.9)},${f(shoulderY + 10)} Q${f(cx + headRx * 1.35)},${f(shoulderY)} ${f(cx + headRx * 1.15)},${f(headCy - headRy * 0.2)} Z" fill="${style.hair}"/>`
      : '';
  const bun = style.hairStyle === 'bun' ? `<circle cx="${f(cx)}" cy="${f(headCy - headRy * 1.12)}" r="${f(headRx * 0.42)}" fill="${style.hair}"/>` : '';
  const hairTop = `<path d="M${f(cx - headRx * 1.04)},${f(headCy - headRy * 0.05)} C${f(cx - headRx * 1.1)},${f(headCy - headRy * 1.3)} ${f(cx + headRx * 1.1)},${f(headCy - headRy * 1.3)} ${f(cx + headRx * 1.04)},${f(headCy - headRy * 0.05)} C${f(cx + headRx * 0.8)},${f(headCy - headRy * 0.62)} ${f(cx - headRx * 0.5)},${f(headCy - headRy * 0.7)} ${f(cx - headRx * 1.04)},${f(headCy - headRy * 0.05)} Z" fill="${style.hair}"/>`;
  const body = [
    `<rect width="${width}" height="${height}" fill="#f7f7f5" opacity="0.3"/>`,
    hairBehind,
    `<path d="M${f(cx - width * 0.47)},${height} C${f(cx - width * 0.45)},${f(shoulderY - 30)} ${f(cx - width * 0.3)},${f(shoulderY - 48)} ${f(cx - headRx * 0.5)},${f(shoulderY - 58)} L${f(cx + headRx * 0.5)},${f(shoulderY - 58)} C${f(cx + width * 0.3)},${f(shoulderY - 48)} ${f(cx + width * 0.45)},${f(shoulderY - 30)} ${f(cx + width * 0.47)},${height} Z" fill="${style.clothes}"/>`,
    `<rect x="${f(cx - headRx * 0.42)}" y="${f(neckTop)}" width="${f(headRx * 0.84)}" height="${f(shoulderY - 50 - neckTop)}" fill="${style.skin}"/>`,
    `<path d="M${f(cx - headRx * 0.5)},${f(shoulderY - 58)} L${f(cx)},${f(shoulderY - 10)} L${f(cx + headRx * 0.5)},${f(shoulderY - 58)} Z" fill="${style.skin}"/>`,
    `<ellipse cx="${f(cx - headRx)}" cy="${f(headCy + headRy * 0.08)}" rx="${f(headRx * 0.14)}" ry="${f(headRy * 0.2)}" fill="${style.skin}"/>`,
    `<ellipse cx="${f(cx + headRx)}" cy="${f(headCy + headRy * 0.08)}" rx="${f(headRx * 0.14)}" ry="${f(headRy * 0.2)}" fill="${style.skin}"/>`,
    `<ellipse cx="${f(cx)}" cy="${f(headCy)}" rx="${f(headRx)}" ry="${f(headRy)}" fill="${style.skin}"/>`,
    hairTop,
    bun,
  ];
  return svg(width, height, body.join(''));
}

function starPoints(cx: number, cy: number, r: number, rotationDeg: number): string {
  const points: string[] = [];
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 === 0 ? r : r * 0.382;
    const angle = ((rotationDeg - 90 + i * 36) * Math.PI) / 180;
    points.push(`${f(cx + radius * Math.cos(angle))},${f(cy + radius * Math.sin(angle))}`);
  }
  return points.join(' ');
}

/** A round red-and-gold placeholder where the card back carries the national emblem. */
export function emblemPlaceholder(size: number): string {
  const c = size / 2;
  const gold = '#d9a62e';
  const red = '#c8242b';
  const smallStars = [-40, -15, 15, 40]
    .map((deg) => {
      const a = ((deg - 90) * Math.PI) / 180;
      return `<polygon points="${starPoints(c + size * 0.08 + size * 0.2 * Math.cos(a), c - size * 0.02 + size * 0.2 * Math.sin(a) + size * 0.06, size * 0.045, deg)}" fill="${gold}"/>`;
    })
    .join('');
  const body = [
    `<circle cx="${c}" cy="${c}" r="${f(size * 0.48)}" fill="${gold}"/>`,
    `<circle cx="${c}" cy="${c}" r="${f(size * 0.4)}" fill="${red}"/>`,
    `<polygon points="${starPoints(c - size * 0.12, c - size * 0.1, size * 0.1, 0)}" fill="${gold}"/>`,
    smallStars,
    // A stylised gate and its base: blocks only.
    `<rect x="${f(c - size * 0.22)}" y="${f(c + size * 0.1)}" width="${f(size * 0.44)}" height="${f(size * 0.12)}" fill="${gold}"/>`,
    `<rect x="${f(c - size * 0.16)}" y="${f(c + size * 0.05)}" width="${f(size * 0.32)}" height="${f(size * 0.05)}" fill="${gold}"/>`,
    `<rect x="${f(c - size * 0.04)}" y="${f(c + size * 0.14)}" width="${f(size * 0.08)}" height="${f(size * 0.08)}" fill="${red}"/>`,
    `<path d="M${f(c - size * 0.36)},${f(c + size * 0.28)} Q${c},${f(c + size * 0.38)} ${f(c + size * 0.36)},${f(c + size * 0.28)}" stroke="${gold}" stroke-width="${f(size * 0.035)}" fill="none"/>`,
  ];
  return svg(size, size, body.join(''));
}

/** Stylised wall battlements along the bottom of the card back, drawn in a faint tint. */
export function wallSilhouette(width: number, height: number, color: string, opacity: number): string {
  let d = `M0,${height}`;
  const baseline = height * 0.55;
  for (let x = 0; x <= width; x += 26) {
    const hill = baseline - Math.sin((x / width) * Math.PI * 2.2) * height * 0.25;
    d += ` L${x},${f(hill)} L${x},${f(hill - 10)} L${x + 13},${f(hill - 10)} L${x + 13},${f(hill)}`;
  }
  d += ` L${width},${height} Z`;
  return `<path d="${d}" fill="${color}" opacity="${opacity}"/>`;
}
