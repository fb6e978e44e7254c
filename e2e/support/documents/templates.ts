/**
 * The documents as HTML pages, laid out like the real ones at about 300 dpi: the resident
 * ID card is 85.6 × 54 mm (ISO/IEC 7810 ID-1) → 1012 × 638 px, the passport data page
 * 125 × 88 mm (ICAO 9303 TD3) → 1478 × 1040 px. Fonts are the system's Noto CJK and OCR-B,
 * nothing is fetched.
 */
import { emblemPlaceholder, portrait, rosette, svg, wallSilhouette, waves } from './art.ts';
import type { PassportPage, ResidentCard } from './identity.ts';
import type { DocumentKind } from './types.ts';

export const PX_PER_MM = 1012 / 85.6;

export const CLEAN_SIZE: Record<DocumentKind, { width: number; height: number }> = {
  'cn-resident-id-front': { width: 1012, height: 638 },
  'cn-resident-id-back': { width: 1012, height: 638 },
  'passport-td3': { width: Math.round(125 * PX_PER_MM), height: Math.round(88 * PX_PER_MM) },
};

/** ID-1 cards have 3.18 mm corners; the passport page is drawn square. */
export const CORNER_RADIUS: Record<DocumentKind, number> = {
  'cn-resident-id-front': Math.round(3.18 * PX_PER_MM),
  'cn-resident-id-back': Math.round(3.18 * PX_PER_MM),
  'passport-td3': 0,
};

const SANS = `'Noto Sans CJK SC', 'Noto Sans SC', sans-serif`;
const SERIF = `'Noto Serif CJK SC', 'Noto Serif SC', serif`;
const OCR_B = `'OCR B', 'OCR-B', monospace`;
/** The teal blue of the card's printed labels. */
const LABEL_BLUE = '#2f78b4';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(width: number, height: number, css: string, body: string, script = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
html, body { margin: 0; padding: 0; width: ${width}px; height: ${height}px; overflow: hidden; background: #ffffff; }
* { box-sizing: border-box; }
.abs { position: absolute; white-space: nowrap; }
${css}
</style></head><body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

function dataUri(svgText: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svgText).toString('base64')}`;
}

/** Card body with rounded corners (ID-1 corner radius 3.18 mm) and the printed background. */
function cardBody(width: number, height: number, background: string, inner: string): string {
  return `<div class="card" style="position:absolute;left:0;top:0;width:${width}px;height:${height}px;border-radius:${CORNER_RADIUS['cn-resident-id-front']}px;overflow:hidden;background:${background};box-shadow:inset 0 0 0 1px rgba(0,0,0,0.12)">${inner}</div>`;
}

// ---------------------------------------------------------------------------------------
// Resident ID card, front

function frontBackground(width: number, height: number): string {
  return svg(
    width,
    height,
    [
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#eef4f2"/><stop offset="0.5" stop-color="#f7f3ea"/><stop offset="1" stop-color="#eaf1f6"/></linearGradient></defs>`,
      `<rect width="${width}" height="${height}" fill="url(#g)"/>`,
      waves(width, height, { count: 46, color: '#7fb2c9', opacity: 0.28, amplitude: 9, wavelength: 180 }),
      rosette(width * 0.42, height * 0.52, 300, { color: '#d99aa5', opacity: 0.22, petals: 18, rings: 6 }),
      rosette(width * 0.8, height * 0.55, 170, { color: '#8fbfa8', opacity: 0.2, petals: 12, rings: 4 }),
    ].join(''),
  );
}

/** Splits the year, month and day so they print as 1985 年 3 月 7 日 (no leading zeros). */
function birthParts(iso: string): { year: string; month: string; day: string } {
  const [year, month, day] = iso.split('-') as [string, string, string];
  return { year, month: String(Number(month)), day: String(Number(day)) };
}

export function residentIdFrontHtml(card: ResidentCard): string {
  const { width, height } = CLEAN_SIZE['cn-resident-id-front'];
  const f = card.front;
  const birth = birthParts(f.birthDate);
  const css = `
.label { font-family: ${SANS}; font-size: 26px; color: ${LABEL_BLUE}; letter-spacing: 14px; }
.label.tight { letter-spacing: 2px; }
.value { font-family: ${SANS}; font-size: 31px; color: #111; }
.name { font-size: 36px; font-weight: 500; letter-spacing: 2px; }
.address { white-space: normal; word-break: break-all; width: 360px; line-height: 44px; }
.idnum { font-family: ${OCR_B}; font-size: 40px; letter-spacing: 4px; color: #111; }
`;
  const inner = `
<img class="abs" src="${dataUri(frontBackground(width, height))}" style="left:0;top:0">
<img class="abs" src="${dataUri(portrait(330, 400, card.portrait))}" style="left:628px;top:74px">
<div class="abs label" style="left:88px;top:66px">姓名</div>
<div class="abs value name" style="left:190px;top:58px">${escapeHtml(f.name)}</div>
<div class="abs label" style="left:88px;top:146px">性别</div>
<div class="abs value" style="left:190px;top:141px">${escapeHtml(f.sex)}</div>
<div class="abs label" style="left:318px;top:146px">民族</div>
<div class="abs value" style="left:418px;top:141px">${escapeHtml(f.ethnicity)}</div>
<div class="abs label" style="left:88px;top:224px">出生</div>
<div class="abs value" style="left:190px;top:219px">${birth.year}</div>
<div class="abs label tight" style="left:268px;top:224px">年</div>
<div class="abs value" style="left:310px;top:219px;width:40px;text-align:center">${birth.month}</div>
<div class="abs label tight" style="left:356px;top:224px">月</div>
<div class="abs value" style="left:398px;top:219px;width:40px;text-align:center">${birth.day}</div>
<div class="abs label tight" style="left:444px;top:224px">日</div>
<div class="abs label" style="left:88px;top:302px">住址</div>
<div class="abs value address" style="left:190px;top:296px">${escapeHtml(f.address)}</div>
<div class="abs label tight" style="left:88px;top:534px">公民身份号码</div>
<div class="abs idnum" style="left:336px;top:524px">${escapeHtml(f.idNumber)}</div>
`;
  return page(width, height, css, cardBody(width, height, '#f1f4f0', inner));
}

// ---------------------------------------------------------------------------------------
// Resident ID card, back

function backBackground(width: number, height: number): string {
  return svg(
    width,
    height,
    [
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#f3efe4"/><stop offset="0.6" stop-color="#eef3ef"/><stop offset="1" stop-color="#ece9f2"/></linearGradient></defs>`,
      `<rect width="${width}" height="${height}" fill="url(#g)"/>`,
      waves(width, height, { count: 40, color: '#9ab7c7', opacity: 0.25, amplitude: 12, wavelength: 240 }),
      rosette(width * 0.6, height * 0.45, 260, { color: '#e0a98a', opacity: 0.2, petals: 16, rings: 5 }),
      `<g transform="translate(0,${Math.round(height * 0.62)})">${svg(width, Math.round(height * 0.3), wallSilhouette(width, Math.round(height * 0.3), '#9aa79a', 0.18))}</g>`,
    ].join(''),
  );
}

/** 2015-03-10 → 2015.03.10, as printed in the validity period. */
function dotted(iso: string): string {
  return iso.replaceAll('-', '.');
}

export function residentIdBackHtml(card: ResidentCard): string {
  const { width, height } = CLEAN_SIZE['cn-resident-id-back'];
  const b = card.back;
  const validity = `${dotted(b.validFrom)}-${b.validTo === '长期' ? '长期' : dotted(b.validTo)}`;
  const css = `
.title { font-family: ${SERIF}; font-weight: 700; color: #1a1a1a; }
.label { font-family: ${SANS}; font-size: 26px; color: ${LABEL_BLUE}; letter-spacing: 2px; }
.value { font-family: ${SANS}; font-size: 30px; color: #111; }
`;
  const inner = `
<img class="abs" src="${dataUri(backBackground(width, height))}" style="left:0;top:0">
<img class="abs" src="${dataUri(emblemPlaceholder(190))}" style="left:66px;top:52px">
<div class="abs title" style="left:318px;top:72px;font-size:46px;letter-spacing:14px">中华人民共和国</div>
<div class="abs title" style="left:300px;top:150px;font-size:88px;font-weight:900;letter-spacing:30px">居民身份证</div>
<div class="abs label" style="left:228px;top:458px">签发机关</div>
<div class="abs value" style="left:392px;top:452px">${escapeHtml(b.issuingAuthority)}</div>
<div class="abs label" style="left:228px;top:532px">有效期限</div>
<div class="abs value" style="left:392px;top:526px">${escapeHtml(validity)}</div>
`;
  return page(width, height, css, cardBody(width, height, '#f2f0ea', inner));
}

// ---------------------------------------------------------------------------------------
// Passport data page (TD3)

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Chinese passports print '07 3月 /MAR 1985'; others '07 MAR 1985'. */
function passportDate(iso: string, chinese: boolean): string {
  const [year, month, day] = iso.split('-') as [string, string, string];
  const mon = MONTHS[Number(month) - 1] as string;
  return chinese ? `${day} ${Number(month)}月 /${mon} ${year}` : `${day} ${mon} ${year}`;
}

/** ICAO 9303-4: 44 characters at 10 per inch, first character 6 mm from the left edge. */
const MRZ_PITCH_PX = 2.54 * PX_PER_MM;
const MRZ_LEFT_PX = 6 * PX_PER_MM;
/** Centre lines of MRZ lines 1 and 2, measured from the bottom edge. */
const MRZ_LINE_FROM_BOTTOM_MM = [12.63, 6.35] as const;

function passportBackground(width: number, height: number, chinese: boolean): string {
  const tint = chinese ? ['#f4ecec', '#eef2f6', '#f1efe6'] : ['#eef1f7', '#f3f0ea', '#eef5f1'];
  return svg(
    width,
    height,
    [
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${tint[0]}"/><stop offset="0.5" stop-color="${tint[1]}"/><stop offset="1" stop-color="${tint[2]}"/></linearGradient></defs>`,
      `<rect width="${width}" height="${height}" fill="url(#g)"/>`,
      waves(width, height * 0.76, { count: 60, color: chinese ? '#c99aa0' : '#8ea8c9', opacity: 0.25, amplitude: 10, wavelength: 260 }),
      rosette(width * 0.62, height * 0.4, 380, { color: chinese ? '#b88ea6' : '#88a9b8', opacity: 0.18, petals: 20, rings: 6 }),
      // The MRZ sits on a plain band: ICAO requires a clear zone there.
      `<rect x="0" y="${Math.round(height * 0.775)}" width="${width}" height="${height}" fill="#fbfaf7" opacity="0.85"/>`,
    ].join(''),
  );
}

function field(left: number, top: number, labelText: string, valueText: string, valueStyle = ''): string {
  const value = valueText.split('\n').map(escapeHtml).join('<br>');
  return `<div class="abs" style="left:${left}px;top:${top}px"><div class="plabel">${escapeHtml(labelText)}</div><div class="pvalue" style="${valueStyle}">${value}</div></div>`;
}

export function passportHtml(passport: PassportPage): string {
  const { width, height } = CLEAN_SIZE['passport-td3'];
  const { fields: p, print } = passport;
  const chinese = p.issuingCountry === 'CHN';
  const L = (zh: string, en: string) => (chinese ? `${zh}/${en}` : en);
  const surname = print.nameZh ? `${print.nameZh.surname}/${p.surname}` : p.surname;
  const given = print.nameZh ? `${print.nameZh.given}/${p.givenNames}` : p.givenNames;
  const sex = chinese ? `${p.sex === 'M' ? '男' : '女'}/${p.sex}` : p.sex;
  const mrzLines = passport.mrz
    .map((line, i) => {
      const centre = height - (MRZ_LINE_FROM_BOTTOM_MM[i] as number) * PX_PER_MM;
      return `<div class="abs mrz" style="left:${MRZ_LEFT_PX.toFixed(1)}px;top:${(centre - 27).toFixed(1)}px">${escapeHtml(line)}</div>`;
    })
    .join('');
  const css = `
.plabel { font-family: ${SANS}; font-size: 19px; color: #5b5b66; line-height: 24px; }
.pvalue { font-family: ${SANS}; font-size: 31px; color: #141414; line-height: 38px; font-weight: 500; }
.header { font-family: ${SANS}; color: #3a3a48; }
.mrz { font-family: ${OCR_B}; font-size: 38px; line-height: 54px; color: #111; }
`;
  const header = chinese
    ? `<div class="abs header" style="left:460px;top:38px;font-size:34px;letter-spacing:6px">${escapeHtml(print.stateZh ?? '')}</div>
       <div class="abs header" style="left:460px;top:84px;font-size:22px;letter-spacing:2px">${escapeHtml(print.stateEn)}</div>
       <div class="abs header" style="left:1120px;top:38px;font-size:34px;letter-spacing:8px">护照</div>
       <div class="abs header" style="left:1120px;top:84px;font-size:22px;letter-spacing:4px">PASSPORT</div>`
    : `<div class="abs header" style="left:460px;top:52px;font-size:34px;letter-spacing:4px">${escapeHtml(print.stateEn)}</div>
       <div class="abs header" style="left:1120px;top:52px;font-size:34px;letter-spacing:6px">PASSPORT</div>`;
  const rows = [
    field(460, 150, L('类型', 'Type'), 'P'),
    field(640, 150, L('国家码', 'Country code'), p.issuingCountry),
    field(960, 150, L('护照号', 'Passport No.'), p.documentNumber),
    field(460, 236, L('姓', 'Surname'), surname),
    field(460, 322, L('名', 'Given names'), given),
    field(460, 408, L('性别', 'Sex'), sex),
    chinese ? field(700, 408, L('出生地点', 'Place of birth'), print.placeOfBirth) : field(640, 408, 'Nationality', p.nationality),
    chinese ? '' : field(960, 408, 'Place of birth', print.placeOfBirth),
    field(460, 494, L('出生日期', 'Date of birth'), passportDate(p.birthDate, chinese)),
    field(460, 580, L('签发地点', 'Place of issue'), print.placeOfIssue),
    field(880, 580, L('签发日期', 'Date of issue'), passportDate(print.issueDate, chinese)),
    field(460, 666, L('有效期至', 'Date of expiry'), passportDate(p.expiryDate, chinese)),
    field(880, 666, L('签发机关', 'Authority'), print.authority, 'font-size:24px;line-height:30px'),
  ].join('');
  const inner = `
<img class="abs" src="${dataUri(passportBackground(width, height, chinese))}" style="left:0;top:0">
<img class="abs" src="${dataUri(portrait(360, 460, passport.portrait))}" style="left:62px;top:150px;border:1px solid rgba(0,0,0,0.08)">
${header}${rows}${mrzLines}`;
  // Letter spacing is fitted once fonts are laid out, so each MRZ character sits on the 10 cpi grid.
  const script = `window.__vtmLayout = () => {
  for (const el of document.querySelectorAll('.mrz')) {
    el.style.letterSpacing = '0px';
    const natural = el.getBoundingClientRect().width;
    el.style.letterSpacing = ((${(44 * MRZ_PITCH_PX).toFixed(2)} - natural) / 44) + 'px';
  }
};`;
  return page(width, height, css, `<div style="position:absolute;inset:0;background:#fff">${inner}</div>`, script);
}
