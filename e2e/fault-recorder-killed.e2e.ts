/**
 * Fault c: the recorder's ffmpeg is killed mid-call (SIGKILL).
 *
 * The recorder must start a new segment within 2 s (its video starting on a keyframe),
 * the hole must be on the session's timeline, the quality checks must show it, and the
 * review's playback and the evidence export must carry both segments.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactDir } from './support/artifacts.ts';
import { signIn } from './support/api.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { callAndAccept, openKioskAndConsole, sessionDetail, waitForFinalisation } from './support/call-flow.ts';
import { processesWithArgument, reportRecovery, until, waitForEvent } from './support/faults.ts';
import { startServer, type TestServer } from './support/server.ts';

/** Flags of the first video packet of a file ("K_" for a keyframe). */
function firstVideoPacketFlags(file: string): string {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'csv=p=0', '-read_intervals', '%+#1', file], {
    encoding: 'utf8',
  });
  return out.trim().split('\n')[0] ?? '';
}

/** The limit: the recorder restarts within 2 s, as a new segment. */
const RESTART_LIMIT_MS = 2000;

describe('fault: the recorder’s ffmpeg is killed', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = artifactDir('fault-recorder-killed');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('starts a new segment within 2 s, records the gap, shows it in the checks, and plays and exports both segments', async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-FFMPEG-KILL', teller: 'teller1' });
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.kiosk);
    await waitForRemoteMedia(pages.teller);
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.kiosk.waitForTimeout(3000);

    const recordings = path.join(server.dataDir, 'recordings', sessionId);
    const [ffmpeg] = processesWithArgument(path.join(recordings, 'segment-001.sdp'));
    expect(ffmpeg, "the recorder's ffmpeg").toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(ffmpeg!, 'SIGKILL');

    // A new ffmpeg for segment 2, its packets let through, then its file opened.
    const started = await waitForEvent(
      server.url,
      sessionId,
      (e) => e.type === 'recording.started' && (e.payload as { segment: number }).segment === 2,
      'segment 2 to start',
      15_000,
    );
    expect(processesWithArgument(path.join(recordings, 'segment-002.sdp'))).toHaveLength(1);
    const writing = await waitForEvent(
      server.url,
      sessionId,
      (e) => e.type === 'recording.writing' && (e.payload as { segment: number }).segment === 2,
      'segment 2 to be written',
      15_000,
    );
    const gap = await waitForEvent(server.url, sessionId, (e) => e.type === 'recording.gap', 'the gap on the timeline');
    expect(gap.payload).toMatchObject({ afterSegment: 1, segment: 2, cause: 'recorder-died' });
    // The kiosk's indicator is back to recording.
    await pages.kiosk.getByTestId('recording-indicator').and(pages.kiosk.locator('[data-state="recording"]')).waitFor();
    await pages.kiosk.waitForTimeout(4000);

    await pages.teller.getByTestId('hang-up').click();
    const detail = await waitForFinalisation(server.url, sessionId);
    await pages.close();

    // Segment 1 was cut short by the kill; segment 2 is whole and starts on a keyframe.
    expect(detail.recordings.map((r) => r.state)).toEqual(['interrupted', 'sealed']);
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(['recording.interrupted', 'recording.gap', 'recording.sealed']));
    expect(detail.recordings[1]!.streams).toHaveLength(4);

    // The recording-coverage check names the hole between the segments: failed when it
    // lasted more than 2 s, otherwise passed with the largest gap.
    const coverage = detail.qualityChecks.find((c) => c.id === 'recording-coverage')!;
    expect(coverage, 'recording-coverage check').toBeDefined();
    if (coverage.passed) expect(coverage.reason).toMatch(/in 2 segments; largest gap/);
    else expect(coverage.reason).toMatch(/between segments 1 and 2/);
    expect(detail.qualityPassed).toBe(false); // the questionnaire was never run in this call

    // Playback has each party's side of each segment; each one is served.
    const cookie = await signIn(server.url, 'compliance1');
    const media = detail.playback.map((p) => `${p.party}:${p.segment}`).sort();
    expect(media).toEqual(['kiosk:1', 'kiosk:2', 'teller:1', 'teller:2']);
    for (const item of detail.playback) {
      const response = await fetch(`${server.url}/api/sessions/${sessionId}/playback/${item.id}`, { headers: { cookie } });
      expect(response.status, `playback ${item.party} ${item.segment}`).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      // Served decrypted: item.sizeBytes is the stored (encrypted) file's size.
      expect(body.byteLength).toBe(Number(response.headers.get('content-length')));
      const file = path.join(dir, `playback-${item.party}-${item.segment}.${item.mimeType.includes('mp4') ? 'mp4' : 'webm'}`);
      fs.writeFileSync(file, body);
      // Keyframes were asked for at once: the new segment's video starts on one (damage
      // later on is the review's business: a busy machine loses packets).
      if (item.segment === 2) expect(firstVideoPacketFlags(file), `${item.party} video of segment 2 starts on a keyframe`).toMatch(/^K/);
    }
    // The evidence export carries both segments' originals.
    const exported = await fetch(`${server.url}/api/review/sessions/${sessionId}/export`, { headers: { cookie } });
    expect(exported.status).toBe(200);
    const zip = Buffer.from(await exported.arrayBuffer());
    fs.writeFileSync(path.join(dir, 'export.zip'), zip);
    expect(zip.includes('segment-001')).toBe(true);
    expect(zip.includes('segment-002')).toBe(true);

    const startedAt = Date.parse(started.at);
    const measured = {
      restartMs: startedAt - killedAt,
      newSegmentWritingMs: Date.parse(writing.at) - killedAt,
      gapOnTimelineMs: (gap.payload as { gapMs: number }).gapMs,
      restartOnTimelineMs: (gap.payload as { restartMs: number }).restartMs,
      coverage: { passed: coverage.passed, reason: coverage.reason },
    };
    reportRecovery(dir, 'c: recorder ffmpeg killed', measured);
    expect(measured.restartMs, 'new segment started after the kill').toBeLessThan(RESTART_LIMIT_MS);
    await until('nothing left recording', () => sessionDetail(server.url, sessionId), (d) => d.recordings.every((r) => r.state !== 'recording'), 5000);
  });
});
