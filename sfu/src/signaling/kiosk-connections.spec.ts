import { describe, expect, it } from 'vitest';
import { KioskConnections } from './kiosk-connections.ts';

describe('KioskConnections', () => {
  it('closes every open connection of a revoked kiosk, and only its own', () => {
    const connections = new KioskConnections();
    const closed: string[] = [];
    connections.add(1, () => closed.push('1a'));
    const forget = connections.add(1, () => closed.push('1b'));
    connections.add(2, () => closed.push('2a'));
    forget();
    expect(connections.count(1)).toBe(1);
    expect(connections.closeAll(1)).toBe(1);
    expect(closed).toEqual(['1a']);
    expect(connections.count(1)).toBe(0);
    expect(connections.count(2)).toBe(1);
    expect(connections.closeAll(3)).toBe(0);
  });

  it('cuts off a connection of a revoked kiosk that registers after the revocation', () => {
    const connections = new KioskConnections();
    const closed: string[] = [];
    connections.closeAll(1);
    connections.add(1, () => closed.push('late'))();
    connections.add(2, () => closed.push('other'));
    expect(closed).toEqual(['late']);
    expect(connections.count(1)).toBe(0);
    expect(connections.count(2)).toBe(1);
  });
});
