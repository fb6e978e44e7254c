import { describe, expect, it } from 'vitest';
import {
  VERIFICATION_CODE_ALPHABET,
  VERIFICATION_CODE_PATTERN,
  newVerificationCode,
  normaliseVerificationCode,
} from './verification-code.ts';

describe('newVerificationCode', () => {
  it('writes ten symbols of the unambiguous alphabet as XXXX-XXXX-XX', () => {
    for (let i = 0; i < 200; i++) {
      const code = newVerificationCode();
      expect(code).toMatch(VERIFICATION_CODE_PATTERN);
      expect(code).not.toMatch(/[ILOU]/);
    }
  });

  it('maps each byte to a symbol by its low five bits', () => {
    const bytes = Uint8Array.from([0, 1, 9, 10, 17, 18, 31, 32, 255, 224]);
    expect(newVerificationCode(() => bytes)).toBe('019A-HJZ0-Z0');
  });

  it('uses every symbol of the alphabet and repeats no code in practice', () => {
    const codes = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newVerificationCode();
      codes.add(code);
      for (const c of code.replaceAll('-', '')) seen.add(c);
    }
    expect(codes.size).toBe(2000);
    expect([...seen].sort().join('')).toBe([...VERIFICATION_CODE_ALPHABET].sort().join(''));
  });

  it('refuses a short random read', () => {
    expect(() => newVerificationCode(() => new Uint8Array(4))).toThrow(/short random read/);
  });
});

describe('normaliseVerificationCode', () => {
  it.each([
    ['7KQ2-M9XD-4T', '7KQ2-M9XD-4T'],
    ['7kq2-m9xd-4t', '7KQ2-M9XD-4T'],
    ['7KQ2M9XD4T', '7KQ2-M9XD-4T'],
    [' 7KQ2 M9XD 4T ', '7KQ2-M9XD-4T'],
    ['7KQ2–M9XD—4T', '7KQ2-M9XD-4T'],
    ['O0I1-L1oi-lZ', '0011-1101-1Z'],
    ['７ＫＱ２－Ｍ９ＸＤ－４Ｔ', '7KQ2-M9XD-4T'],
    ['7K-Q2M-9XD4T', '7KQ2-M9XD-4T'],
  ])('%j → %j', (input, canonical) => {
    expect(normaliseVerificationCode(input)).toBe(canonical);
  });

  it.each([
    ['', 'empty'],
    ['7KQ2-M9XD-4', 'too short'],
    ['7KQ2-M9XD-4TT', 'too long'],
    ['7KQ2-M9XD-4U', 'U is not in the alphabet'],
    ['7KQ2-M9XD-4*', 'a symbol'],
    ['7KQ2-M9XD-4é', 'a letter outside the alphabet'],
  ])('%j is not a code (%s)', (input) => {
    expect(normaliseVerificationCode(input)).toBeNull();
  });

  it('returns every new code unchanged', () => {
    for (let i = 0; i < 100; i++) {
      const code = newVerificationCode();
      expect(normaliseVerificationCode(code)).toBe(code);
      expect(normaliseVerificationCode(code.toLowerCase().replaceAll('-', ''))).toBe(code);
    }
  });
});
