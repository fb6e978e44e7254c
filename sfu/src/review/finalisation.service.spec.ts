/**
 * Finalisation against a real SQLite file and real ffmpeg/ffprobe, on four-stream
 * Matroska segments made like the recorder's (Opus + VP8 or H264, tracks titled by party).
 * No browser: the end-to-end test covers a real call.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { verifyAuditTrail } from '../audit/verify-audit-trail.ts';
import { createLogger } from '../logger.ts';
import { sha256File } from '../recording/recording-probe.ts';
import { sealRecordingFile } from '../recording/seal-recording.ts';
import type { Repositories } from '../storage/repositories.ts';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { DataKeyring } from '../storage/encryption/data-keys.ts';
import { MAGIC, decryptFile } from '../storage/encryption/encrypted-file.ts';
import { useDataKeys } from '../storage/stored-file.ts';
import { FinalisationService } from './finalisation.service.ts';
import { reviewDetail } from './review-detail.ts';

const FFMPEG = process.env['FFMPEG_PATH'] ?? 'ffmpeg';
const FFPROBE = process.env['FFPROBE_PATH'] ?? 'ffprobe';
const T0 = Date.parse('2026-03-02T02:00:00.000Z');
const KEYS = new DataKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');

interface SegmentSpec {
  codec: 'vp8' | 'h264';
  seconds: number;
  /** Seconds the teller's tracks start after the kiosk's (a party joining late). */
  tellerLateS?: number;
}

/** A segment file like the recorder writes: kiosk audio, kiosk video, teller audio, teller video. */
function makeSegment(file: string, spec: SegmentSpec): void {
  const video = spec.codec === 'vp8' ? ['-c:v', 'libvpx', '-b:v', '100k', '-deadline', 'realtime'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '20'];
  const late = spec.tellerLateS ? ['-itsoffset', String(spec.tellerLateS)] : [];
  const tellerSeconds = String(spec.seconds - (spec.tellerLateS ?? 0));
  execFileSync(FFMPEG, [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-t', String(spec.seconds), '-i', 'sine=frequency=440:sample_rate=48000',
    '-f', 'lavfi', '-t', String(spec.seconds), '-i', 'testsrc=size=160x120:rate=20',
    ...late, '-f', 'lavfi', '-t', tellerSeconds, '-i', 'sine=frequency=660:sample_rate=48000',
    ...late, '-f', 'lavfi', '-t', tellerSeconds, '-i', 'testsrc2=size=160x120:rate=20',
    '-map', '0', '-map', '1', '-map', '2', '-map', '3',
    '-c:a', 'libopus', ...video,
    ...['kiosk-audio', 'kiosk-video', 'teller-audio', 'teller-video'].flatMap((t, i) => [`-metadata:s:${i}`, `title=${t}`]),
    '-f', 'matroska', file,
  ]);
}

/** Overwrites part of the video packet nearest `atS` seconds, as a lost RTP packet would leave it. */
function damageVideoPacket(file: string, streamIndex: number, atS: number): number {
  const lines = execFileSync(FFPROBE, ['-v', 'error', '-select_streams', String(streamIndex), '-show_entries', 'packet=pts_time,pos,size', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const packet = lines.trim().split('\n').map((l) => l.split(',').map(Number)).find(([pts]) => Math.abs(pts! - atS) < 0.03)!;
  const [pts, size, pos] = packet as [number, number, number];
  fs.chmodSync(file, 0o644);
  const bytes = fs.readFileSync(file);
  for (let i = pos + Math.floor(size / 3); i < pos + Math.floor(size / 3) + Math.min(40, Math.floor(size / 3)); i++) bytes[i] = (i * 97) & 0xff;
  fs.writeFileSync(file, bytes);
  return pts;
}

function decodeErrors(file: string): string {
  return spawnSync(FFMPEG, ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'null', '-'], { encoding: 'utf8' })
    .stderr.split('\n')
    .filter((l) => l.trim() && !l.startsWith('[null @'))
    .join('\n');
}

function probe(file: string) {
  const out = execFileSync(FFPROBE, ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  return JSON.parse(out) as { format: { duration: string; start_time: string; format_name: string }; streams: Array<{ codec_name: string; codec_type: string }> };
}

// Real ffmpeg on a 2-core machine that may also be running the end-to-end tests.
describe('FinalisationService', { timeout: 60_000 }, () => {
  let dir: string;
  let repos: Repositories;
  let service: FinalisationService;

  let releaseKeys: () => void;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-finalise-'));
    releaseKeys = useDataKeys(dir, KEYS);
    repos = createSqliteRepositories(path.join(dir, 'vtm.sqlite'));
    const audit = new AuditLog({ repo: repos.audit, dataDir: dir });
    service = new FinalisationService({ repos, audit, ffmpegPath: FFMPEG, ffprobePath: FFPROBE, playbackDir: path.join(dir, 'playback'), logger: createLogger('silent') });
  });

  afterEach(async () => {
    await service.drain();
    releaseKeys();
    await repos.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A stored (encrypted) file's plaintext, as a file of the test's own for ffprobe and ffmpeg. */
  async function plain(file: string): Promise<string> {
    const copy = path.join(dir, `plain-${randomUUID()}${path.extname(file)}`);
    await decryptFile(KEYS, path.relative(dir, file), file, copy);
    return copy;
  }

  const event = (sessionId: string, type: string, atMs: number, payload: unknown = {}, offsetMs: number | null = null) =>
    repos.events.append({ sessionId, type, at: new Date(atMs).toISOString(), offsetMs, payload });

  /**
   * An ended call (no regulated steps) recorded in these segments, which follow each other
   * with `gapS` seconds between them; the first starts 0.8 s after the call connected.
   */
  async function recordedCall(
    segments: SegmentSpec[],
    gapS = 0.5,
    /** Runs on each segment's file as ffmpeg left it, before it is sealed (and encrypted). */
    beforeSeal: (file: string) => void = () => {},
  ): Promise<{ sessionId: string; files: string[]; offsets: number[] }> {
    const sessionId = randomUUID();
    await repos.sessions.create({ id: sessionId, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date(T0 - 60_000).toISOString() });
    await event(sessionId, 'session.created', T0 - 60_000);
    await event(sessionId, 'consent.given', T0 - 50_000, { consentVersion: 'v1' });
    await repos.sessions.queue(sessionId, new Date(T0 - 10_000).toISOString());
    await repos.sessions.accept(sessionId, { tellerName: 'teller1', videoCodec: segments[0]!.codec, at: new Date(T0 - 500).toISOString() });
    await event(sessionId, 'session.accepted', T0 - 500);
    await event(sessionId, 'call.connected', T0);
    const zero = T0 + 800;
    const files: string[] = [];
    const offsets: number[] = [];
    let at = zero;
    for (const [i, spec] of segments.entries()) {
      const number = i + 1;
      const file = path.join(dir, 'recordings', sessionId, `segment-00${number}.mkv`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      makeSegment(file, spec);
      beforeSeal(file);
      const id = await repos.recordings.start({ sessionId, segment: number, path: file, startedAt: new Date(at - 150).toISOString() });
      await event(sessionId, 'recording.started', at, { segment: number }, at - zero);
      const sealed = await sealRecordingFile(FFPROBE, file);
      await repos.recordings.finish(id, { state: 'sealed', endedAt: new Date(at + spec.seconds * 1000).toISOString(), ...sealed });
      files.push(file);
      offsets.push(at - zero);
      at += spec.seconds * 1000 + gapS * 1000;
    }
    const end = at - gapS * 1000 - 20;
    await repos.sessions.end(sessionId, { reason: 'hung-up', at: new Date(end).toISOString() });
    await event(sessionId, 'session.ended', end, { reason: 'hung-up', by: 'teller' }, end - zero);
    return { sessionId, files, offsets };
  }

  it('makes one WebM per party of a VP8 call, leaves the original untouched, and runs the checks', async () => {
    const { sessionId, files } = await recordedCall([{ codec: 'vp8', seconds: 3 }]);
    const originalHash = await sha256File(files[0]!);

    const report = await service.finalise(sessionId);

    const media = await repos.review.playableMediaFor(sessionId);
    expect(media.map((m) => [m.party, m.segment, m.mimeType])).toEqual([
      ['kiosk', 1, 'video/webm; codecs="vp8, opus"'],
      ['teller', 1, 'video/webm; codecs="vp8, opus"'],
    ]);
    for (const m of media) {
      // Stored encrypted: neither WebM nor anything ffprobe reads, until decrypted.
      expect(fs.readFileSync(m.path).subarray(0, MAGIC.length)).toEqual(MAGIC);
      expect(spawnSync(FFPROBE, ['-v', 'error', m.path]).status).not.toBe(0);
      const probed = probe(await plain(m.path));
      expect(probed.format.format_name).toContain('webm');
      expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(['opus', 'vp8']);
      expect(Number(probed.format.duration)).toBeCloseTo(3, 0);
      expect(m.durationMs! / 1000).toBeCloseTo(3, 0);
      expect(m.sha256).toBe(await sha256File(m.path));
      expect(m.sizeBytes).toBe(fs.statSync(m.path).size);
      expect(fs.statSync(m.path).mode & 0o222).toBe(0);
      expect(m.startOffsetMs).toBeLessThan(20);
    }
    expect(await sha256File(files[0]!)).toBe(originalHash);
    expect(fs.readFileSync(files[0]!).subarray(0, MAGIC.length)).toEqual(MAGIC);
    // Nothing decrypted is left behind.
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);

    // A call without identity or questionnaire: the regulated checks fail, the media ones pass.
    expect(report!.passed).toBe(false);
    expect(Object.fromEntries(report!.checks.map((c) => [c.id, c.passed]))).toEqual({
      'consent-first': true,
      'identity-before-questionnaire': false,
      'answers-at-kiosk': false,
      'level-recomputed': false,
      'recording-coverage': true,
      'media-presence': true,
    });
    expect(await repos.review.finalisationOf(sessionId)).toMatchObject({ state: 'done', qualityPassed: false, error: null });
    expect((await repos.review.qualityChecksFor(sessionId)).map((c) => c.checkId)).toEqual(report!.checks.map((c) => c.id));

    // The playable files are vouched for by the audit trail: one changed byte shows.
    expect((await repos.audit.listForSession(sessionId)).map((e) => e.action)).toEqual(['playback.created', 'playback.created', 'session.finalised']);
    expect(await verifyAuditTrail(repos, { dataDir: dir })).toMatchObject({ ok: true, files: 2 });
    const file = media[1]!.path;
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 100]! ^= 1;
    fs.writeFileSync(file, bytes);
    expect((await verifyAuditTrail(repos, { dataDir: dir })).brokenFiles).toEqual([expect.objectContaining({ path: path.relative(dir, file) })]);
  });

  it('makes MP4 (H264 + Opus) per party per segment, each placed on the timeline at its offset', async () => {
    const { sessionId, offsets } = await recordedCall([{ codec: 'h264', seconds: 3 }, { codec: 'h264', seconds: 2.5, tellerLateS: 1 }], 0.6);

    const report = await service.finalise(sessionId);

    const media = await repos.review.playableMediaFor(sessionId);
    expect(media.map((m) => `${m.segment}:${m.party}:${path.basename(m.path)}`)).toEqual([
      '1:kiosk:segment-001-kiosk.mp4',
      '1:teller:segment-001-teller.mp4',
      '2:kiosk:segment-002-kiosk.mp4',
      '2:teller:segment-002-teller.mp4',
    ]);
    expect(offsets[1]).toBe(3600);
    const byKey = Object.fromEntries(media.map((m) => [`${m.segment}:${m.party}`, m]));
    // Each file starts at its own zero: the teller joined segment 2 a second in.
    expect(byKey['2:kiosk']!.startOffsetMs).toBeGreaterThanOrEqual(3600 - 20);
    expect(byKey['2:kiosk']!.startOffsetMs).toBeLessThanOrEqual(3600 + 20);
    expect(byKey['2:teller']!.startOffsetMs).toBeGreaterThanOrEqual(4600 - 30);
    expect(byKey['2:teller']!.startOffsetMs).toBeLessThanOrEqual(4600 + 30);
    expect(byKey['2:teller']!.durationMs! / 1000).toBeCloseTo(1.5, 0);
    for (const m of media) {
      const probed = probe(await plain(m.path));
      expect(probed.format.format_name).toContain('mp4');
      expect(Math.abs(Number(probed.format.start_time))).toBeLessThan(0.02);
      expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(['h264', 'opus']);
      expect(m.mimeType).toBe('video/mp4; codecs="avc1.42e01f, opus"');
    }
    // The teller's first second of segment 2 is missing, within tolerance; the gap between segments is 0.6 s.
    expect(report!.checks.find((c) => c.id === 'recording-coverage')).toMatchObject({ passed: true, reason: expect.stringContaining('in 2 segments') });
    expect(report!.checks.find((c) => c.id === 'media-presence')).toMatchObject({ passed: true });
  });

  it('leaves damaged video out of the playable copy, up to the next keyframe, and reports it', async () => {
    let damagedAt = 0;
    const { sessionId, files } = await recordedCall([{ codec: 'h264', seconds: 3 }], 0.5, (file) => {
      damagedAt = damageVideoPacket(file, 3, 1.5); // teller video; keyframes every second (-g 20)
    });
    expect(decodeErrors(await plain(files[0]!))).not.toBe('');

    const report = await service.finalise(sessionId);

    const teller = (await repos.review.playableMediaFor(sessionId)).find((m) => m.party === 'teller')!;
    const tellerPlain = await plain(teller.path);
    expect(decodeErrors(tellerPlain)).toBe('');
    const kept = execFileSync(FFPROBE, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', tellerPlain], { encoding: 'utf8' })
      .trim().split('\n').map(Number);
    // From the damaged frame to the keyframe at 2 s, nothing; the rest is all there.
    expect(kept.filter((t) => t >= damagedAt - 0.01 && t < 1.99)).toEqual([]);
    expect(kept.filter((t) => t < damagedAt - 0.01).length).toBeGreaterThan(25);
    expect(kept.filter((t) => t >= 1.99).length).toBeGreaterThan(15);
    expect(report!.checks.find((c) => c.id === 'media-presence')).toEqual({
      id: 'media-presence',
      passed: true,
      reason: expect.stringMatching(/; 1 damaged moment of video \(0\.5 s\) left out of playback\.$/),
    });
  });

  it('finalises a session once; a finalisation cut off half-way is done again from scratch', async () => {
    const { sessionId } = await recordedCall([{ codec: 'vp8', seconds: 2 }]);
    // An attempt that died after writing a file and a row.
    await repos.review.beginFinalisation(sessionId, new Date().toISOString());
    const stray = path.join(dir, 'playback', sessionId, 'segment-001-kiosk.webm');
    fs.mkdirSync(path.dirname(stray), { recursive: true });
    fs.writeFileSync(stray, 'half a file');
    await repos.review.addPlayableMedia({
      sessionId, recordingId: 1, segment: 1, party: 'kiosk', path: stray, mimeType: 'video/webm', startOffsetMs: 0, durationMs: null, sizeBytes: 11, sha256: 'x', createdAt: '',
    });
    expect(await repos.review.listUnfinalised()).toEqual([sessionId]);
    // The session's detail shows nothing of a finalisation that is not done.
    expect(await reviewDetail(repos, sessionId)).toEqual({
      finalisation: expect.objectContaining({ state: 'running', finishedAt: null }),
      playback: [],
      qualityChecks: [],
      qualityPassed: null,
    });

    expect(await service.resumeUnfinalised()).toBe(1);
    await service.idle();

    const media = await repos.review.playableMediaFor(sessionId);
    expect(media).toHaveLength(2);
    expect(media[0]!.sha256).toBe(await sha256File(stray));
    expect(fs.readFileSync(await plain(stray)).subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML
    expect(await repos.review.listUnfinalised()).toEqual([]);
    const done = await repos.review.finalisationOf(sessionId);
    expect(await reviewDetail(repos, sessionId)).toMatchObject({ finalisation: { state: 'done' }, qualityPassed: false, playback: [{ party: 'kiosk' }, { party: 'teller' }] });

    expect(await service.finalise(sessionId)).toBeNull();
    expect(await repos.review.finalisationOf(sessionId)).toEqual(done);
    expect(await repos.review.playableMediaFor(sessionId)).toEqual(media);
  });

  it('gives a session that never reached a teller only the consent check, and no media', async () => {
    const sessionId = randomUUID();
    await repos.sessions.create({ id: sessionId, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date(T0).toISOString() });
    await event(sessionId, 'session.created', T0);
    await event(sessionId, 'consent.declined', T0 + 5000, { consentVersion: 'v1' });
    await repos.sessions.end(sessionId, { reason: 'consent-declined', at: new Date(T0 + 5001).toISOString() });
    await event(sessionId, 'session.ended', T0 + 5001, { reason: 'consent-declined', by: 'kiosk' });

    service.schedule(sessionId);
    await service.idle();

    expect(await repos.review.qualityChecksFor(sessionId)).toEqual([
      expect.objectContaining({ checkId: 'consent-first', passed: true, reason: expect.stringContaining('declined recording') }),
    ]);
    expect(await repos.review.finalisationOf(sessionId)).toMatchObject({ state: 'done', qualityPassed: true });
    expect(await repos.review.playableMediaFor(sessionId)).toEqual([]);
  });

  it('reports an unreadable segment in the media check and still finalises the session', async () => {
    const { sessionId, files } = await recordedCall([{ codec: 'vp8', seconds: 2 }]);
    fs.chmodSync(files[0]!, 0o644);
    fs.writeFileSync(files[0]!, Buffer.alloc(4096, 7));

    const report = await service.finalise(sessionId);

    expect(report!.checks.find((c) => c.id === 'media-presence')).toMatchObject({ passed: false, reason: expect.stringMatching(/^Segment 1 could not be read: /) });
    expect(await repos.review.finalisationOf(sessionId)).toMatchObject({ state: 'done', qualityPassed: false });

    // An encrypted segment changed on disk does not decrypt: reported the same way.
    const changed = await recordedCall([{ codec: 'vp8', seconds: 2 }]);
    fs.chmodSync(changed.files[0]!, 0o644);
    const bytes = fs.readFileSync(changed.files[0]!);
    bytes[bytes.length - 500]! ^= 1;
    fs.writeFileSync(changed.files[0]!, bytes);
    const second = await service.finalise(changed.sessionId);
    expect(second!.checks.find((c) => c.id === 'media-presence')).toMatchObject({ passed: false, reason: expect.stringMatching(/^Segment 1 could not be read: .*does not authenticate/) });
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('marks a finalisation failed when the session has not ended, for the next start to retry', async () => {
    const sessionId = randomUUID();
    await repos.sessions.create({ id: sessionId, kioskName: 'VTM-1', language: 'zh-CN', createdAt: new Date(T0).toISOString() });
    await expect(service.finalise(sessionId)).rejects.toThrow(/has not ended/);
  });
});
