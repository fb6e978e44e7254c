/** Two tellers accepting the same waiting customer at the same moment: exactly one gets it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactDir } from './support/artifacts.ts';
import { startServer, type TestServer } from './support/server.ts';
import { signIn } from './support/api.ts';
import { sessionDetail } from './support/call-flow.ts';
import { queuedCustomer, residentCard } from './support/raw-kiosk.ts';
import { connectRaw } from './support/ws-client.ts';

describe('concurrent accept', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(artifactDir('accept-race'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('gives the session to exactly one teller and tells the other', async () => {
    for (let round = 0; round < 5; round++) {
      const { kiosk, sessionId, position } = await queuedCustomer(server, `VTM-RACE-${round}`, residentCard('accept-race', round));
      expect(position).toBe(1);
      const names = ['teller1', 'teller2'];
      const tellers = await Promise.all(names.map(async (name) => connectRaw(server.wsUrl, await signIn(server.url, name))));
      await Promise.all(tellers.map((t) => t.request('hello', { role: 'teller' })));

      const replies = await Promise.all(tellers.map((t) => t.request('session.accept', { sessionId, rtpCapabilities: {} })));
      const winners = replies.filter((r) => r['ok'] === true);
      const losers = replies.filter((r) => r['ok'] === false);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect((losers[0]!['error'] as { code: string }).code).toBe('conflict');

      const session = await sessionDetail(server.url, sessionId);
      const winner = replies.indexOf(winners[0]!);
      expect(session).toMatchObject({ state: 'active', tellerName: names[winner] });
      for (const socket of [kiosk, ...tellers]) socket.socket.close();
    }
  });
});
