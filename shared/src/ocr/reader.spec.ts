import { describe, expect, it } from 'vitest';
import { blockingFailures, formatTd3Mrz, findCheck } from '../domain/identity/index.ts';
import { grayImage, type Rect, type RgbaImage } from './image.ts';
import { NORMALISED_SIZE, type DocumentKind } from './layout.ts';
import type { PreparedDocument } from './prepare.ts';
import { DocumentReader, voteCharacters, type DocumentReading } from './reader.ts';
import type { Recognition, RecognizeOptions, Recognizer } from './recognizer.ts';

/**
 * The reader's orchestration with a stand-in recogniser: each field is a dark bar of a
 * width no other field has, and the fake answers by the width of the ink in the crop it is
 * given and by the engine asked, so every field is known to have been cropped from its own
 * region and read with its own settings.
 */
type Answer = string | { text: string; confidences: number[] };
type Script = Record<number, Partial<Record<string, Answer>>>;

class FakeRecognizer implements Recognizer {
  readonly calls: { width: number; engine: string; whitelist?: string }[] = [];
  constructor(private readonly script: Script) {}

  async recognize(crop: RgbaImage, opts: RecognizeOptions): Promise<Recognition> {
    const width = inkWidth(crop);
    const engine = `${opts.lang}/${opts.legacy ? 'legacy' : (opts.model ?? 'standard')}`;
    this.calls.push({ width, engine, ...(opts.whitelist ? { whitelist: opts.whitelist } : {}) });
    const answer = this.script[width]?.[engine] ?? this.script[width]?.['*'] ?? '';
    const text = typeof answer === 'string' ? answer : answer.text;
    const chars = [...text.replace(/\s+/g, '')];
    const confidences = typeof answer === 'string' ? chars.map(() => 95) : answer.confidences;
    return { text, confidence: 90, symbols: chars.map((c, i) => ({ text: c, confidence: confidences[i] ?? 95 })) };
  }
}

function inkWidth(crop: RgbaImage): number {
  let first = -1;
  let last = -1;
  for (let x = 0; x < crop.width; x++) {
    for (let y = 0; y < crop.height; y++) {
      if ((crop.data[(y * crop.width + x) * 4] as number) < 128) {
        if (first < 0) first = x;
        last = x;
        break;
      }
    }
  }
  return first < 0 ? 0 : last - first + 1;
}

/** A normalised document with dark bars (and the matching ink mask), read as `kind`. */
function documentWith(kind: DocumentKind, bars: Rect[]): PreparedDocument {
  const { width, height } = NORMALISED_SIZE[kind === 'passport-td3' ? 'td3' : 'id-1'];
  const image = grayImage(width, height);
  image.data.fill(230);
  const mask = { width, height, data: new Uint8Array(width * height) };
  for (const b of bars) {
    for (let y = b.y; y < b.y + b.height; y++) {
      for (let x = b.x; x < b.x + b.width; x++) {
        image.data[y * width + x] = 20;
        mask.data[y * width + x] = 1;
      }
    }
  }
  return {
    format: kind === 'passport-td3' ? 'td3' : 'id-1',
    image,
    mask,
    location: null,
    skewDegrees: 0,
    hypotheses: [{ kind, upsideDown: false, score: 1 }],
  };
}

const TODAY = new Date('2025-06-01T12:00:00+08:00');
const field = (reading: DocumentReading, name: string) => (reading.fields as Record<string, string>)[name];

describe('DocumentReader (front of the resident ID card)', () => {
  const bars: Rect[] = [
    { x: 340, y: 532, width: 580, height: 36 }, // ID number
    { x: 190, y: 66, width: 110, height: 38 }, // name
    { x: 190, y: 150, width: 31, height: 33 }, // sex
    { x: 418, y: 150, width: 35, height: 33 }, // ethnicity
    { x: 190, y: 228, width: 70, height: 32 }, // birth year
    { x: 318, y: 228, width: 18, height: 32 }, // birth month
    { x: 400, y: 228, width: 26, height: 32 }, // birth day
    { x: 190, y: 302, width: 350, height: 34 }, // address line 1
    { x: 190, y: 346, width: 200, height: 34 }, // address line 2
  ];
  const idRead = '440103195204302835'; // the 17th character misread: 9 as 3
  const idConfidences = [...idRead].map((_, i) => (i === 16 ? 41 : 96));
  const script: Script = {
    580: { 'eng/compact': { text: idRead, confidences: idConfidences } },
    110: { 'chi_sim/standard': '金 军 明' },
    31: { 'chi_sim/standard': '男', 'chi_sim/compact': '' },
    35: { 'chi_sim/standard': '汊', 'chi_sim/compact': '汉' },
    70: { '*': '1952' },
    18: { '*': '4' },
    26: { 'eng/legacy': '30', 'eng/compact': '30' },
    350: { 'chi_sim/standard': '广 东 省 广 州 市 荔 湾 区 丽 景' },
    200: { 'chi_sim/standard': '小 区 20 栋 1206 室' },
  };

  it('reads each field from its own crop with its own engine, repairs the number and derives from it', async () => {
    const fake = new FakeRecognizer(script);
    const reading = await new DocumentReader(fake).readPrepared(documentWith('cn-resident-id-front', bars), { today: TODAY });
    expect(reading.kind).toBe('cn-resident-id-front');
    expect(reading.fields).toEqual({
      name: '金军明',
      sex: '男',
      ethnicity: '汉',
      birthDate: '1952-04-30',
      address: '广东省广州市荔湾区丽景小区20栋1206室',
      idNumber: '440103195204302895',
    });
    expect(reading.corrections).toEqual([
      { field: 'idNumber', read: idRead, value: '440103195204302895', position: 16, from: '3', to: '9', basis: expect.any(String) },
    ]);
    expect(blockingFailures(reading.checks)).toEqual([]);
    expect(findCheck(reading.checks, 'birth-date-match')?.status).toBe('pass');
    expect(findCheck(reading.checks, 'sex-match')?.status).toBe('pass');
    expect(reading.confidence.overall).toBeGreaterThan(0);
    expect(reading.raw['idNumber']).toBe(idRead);
    // The number was read with the digit whitelist, the Chinese fields without one.
    expect(fake.calls.find((c) => c.width === 580)).toMatchObject({ engine: 'eng/compact', whitelist: '0123456789X' });
    expect(fake.calls.filter((c) => c.engine.startsWith('chi_sim')).every((c) => c.whitelist === undefined)).toBe(true);
  });

  it('reports a printed birth date the engines disagree on as unknown rather than failed', async () => {
    const fake = new FakeRecognizer({ ...script, 18: { 'eng/legacy': '1', 'eng/compact': '4' } });
    const reading = await new DocumentReader(fake).readPrepared(documentWith('cn-resident-id-front', bars), { today: TODAY });
    expect(field(reading, 'birthDate')).toBe('1952-04-30');
    expect(findCheck(reading.checks, 'birth-date-match')?.status).toBe('unknown');
  });

  it('reads the number again by another engine when no single substitution makes it valid', async () => {
    const fake = new FakeRecognizer({ ...script, 580: { 'eng/compact': '44010319520430289', 'eng/legacy': '440103195204302895' } });
    const reading = await new DocumentReader(fake).readPrepared(documentWith('cn-resident-id-front', bars), { today: TODAY });
    expect(field(reading, 'idNumber')).toBe('440103195204302895');
    expect(fake.calls.filter((c) => c.width === 580).map((c) => c.engine)).toEqual(['eng/compact', 'eng/legacy']);
  });

  it('fails the cross-check when the printed sex contradicts the number', async () => {
    const fake = new FakeRecognizer({ ...script, 31: { '*': '女' } });
    const reading = await new DocumentReader(fake).readPrepared(documentWith('cn-resident-id-front', bars), { today: TODAY });
    expect(field(reading, 'sex')).toBe('男');
    expect(findCheck(reading.checks, 'sex-match')?.status).toBe('fail');
  });
});

describe('DocumentReader (back of the resident ID card)', () => {
  it('reads the issuing authority and the validity period', async () => {
    const fake = new FakeRecognizer({
      300: { 'chi_sim/standard': '广 州 市 公 安 局 荔 湾 分 局' },
      420: { 'chi_sim/standard': '2017.12.06- 长 期' },
    });
    const doc = documentWith('cn-resident-id-back', [
      { x: 392, y: 458, width: 300, height: 34 },
      { x: 392, y: 532, width: 420, height: 34 },
    ]);
    const reading = await new DocumentReader(fake).readPrepared(doc, { today: TODAY });
    expect(reading.fields).toEqual({ issuingAuthority: '广州市公安局荔湾分局', validFrom: '2017-12-06', validTo: '长期' });
    expect(blockingFailures(reading.checks)).toEqual([]);
  });
});

describe('DocumentReader (passport)', () => {
  const [line1, line2] = formatTd3Mrz({
    documentType: 'PO',
    issuingCountry: 'CHN',
    surname: 'ZHOU',
    givenNames: 'WEIHUA',
    documentNumber: 'EG6315959',
    nationality: 'CHN',
    birthDate: '1971-01-27',
    sex: 'M',
    expiryDate: '2028-07-03',
  });
  const bars: Rect[] = [
    { x: 71, y: 877, width: 1300, height: 28 }, // MRZ line 1
    { x: 71, y: 951, width: 1310, height: 28 }, // MRZ line 2
    { x: 960, y: 180, width: 150, height: 26 }, // passport number in the visual zone
    { x: 460, y: 266, width: 90, height: 28 }, // surname
    { x: 460, y: 352, width: 160, height: 28 }, // given names
  ];
  // The legacy engine's usual OCR-B misreads: W as N (unsure), G as 6 (which the check digit cannot see).
  const line1Read = line1.replace('WEIHUA', 'NEIHUA');
  const line2Read = line2.replace('EG6', 'E66');
  const script: Script = {
    1300: { 'eng/legacy': { text: line1Read, confidences: [...line1Read].map((c, i) => (i === 11 ? 72 : 95)) } },
    1310: { 'eng/legacy': line2Read },
    150: { 'eng/compact': 'EG6315959' },
    90: { 'eng/compact': 'ZHOU' },
    160: { 'eng/compact': { text: '伟华/WEIHUA', confidences: [60, 60, 90, 99, 99, 99, 99, 99, 99] } },
  };

  it('reads the MRZ and settles what its check digits cannot by the visual zone', async () => {
    const fake = new FakeRecognizer(script);
    const reading = await new DocumentReader(fake).readPrepared(documentWith('passport-td3', bars), { today: TODAY });
    expect(reading.fields).toEqual({
      documentNumber: 'EG6315959',
      surname: 'ZHOU',
      givenNames: 'WEIHUA',
      nationality: 'CHN',
      issuingCountry: 'CHN',
      birthDate: '1971-01-27',
      sex: 'M',
      expiryDate: '2028-07-03',
    });
    expect(reading.corrections.map((c) => [c.field, c.from, c.to, c.basis])).toEqual([
      ['givenNames', 'N', 'W', 'visual-zone'],
      ['documentNumber', '6', 'G', 'visual-zone'],
    ]);
    expect(blockingFailures(reading.checks)).toEqual([]);
  });

  it('keeps the MRZ letter when the visual zone is not clearly surer', async () => {
    const fake = new FakeRecognizer({ ...script, 1300: { 'eng/legacy': line1Read } });
    const reading = await new DocumentReader(fake).readPrepared(documentWith('passport-td3', bars), { today: TODAY });
    expect(field(reading, 'givenNames')).toBe('NEIHUA');
  });
});

describe('voteCharacters', () => {
  const reading = (text: string, confidences: number[]) => [...text].map((char, i) => ({ char, confidence: confidences[i] ?? 90 }));

  it('takes, character by character, the reading with the most summed confidence', () => {
    // 颖 read as 颗 once with high confidence, as 颖 twice with less: two readings outweigh one.
    expect(voteCharacters([reading('赵颗', [99, 92]), reading('赵颖', [99, 89]), reading('赵颖', [99, 60])])).toBe('赵颖');
    // One confident reading outweighs a doubtful one.
    expect(voteCharacters([reading('郭亮确', [99, 99, 40]), reading('郭亮磊', [99, 99, 99])])).toBe('郭亮磊');
  });

  it('lets only readings of the most common length vote, and ignores empty ones', () => {
    expect(voteCharacters([reading('赵上颖', [99, 95, 89]), reading('赵颖', [99, 80]), reading('赵颖', [99, 80]), [], []])).toBe('赵颖');
    expect(voteCharacters([[], []])).toBe('');
  });
});
