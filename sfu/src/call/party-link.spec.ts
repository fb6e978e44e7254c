import { describe, expect, it } from 'vitest';
import { PartyLink } from './party-link.ts';

const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, s));

describe('PartyLink', () => {
  it('is lost from the first source down until every source is up, and says how it came back', () => {
    const link = new PartyLink('kiosk');
    expect(link.down('media', t(10))).toEqual({ party: 'kiosk', via: 'media', at: t(10) });
    expect(link.down('signaling', t(12))).toBeNull();
    link.note('rejoin', t(14));
    expect(link.up('signaling', t(16))).toBeNull();
    expect(link.up('media', t(17))).toEqual({
      party: 'kiosk',
      lostAt: t(10),
      at: t(17),
      downMs: 7000,
      via: ['media', 'signaling'],
      recoveredBy: 'rejoin',
    });
    expect(link.lost).toBe(false);
  });

  it('moves the loss earlier when a later-detected source went down first', () => {
    const link = new PartyLink('teller');
    link.down('signaling', t(5));
    link.down('media', t(3));
    expect(link.up('media', t(6))).toBeNull();
    expect(link.up('signaling', t(8))).toMatchObject({ downMs: 5000, recoveredBy: 'ice' });
  });

  it('ignores ups of sources that were not down and repeated downs', () => {
    const link = new PartyLink('kiosk');
    expect(link.up('media', t(1))).toBeNull();
    link.down('media', t(2));
    expect(link.down('media', t(3))).toBeNull();
    link.note('ice-restart', t(3));
    expect(link.up('media', t(4))).toMatchObject({ downMs: 2000, recoveredBy: 'ice-restart', via: ['media'] });
  });

  it('counts an ICE restart the browser asked for shortly before the server saw its media stop, not one long before', () => {
    const link = new PartyLink('kiosk');
    link.note('ice-restart', t(1));
    link.note('ice-restart', t(8));
    link.down('media', t(10));
    expect(link.up('media', t(14))).toMatchObject({ recoveredBy: 'ice-restart', downMs: 4000 });

    link.note('ice-restart', t(20));
    link.down('media', t(30));
    expect(link.up('media', t(33))).toMatchObject({ recoveredBy: 'ice' });
  });
});
