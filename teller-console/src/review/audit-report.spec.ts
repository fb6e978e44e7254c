import { describe, expect, it } from 'vitest';
import { describeVerification } from './audit-report.ts';

const hash = (c: string) => c.repeat(64);

describe('describeVerification', () => {
  it('says an intact trail is intact, with what was checked', () => {
    const summary = describeVerification({ ok: true, entries: 120, files: 9, head: { seq: 120, hash: hash('a') }, brokenFiles: [] });
    expect(summary).toEqual({ ok: true, headline: 'Audit trail intact: 120 entries and 9 files checked; head #120 aaaaaaaaaaaa….', problems: [] });
  });

  it('names the first broken entry and every altered or missing file', () => {
    const summary = describeVerification({
      ok: false,
      entries: 120,
      files: 9,
      head: { seq: 120, hash: hash('a') },
      firstBrokenEntry: { seq: 57, reason: 'hash does not match the entry' },
      brokenFiles: [
        { path: 'recordings/s/segment-001.mkv', expected: hash('b'), actual: hash('c') },
        { path: 'evidence/s/still-001.png', expected: hash('d'), actual: null },
      ],
    });
    expect(summary.ok).toBe(false);
    expect(summary.headline).toBe('Audit trail NOT intact: the chain breaks at entry #57 and 2 files altered or missing (120 entries and 9 files checked).');
    expect(summary.problems).toEqual([
      'Entry #57: hash does not match the entry',
      'recordings/s/segment-001.mkv: SHA-256 cccccccccccc…, expected bbbbbbbbbbbb…',
      'evidence/s/still-001.png: missing (expected SHA-256 dddddddddddd…)',
    ]);
  });
});
