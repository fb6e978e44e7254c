/**
 * Fault a: the kiosk's network drops for several seconds mid-call.
 *
 * The kiosk's Chromium runs in a network namespace of the test's own, joined to this
 * machine by a veth pair; the server listens on the host's end. Mid-call the test takes
 * the namespace's end of the link down for 5 s (the kiosk's cable is pulled) and brings
 * it back. The kiosk must get back into the same session on its own (ICE restart, or a
 * new signaling connection that rejoins the session with new transports) within 10 s,
 * the recording must go on, and the outage must be on the session's timeline. Two more
 * cuts take each way back in turn: one long enough that the server drops the kiosk's
 * socket (a rejoin), and one of the media path alone, the signaling staying up (an ICE
 * restart: new ICE parameters over signaling, the same transports).
 *
 * A second test speaks the rejoin protocol from Node: a dropped kiosk keeps its session
 * for the grace period and only with its own token can take it back; a clean close ends
 * at once; a kiosk that never comes back loses its session when the grace runs out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SessionDetail } from '@vtm/shared';
import { artifactDir } from './support/artifacts.ts';
import { CHROMIUM, launchBrowser, openPage, waitForRemoteMedia } from './support/browser.ts';
import { prepareIdCamera } from './support/id-camera.ts';
import { KIOSK_LOCATION, callAndAccept, sessionDetail, signInToConsole, waitForSealedRecording, type CallPages } from './support/call-flow.ts';
import { mediaFlowingAgain, reportRecovery, until, waitForEvent, watchForTestId } from './support/faults.ts';
import { createNetworkNamespace, networkNamespacesAvailable, type NetworkNamespace } from './support/network-namespace.ts';
import { startServer, type TestServer } from './support/server.ts';
import { queuedCustomer, residentCard } from './support/raw-kiosk.ts';
import { connectRaw } from './support/ws-client.ts';

const CUT_MS = 5000;
const LONG_CUT_MS = 14_000;
/**
 * Long enough that the browser calls the path down (its consent checks fail: it can take
 * Chrome several seconds) and restarts ICE while the cut lasts; a shorter cut can come
 * back on the old ICE session before the browser gives up on it.
 */
const MEDIA_CUT_MS = 12_000;
/** The limit: back in the session within 10 s of the network coming back. */
const RECOVERY_LIMIT_MS = 10_000;

const vtm = <T>(page: Page, key: string) => page.evaluate((k) => (window as unknown as { vtm: Record<string, unknown> }).vtm[k], key) as Promise<T>;

describe.skipIf(!networkNamespacesAvailable())('fault: the kiosk network drops mid-call', () => {
  let dir: string;
  let server: TestServer;
  let ns: NetworkNamespace;
  let kioskBrowser: Browser | undefined;
  let tellerBrowser: Browser | undefined;

  beforeAll(async () => {
    dir = artifactDir('fault-network-drop');
    ns = createNetworkNamespace();
    // Reachable from the namespace (the host's end of the link) and, locally, from the teller.
    // Media on the link's second address, so that it can be cut apart from signaling.
    server = await startServer(dir, { HOST: '0.0.0.0', ANNOUNCED_IP: ns.mediaAddress });
    const camera = await prepareIdCamera();
    const kioskOrigin = server.url.replace('127.0.0.1', ns.hostAddress);
    kioskBrowser = await launchBrowser({
      fakeVideoFile: camera.y4m,
      executablePath: ns.wrap(CHROMIUM, dir),
      // Camera access needs a secure origin; this one is the test's own private link.
      args: [`--unsafely-treat-insecure-origin-as-secure=${kioskOrigin}`],
    });
    tellerBrowser = await launchBrowser({ fakeVideoFile: camera.y4m });
  });

  afterAll(async () => {
    await kioskBrowser?.close().catch(() => {});
    await tellerBrowser?.close().catch(() => {});
    await server?.stop();
    ns?.remove();
  });

  async function openCall(kioskName: string, tellerName: string) {
    const logs = { kiosk: [] as string[], teller: [] as string[] };
    const teller = await openPage(tellerBrowser!, `${server.url}/console/`, logs.teller);
    await signInToConsole(teller.page, tellerName);
    await teller.page.getByTestId('go-on-duty').click();
    await teller.page.getByTestId('desk-status').filter({ hasText: 'on-duty' }).waitFor();
    const kioskUrl = `${server.url.replace('127.0.0.1', ns.hostAddress)}/kiosk/?kiosk=${kioskName}&location=${encodeURIComponent(KIOSK_LOCATION)}`;
    const kiosk = await openPage(kioskBrowser!, kioskUrl, logs.kiosk);
    await kiosk.page.getByTestId('service-first-time-wealth').waitFor();
    const pages: CallPages = {
      kiosk: kiosk.page,
      teller: teller.page,
      logs,
      async close() {
        await kiosk.context.close();
        await teller.context.close();
      },
    };
    return pages;
  }

  /**
   * A recorded call; the kiosk's link is cut for `cutMs`, then restored. Checks that both
   * sides get media again in the same session within the limit, that the outage is on
   * the timeline, and that the recording goes on; returns what was measured.
   */
  async function dropKioskNetwork(
    cutMs: number,
    names: { kiosk: string; teller: string },
    label: string,
    options: { expectRejoin?: boolean; mediaOnly?: boolean } = {},
  ) {
    const pages = await openCall(names.kiosk, names.teller);
    try {
      const { sessionId } = await callAndAccept(pages);
      await waitForRemoteMedia(pages.kiosk);
      await waitForRemoteMedia(pages.teller);
      await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
      await pages.kiosk.waitForTimeout(2000);
      const sawKioskReconnecting = await watchForTestId(pages.kiosk, 'reconnecting');
      const sawTellerNotice = await watchForTestId(pages.teller, 'customer-reconnecting');

      // Pull the kiosk's cable (or block its media path alone), then plug it back in.
      const cutAt = Date.now();
      if (options.mediaOnly) ns.cutMedia();
      else ns.cut();
      await new Promise((r) => setTimeout(r, cutMs));
      const restoredAt = Date.now();
      if (options.mediaOnly) ns.restoreMedia();
      else ns.restore();

      // The kiosk is back in its session (on a new connection when the old one was lost)...
      if (options.expectRejoin) await until('the kiosk to rejoin', () => vtm<number>(pages.kiosk, 'rejoins'), (n) => n >= 1, 40_000, 100);
      await until('the kiosk to be online with media', () => Promise.all([vtm<string>(pages.kiosk, 'link'), vtm<string>(pages.kiosk, 'mediaLink')]), ([l, m]) => l === 'online' && m === 'connected', 40_000, 100);
      // ...and media flows both ways again.
      const [kioskFlowing, tellerFlowing] = await Promise.all([
        mediaFlowingAgain(pages.kiosk, 40_000),
        mediaFlowingAgain(pages.teller, 40_000),
      ]);
      const recoveryMs = Math.max(kioskFlowing, tellerFlowing) - restoredAt;
      expect(await vtm<string>(pages.kiosk, 'sessionId')).toBe(sessionId);
      await pages.kiosk.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 15_000 });
      await pages.kiosk.locator('main[data-screen="in-call"]').waitFor();

      // The outage is on the timeline, with the party and how long it lasted.
      const restored = await waitForEvent(server.url, sessionId, (e) => e.type === 'connection.restored' && party(e) === 'kiosk', 'connection.restored', 20_000);
      const detail = await sessionDetail(server.url, sessionId);
      expect(detail.state).toBe('active');
      const lost = detail.events.find((e) => e.type === 'connection.lost' && party(e) === 'kiosk');
      expect(lost, 'connection.lost').toBeDefined();
      const downMs = (restored.payload as { downMs: number }).downMs;
      expect(downMs).toBeGreaterThan(cutMs - 2000);
      expect(Date.parse(lost!.at)).toBeGreaterThan(cutAt - 3000);

      // The recording goes on: a segment is being written after the network came back.
      await pages.kiosk.waitForTimeout(3000);
      const during = await sessionDetail(server.url, sessionId);
      expect(during.recordings.filter((r) => r.state === 'recording'), 'a segment being written').toHaveLength(1);

      const measured = {
        cutMs: restoredAt - cutAt,
        recoveryMs,
        kioskMediaBackMs: kioskFlowing - restoredAt,
        tellerMediaBackMs: tellerFlowing - restoredAt,
        downMsOnTimeline: downMs,
        recoveredBy: (restored.payload as { recoveredBy: string }).recoveredBy,
        iceRestarts: await vtm<number>(pages.kiosk, 'iceRestarts'),
        rejoins: await vtm<number>(pages.kiosk, 'rejoins'),
        kioskShowedReconnecting: (await sawKioskReconnecting()) !== null,
        tellerShowedCustomerReconnecting: (await sawTellerNotice()) !== null,
        segmentsSoFar: during.recordings.length,
      };
      reportRecovery(dir, label, measured);
      expect(recoveryMs, 'recovery after the network came back').toBeLessThan(RECOVERY_LIMIT_MS);
      expect(measured.kioskShowedReconnecting, 'the kiosk said it was reconnecting').toBe(true);
      expect(measured.tellerShowedCustomerReconnecting, 'the teller saw the customer reconnecting').toBe(true);

      await pages.kiosk.screenshot({ path: path.join(dir, `${names.kiosk}-after-reconnect.png`) });
      await pages.teller.getByTestId('hang-up').click();
      const ended = await waitForSealedRecording(server.url, sessionId);
      expect(ended.endReason).toBe('hung-up');
      // What was recorded after the outage is a playable four-track segment.
      const last = ended.recordings.at(-1)!;
      expect(last.state).toBe('sealed');
      expect(last.streams).toHaveLength(4);
      expect(Date.parse(last.endedAt!)).toBeGreaterThan(restoredAt);
      return { measured, ended };
    } finally {
      fs.writeFileSync(path.join(dir, `${names.kiosk}-browser-console.log`), [...pages.logs.kiosk, '---', ...pages.logs.teller].join('\n'));
      await pages.close().catch(() => {});
    }
  }

  it('reconnects into the same session within 10 s, keeps recording and puts the outage on the timeline', async () => {
    await dropKioskNetwork(CUT_MS, { kiosk: 'VTM-NETNS-1', teller: 'teller1' }, 'a: kiosk network drop (5 s)');
  });

  it('rejoins the session on a new connection with new transports when the outage outlives the signaling socket', async () => {
    // Longer than the server's heartbeat allows (two missed pings, 8-12 s): the server
    // closes the kiosk's socket, so the kiosk must reconnect and rejoin with its token.
    const { measured, ended } = await dropKioskNetwork(LONG_CUT_MS, { kiosk: 'VTM-NETNS-2', teller: 'teller2' }, 'a: kiosk network drop (14 s, rejoin)', {
      expectRejoin: true,
    });
    expect(measured.rejoins).toBeGreaterThanOrEqual(1);
    expect(measured.recoveredBy).toBe('rejoin');
    // The kiosk's new tracks are recorded in a new segment.
    expect(ended.recordings.length).toBeGreaterThanOrEqual(2);
  });

  it('restarts ICE on the same transports when only the media path is cut, the signaling staying up', async () => {
    const { measured } = await dropKioskNetwork(MEDIA_CUT_MS, { kiosk: 'VTM-NETNS-3', teller: 'teller1' }, 'a: kiosk media path cut (12 s, ICE restart)', {
      mediaOnly: true,
    });
    expect(measured.iceRestarts).toBeGreaterThanOrEqual(1);
    expect(measured.rejoins).toBe(0);
    expect(measured.recoveredBy).toBe('ice-restart');
  });
});

describe('the rejoin protocol of a dropped kiosk', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(artifactDir('fault-network-drop-protocol'), { RECONNECT_GRACE_S: '2' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  let customers = 0;
  const queuedKiosk = (name: string) => queuedCustomer(server, name, residentCard('fault-network-drop', customers++));

  it('keeps a dropped kiosk’s session for the grace period, for its own token only; a clean close or an expired grace ends it', async () => {
    const { kiosk, sessionId, uploadToken } = await queuedKiosk('VTM-REJOIN-1');
    // No close frame: the network went, not the page.
    kiosk.socket.terminate();
    await new Promise((r) => setTimeout(r, 300));
    expect((await sessionDetail(server.url, sessionId)).state).toBe('waiting');

    const back = await connectRaw(server.wsUrl);
    await back.request('hello', { role: 'kiosk', name: 'VTM-REJOIN-1', location: 'lobby' });
    const refused = await back.request('session.rejoin', { sessionId, token: 'not-the-token', rtpCapabilities: {} });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    const rejoined = await back.request('session.rejoin', { sessionId, token: uploadToken, rtpCapabilities: {} });
    expect(rejoined).toMatchObject({ ok: true, data: { state: 'waiting', media: null, queuePosition: { position: 1 } } });
    const restored = await waitForEvent(server.url, sessionId, (e) => e.type === 'connection.restored', 'connection.restored');
    expect(restored.payload).toMatchObject({ party: 'kiosk', via: ['signaling'], recoveredBy: 'rejoin' });

    // Dropped again and never back: the session ends when the grace (2 s here) runs out.
    back.socket.terminate();
    const ended = await until('the session to end', () => sessionDetail(server.url, sessionId), (d) => d.state === 'ended', 10_000, 250);
    expect(ended.endReason).toBe('cancelled');
    expect(ended.events.map((e) => e.type)).toEqual(expect.arrayContaining(['connection.lost', 'connection.restored', 'connection.given-up', 'session.ended']));
    const late = await connectRaw(server.wsUrl);
    await late.request('hello', { role: 'kiosk', name: 'VTM-REJOIN-1', location: 'lobby' });
    expect(await late.request('session.rejoin', { sessionId, token: uploadToken, rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    late.socket.close();

    // A page that closes (a close frame) ends its session at once, as before.
    const clean = await queuedKiosk('VTM-REJOIN-2');
    clean.kiosk.socket.close();
    const cancelled = await until('the session to end', () => sessionDetail(server.url, clean.sessionId), (d) => d.state === 'ended', 3000, 100);
    expect(cancelled.endReason).toBe('cancelled');
  });
});

function party(event: SessionDetail['events'][number]): unknown {
  return (event.payload as { party?: unknown }).party;
}
