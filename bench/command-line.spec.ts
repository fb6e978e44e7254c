import { describe, expect, it } from 'vitest';
import { benchCommand, positiveInteger } from './command-line.ts';

describe('benchCommand', () => {
  it('puts the settings that are set before the npm command, in the order given', () => {
    const env = { EXPORT_RUNS: '7', EXPORT_MB: '300', PATH: '/usr/bin' };
    expect(benchCommand('export', ['EXPORT_MB', 'EXPORT_RUNS'], env)).toBe('EXPORT_MB=300 EXPORT_RUNS=7 npm run bench -- export');
    expect(benchCommand('encryption', ['ENCRYPTION_MB'], { ENCRYPTION_MB: '' })).toBe('npm run bench -- encryption');
  });

  it('quotes values the shell would split or expand', () => {
    expect(benchCommand('review-list', ['REVIEW_SIZES'], { REVIEW_SIZES: '100,1000' })).toBe('REVIEW_SIZES=100,1000 npm run bench -- review-list');
    expect(benchCommand('x', ['A'], { A: "it's $HOME" })).toBe(`A='it'\\''s $HOME' npm run bench -- x`);
  });
});

describe('positiveInteger', () => {
  it('reads a setting, falls back when it is unset, and refuses anything but a positive integer', () => {
    expect(positiveInteger('RUNS', 5, { RUNS: '12' })).toBe(12);
    expect(positiveInteger('RUNS', 5, {})).toBe(5);
    for (const bad of ['0', '-3', '2.5', 'many']) expect(() => positiveInteger('RUNS', 5, { RUNS: bad })).toThrow(`RUNS must be a positive integer, got ${bad}`);
  });
});
