/**
 * Finalisation end to end: a real call between a kiosk and a teller in Chromium, recorded
 * by the real server; once it ends, the server makes each party's side playable (remuxed,
 * not re-encoded) and runs the automatic quality checks in the background. The files
 * must be what ffprobe and Chromium expect, and the checks must be on the session.
 *
 * FINALISATION_CALL_SECONDS sets the call's length (default 8) to measure finalisation
 * for a longer call; the timings go to the test's artifact folder and the log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { getAs, signIn } from './support/api.ts';
import { artifactDir } from './support/artifacts.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { callAndAccept, openKioskAndConsole, waitForFinalisation } from './support/call-flow.ts';
import { probe, sha256 } from './support/ffprobe.ts';
import { decryptedCopy, isEncrypted } from './support/stored-files.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { startServer, type TestServer } from './support/server.ts';

const CALL_SECONDS = Number(process.env['FINALISATION_CALL_SECONDS'] ?? 8);

interface Played {
  error: string | null;
  duration: number;
  advanced: number;
  width: number;
  audioBytes: number;
  seekedTo: number;
}

/**
 * Plays each URL in a <video> in Chromium as a signed-in compliance user: it must start,
 * advance, decode picture and sound, and seek (which the browser does by range requests).
 */
async function playInChromium(browser: Browser, baseUrl: string, urls: string[]): Promise<Played[]> {
  const cookie = await signIn(baseUrl, 'compliance1');
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext();
  await context.addCookies([{ name, value, url: baseUrl }]);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/healthz`);
  const played = await page.evaluate(async (srcs) => {
    const within = <T,>(promise: Promise<T>, what: string) =>
      Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), 30_000))]);
    const playOne = async (src: string) => {
      const video = document.createElement('video');
      video.src = src;
      document.body.append(video);
      try {
        await within(video.play(), 'play');
        const start = video.currentTime;
        await new Promise((r) => setTimeout(r, 1500));
        const advanced = video.currentTime - start;
        const audioBytes = (video as unknown as { webkitAudioDecodedByteCount: number }).webkitAudioDecodedByteCount;
        video.pause();
        const target = video.duration / 2;
        await within(
          new Promise((resolve) => {
            video.addEventListener('seeked', resolve, { once: true });
            video.currentTime = target;
          }),
          'seek',
        );
        return { error: video.error?.message ?? null, duration: video.duration, advanced, width: video.videoWidth, audioBytes, seekedTo: video.currentTime };
      } catch (error) {
        return { error: `${String(error)} ${video.error?.message ?? ''}`, duration: 0, advanced: 0, width: 0, audioBytes: 0, seekedTo: 0 };
      }
    };
    const results = [];
    for (const src of srcs) results.push(await playOne(src));
    return results;
  }, urls);
  await context.close();
  return played;
}

describe('finalisation of a recorded call', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = artifactDir('finalisation');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('makes each party playable without re-encoding, and checks the session: regulated steps missing, media complete', { timeout: 180_000 + CALL_SECONDS * 1000 }, async () => {
    const pages = await openKioskAndConsole(browser, server.url);
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.waitForTimeout(CALL_SECONDS * 1000);
    await pages.teller.getByTestId('hang-up').click();
    const hungUpAt = Date.now();
    const detail = await waitForFinalisation(server.url, sessionId);
    const seenDoneAt = Date.now();
    await pages.close();

    // ---- the playable media: one file per party, in the container its codecs need ----
    const videoCodec = (detail.events.find((e) => e.type === 'session.accepted')!.payload as { videoCodec: string }).videoCodec;
    const extension = videoCodec === 'h264' ? 'mp4' : 'webm';
    const [recording] = detail.recordings;
    expect(detail.recordings).toHaveLength(1);
    expect(detail.playback.map((m) => [m.party, m.segment])).toEqual([['kiosk', 1], ['teller', 1]]);
    const original = path.join(server.dataDir, 'recordings', sessionId, 'segment-001.mkv');
    // Stored encrypted at rest: the test probes its own decrypted copies.
    expect(isEncrypted(original)).toBe(true);
    const originalProbe = probe(await decryptedCopy(server.dataDir, original, path.join(dir, 'segment-001.mkv')));
    for (const media of detail.playback) {
      const file = path.join(server.dataDir, 'playback', sessionId, `segment-001-${media.party}.${extension}`);
      expect(isEncrypted(file)).toBe(true);
      const probed = probe(await decryptedCopy(server.dataDir, file, path.join(dir, path.basename(file))));
      expect(media.mimeType).toBe(videoCodec === 'h264' ? 'video/mp4; codecs="avc1.42e01f, opus"' : 'video/webm; codecs="vp8, opus"');
      // The party's own audio and video, the same codecs as recorded (copied, not re-encoded).
      expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', `video:${videoCodec}`]);
      const recorded = originalProbe.streams.filter((s) => s.tags?.title?.startsWith(`${media.party}-`));
      expect(recorded.map((s) => s.codec_name).sort()).toEqual(probed.streams.map((s) => s.codec_name).sort());
      // As long as the recording, and placed at its start on the timeline.
      expect(Math.abs(probed.durationS - recording!.durationMs! / 1000), `${media.party} ${probed.durationS}s`).toBeLessThan(0.3);
      expect(Math.abs(media.durationMs! / 1000 - probed.durationS)).toBeLessThan(0.05);
      expect(media.startOffsetMs).toBeGreaterThanOrEqual(0);
      expect(media.startOffsetMs).toBeLessThan(200);
      expect(media.sha256).toBe(sha256(file));
      expect(media.sizeBytes).toBe(fs.statSync(file).size);
      expect(fs.statSync(file).mode & 0o222).toBe(0);
    }
    // The original is untouched.
    expect(sha256(original)).toBe(recording!.sha256);

    // ---- the quality checks: a call with no identity check and no questionnaire ----
    expect(detail.qualityPassed).toBe(false);
    const checks = Object.fromEntries(detail.qualityChecks.map((c) => [c.id, c]));
    expect(Object.keys(checks)).toEqual(['consent-first', 'identity-before-questionnaire', 'answers-at-kiosk', 'level-recomputed', 'recording-coverage', 'media-presence']);
    expect(checks['consent-first']).toMatchObject({ passed: true, reason: expect.stringMatching(/^Consent to recording \(version .+\) was given at .+, before any other step\.$/) });
    expect(checks['identity-before-questionnaire']).toMatchObject({ passed: false, reason: "The customer's identity was never verified: no identity check was recorded." });
    expect(checks['answers-at-kiosk']).toMatchObject({ passed: false, reason: 'No answers were recorded: the questionnaire was not taken.' });
    expect(checks['level-recomputed']).toMatchObject({ passed: false, reason: 'No assessment was stored: the level was never computed.' });
    expect(checks['recording-coverage']).toMatchObject({ passed: true, reason: expect.stringMatching(/^Recorded from \d+\.\d s after the call connected to the end, in 1 segment; largest gap \d+\.\d s\.$/) });
    expect(checks['media-presence']).toMatchObject({ passed: true, reason: expect.stringMatching(/^Audio and video of both parties present throughout the one segment; longest pause \d+\.\d s/) });

    // ---- Chromium plays both files from the server, with sound, and seeks ----
    const urls = detail.playback.map((m) => `/api/sessions/${sessionId}/playback/${m.id}`);
    const played = await playInChromium(browser, server.url, urls);
    for (const [i, p] of played.entries()) {
      expect(p.error, urls[i]).toBeNull();
      expect(p.advanced, `${urls[i]} currentTime advances`).toBeGreaterThan(0.5);
      expect(p.width).toBeGreaterThan(0);
      expect(p.audioBytes).toBeGreaterThan(0);
      expect(Math.abs(p.duration - detail.playback[i]!.durationMs! / 1000)).toBeLessThan(0.3);
      expect(Math.abs(p.seekedTo - p.duration / 2)).toBeLessThan(0.5);
    }
    // Only compliance plays recordings.
    expect((await getAs(server.url, 'teller1', urls[0]!)).status).toBe(403);
    expect((await fetch(`${server.url}${urls[0]}`)).status).toBe(401);

    // ---- how long it took ----
    const finalisation = detail.finalisation!;
    const timing = {
      callSeconds: CALL_SECONDS,
      recordingMs: recording!.durationMs,
      videoCodec,
      originalBytes: recording!.sizeBytes,
      playableBytes: Object.fromEntries(detail.playback.map((m) => [m.party, m.sizeBytes])),
      /** From the end of the session (as stored) to finalisation done. */
      endToFinalisedMs: Date.parse(finalisation.finishedAt!) - Date.parse(detail.endedAt!),
      /** Finalisation's own work: remux, probe, hash, checks. */
      finalisationMs: Date.parse(finalisation.finishedAt!) - Date.parse(finalisation.startedAt),
      hangUpToSeenDoneMs: seenDoneAt - hungUpAt,
    };
    fs.writeFileSync(path.join(dir, 'finalisation-timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
    console.log('finalisation timing', timing);
    expect(timing.finalisationMs).toBeLessThan(30_000);
  });

  it('finalises a call cut off by a server crash at the next start', async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-E2E-2', teller: 'teller2' });
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.kiosk.waitForTimeout(4000);
    await server.stop('SIGKILL');
    await pages.close();

    server = await startServer(dir);
    const detail = await waitForFinalisation(server.url, sessionId);
    expect(detail).toMatchObject({ endReason: 'interrupted', recordings: [expect.objectContaining({ state: 'interrupted' })] });
    // The crashed file had no duration in its header; its playable copies do.
    expect(detail.playback).toHaveLength(2);
    for (const media of detail.playback) {
      expect(media.durationMs).toBeGreaterThan(2500);
      const file = fs.readdirSync(path.join(server.dataDir, 'playback', sessionId)).find((f) => f.includes(media.party))!;
      const plain = await decryptedCopy(server.dataDir, path.join(server.dataDir, 'playback', sessionId, file), path.join(dir, `crashed-${file}`));
      expect(probe(plain).durationS).toBeGreaterThan(2.5);
    }
    // Nobody hung up: the call's end is the restart, long after the recording stopped; the
    // reason names what the timeline says happened then.
    const coverage = detail.qualityChecks.find((c) => c.id === 'recording-coverage')!;
    expect(coverage).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/^No recording for \d+\.\d s from \+0:0\d\.\d, after segment 1, before the end\. Around then: .*\+\d+:\d\d\.\d the server stopped\.$/),
    });
    expect(detail.qualityChecks.find((c) => c.id === 'media-presence')).toMatchObject({ passed: true });
  });
});
