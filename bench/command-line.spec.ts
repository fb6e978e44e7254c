import { describe, expect, it } from 'vitest';
import { benchCommand } from './command-line.ts';

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
