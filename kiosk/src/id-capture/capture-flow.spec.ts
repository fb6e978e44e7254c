import { describe, expect, it } from 'vitest';
import type { DocumentReading } from '@vtm/shared/ocr';
import {
  ATTEMPTS_BEFORE_MANUAL,
  canKeepRejected,
  chooseDocument,
  INITIAL_FLOW,
  keepRejected,
  readingDone,
  readingFailed,
  recapture,
  remainingSides,
  retry,
  startReading,
  type CapturedSide,
  type IdFlow,
} from './capture-flow.ts';

function front(overrides: Partial<{ idNumber: string; confidence: number }> = {}): DocumentReading {
  const idNumber = overrides.idNumber ?? '11010519491231002X';
  return {
    kind: 'cn-resident-id-front',
    fields: { name: '张三', sex: '女', ethnicity: '汉', birthDate: '1949-12-31', address: '北京市朝阳区某路1号', idNumber },
    checks:
      idNumber === '11010519491231002X'
        ? [{ id: 'check-digit', field: 'idNumber', status: 'pass', message: 'ok' }]
        : [{ id: 'check-digit', field: 'idNumber', status: 'fail', message: 'bad' }],
    confidence: { overall: overrides.confidence ?? 0.9, fields: {} },
    corrections: [],
    raw: {},
    geometry: { quad: null, fillsFrame: false, skewDegrees: 0, upsideDown: false },
  };
}

function back(): DocumentReading {
  return {
    kind: 'cn-resident-id-back',
    fields: { issuingAuthority: '北京市公安局朝阳分局', validFrom: '2020-01-01', validTo: '长期' },
    checks: [{ id: 'expired', field: 'validTo', status: 'pass', message: 'ok' }],
    confidence: { overall: 0.9, fields: {} },
    corrections: [],
    raw: {},
    geometry: { quad: null, fillsFrame: false, skewDegrees: 0, upsideDown: false },
  };
}

const side = (reading: DocumentReading): CapturedSide => ({ kind: reading.kind, reading, image: new Blob(['jpeg']), ms: 100 });

describe('ID capture flow', () => {
  it('asks for the front, then the back, then confirmation', () => {
    let flow: IdFlow = chooseDocument('cn-resident-id');
    expect(remainingSides(flow)).toEqual(['cn-resident-id-front', 'cn-resident-id-back']);
    flow = readingDone(startReading(flow), side(front()));
    expect(flow).toMatchObject({ step: 'capture', reading: false, problem: null });
    expect(remainingSides(flow)).toEqual(['cn-resident-id-back']);
    flow = readingDone(startReading(flow), side(back()));
    expect(flow.step).toBe('confirm');
    expect(flow.step === 'confirm' && flow.captured.map((c) => c.kind)).toEqual(['cn-resident-id-front', 'cn-resident-id-back']);
  });

  it('takes the back first when it is shown first, keeping front-then-back order', () => {
    let flow = readingDone(chooseDocument('cn-resident-id'), side(back()));
    expect(remainingSides(flow)).toEqual(['cn-resident-id-front']);
    flow = readingDone(flow, side(front()));
    expect(flow.step === 'confirm' && flow.captured.map((c) => c.kind)).toEqual(['cn-resident-id-front', 'cn-resident-id-back']);
  });

  it('says "turn over" for a side already taken and "wrong document" for the other document, without counting failures', () => {
    let flow = readingDone(chooseDocument('cn-resident-id'), side(front()));
    flow = readingDone(flow, side(front()));
    expect(flow).toMatchObject({ step: 'capture', problem: 'turn-over', failures: 0, rejected: null });
    const passport = readingDone(chooseDocument('passport-td3'), side(front()));
    expect(passport).toMatchObject({ step: 'capture', problem: 'wrong-document', failures: 0 });
  });

  it('asks again on a failed check or low confidence, and lets the customer keep the reading after a few tries', () => {
    let flow: IdFlow = chooseDocument('cn-resident-id');
    flow = readingDone(flow, side(front({ idNumber: '110105194912310021' })));
    expect(flow).toMatchObject({ problem: 'checks-failed', failures: 1 });
    expect(canKeepRejected(flow)).toBe(false);
    flow = retry(flow);
    expect(flow).toMatchObject({ problem: null });
    flow = readingDone(flow, side(front({ confidence: 0.3 })));
    expect(flow).toMatchObject({ problem: 'low-confidence', failures: ATTEMPTS_BEFORE_MANUAL });
    expect(canKeepRejected(flow)).toBe(true);
    flow = keepRejected(flow);
    expect(remainingSides(flow)).toEqual(['cn-resident-id-back']);
    expect(flow).toMatchObject({ failures: 0, rejected: null, problem: null });
  });

  it('recaptures the same document from scratch, and ignores readings outside capture', () => {
    const done = readingDone(readingDone(chooseDocument('cn-resident-id'), side(front())), side(back()));
    expect(recapture(done)).toEqual(chooseDocument('cn-resident-id'));
    expect(readingDone(INITIAL_FLOW, side(front()))).toBe(INITIAL_FLOW);
    expect(readingFailed(chooseDocument('passport-td3'), 'reader-unavailable')).toMatchObject({ problem: 'reader-unavailable', failures: 0 });
    expect(readingFailed(chooseDocument('passport-td3'), 'unreadable')).toMatchObject({ problem: 'unreadable', failures: 1 });
  });
});
