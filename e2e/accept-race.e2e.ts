/** Two tellers accepting the same waiting customer at the same moment: exactly one gets it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactDir } from './support/artifacts.ts';
import { startServer, type TestServer } from './support/server.ts';
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
      const kiosk = await connectRaw(server.wsUrl);
      await kiosk.request('hello', { role: 'kiosk', name: `VTM-RACE-${round}` });
      const created = await kiosk.request('session.create', { language: 'zh-CN', rtpCapabilities: {} });
      const { sessionId } = created['data'] as { sessionId: string };
      const tellers = await Promise.all([connectRaw(server.wsUrl), connectRaw(server.wsUrl)]);
      await Promise.all(tellers.map((t, i) => t.request('hello', { role: 'teller', name: `teller-race-${i}` })));

      const replies = await Promise.all(tellers.map((t) => t.request('session.accept', { sessionId, rtpCapabilities: {} })));
      const winners = replies.filter((r) => r['ok'] === true);
      const losers = replies.filter((r) => r['ok'] === false);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect((losers[0]!['error'] as { code: string }).code).toBe('conflict');

      const session = await (await fetch(`${server.url}/api/sessions/${sessionId}`)).json();
      const winner = replies.indexOf(winners[0]!);
      expect(session).toMatchObject({ state: 'active', tellerName: `teller-race-${winner}` });
      for (const socket of [kiosk, ...tellers]) socket.socket.close();
    }
  });
});
