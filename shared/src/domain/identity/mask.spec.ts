import { describe, expect, it } from 'vitest';
import { maskDocumentNumber, maskName } from './mask.ts';

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张*丰'],
    ['欧阳娜娜', '欧**娜'],
    ['李', '*'],
    ['ERIKSSON ANNA MARIA', 'E******* A*** M****'],
    ['', '*'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('maskDocumentNumber', () => {
  it('keeps the region code and the last four', () => {
    expect(maskDocumentNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskDocumentNumber('E1234567')).toBe('********');
  });
});
