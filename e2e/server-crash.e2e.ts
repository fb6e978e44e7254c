/**
 * The server killed with SIGKILL mid-call: after a restart the database is intact, the
 * partial recording is playable and hashed, and the session is marked interrupted.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactDir } from './support/artifacts.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { callAndAccept, openKioskAndConsole, sessionDetail } from './support/call-flow.ts';
import { decodeErrors, sha256 } from './support/ffprobe.ts';
import { processesWithArgument } from './support/faults.ts';
import { decryptedCopy, isEncrypted } from './support/stored-files.ts';
import { startServer, type TestServer } from './support/server.ts';

const RECORDED_SECONDS = 5;

describe('server killed mid-call', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = artifactDir('server-crash');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keeps a playable, hashed partial recording and marks the session interrupted', async () => {
    const pages = await openKioskAndConsole(browser, server.url);
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.kiosk.waitForTimeout(RECORDED_SECONDS * 1000);

    const file = path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv');
    // The recorder's ffmpeg is the one process given the segment's SDP (finalisation also reads the file).
    const sdp = file.replace(/\.mkv$/, '.sdp');
    expect(processesWithArgument(sdp)).toHaveLength(1);
    await server.stop('SIGKILL');
    await pages.close();

    server = await startServer(dir);
    // The ffmpeg orphaned by the crash was stopped, not left holding the file.
    expect(processesWithArgument(sdp)).toEqual([]);
    const detail = await sessionDetail(server.url, sessionId);
    expect(detail).toMatchObject({ state: 'ended', endReason: 'interrupted' });
    expect(detail.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['session.created', 'session.accepted', 'recording.started', 'session.interrupted']),
    );
    const [recording] = detail.recordings;
    // Sealed at the restart: encrypted, hashed as stored.
    expect(isEncrypted(file)).toBe(true);
    expect(recording).toMatchObject({ state: 'interrupted', sha256: sha256(file) });
    expect(recording!.streams).toHaveLength(4);
    // At most about a second (one Matroska cluster) is lost to the kill.
    expect(recording!.durationMs).toBeGreaterThan((RECORDED_SECONDS - 1.5) * 1000);
    // Killed mid-write, the last frame can be cut short; everything before it decodes.
    expect(decodeErrors(await decryptedCopy(server.dataDir, file, path.join(dir, 'recording.mkv'))).length).toBeLessThanOrEqual(4);
    expect((await server.health()).ok).toBe(true);
  });
});
