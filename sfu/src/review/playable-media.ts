/**
 * Browser-playable copies of one party's streams from a sealed four-stream Matroska
 * segment, remuxed with `-c copy` (never re-encoded: the pictures and sound are the
 * recorded bytes). The original is only read.
 *
 * Containers, by the video codec the call used (Chromium 156 plays both, checked in the
 * finalisation end-to-end test):
 *  - VP8 + Opus  → WebM, the browsers' native pairing;
 *  - H264 + Opus → MP4. WebM cannot hold H264, and Opus in MP4 is standardised ("Opus in
 *    ISOBMFF"): Chromium plays it with sound (checked in e2e/finalisation.e2e.ts), so the
 *    Opus track is copied, not transcoded to AAC;
 *  - a party with audio only → audio-only WebM.
 * The index goes at the front (MP4 faststart, WebM cues first) so that a browser can seek
 * with one range request.
 *
 * Damaged video frames, which would stop the browser's player, are left out up to the next
 * keyframe (see damaged-frames.ts).
 *
 * Each file starts at its own time zero: ffmpeg shifts the party's first packet to 0
 * (MP4 players treat a later first timestamp inconsistently). `shiftMs` says by how much,
 * so that file time t is segment time t + shiftMs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RecordingStream, Role } from '@vtm/shared';

const run = promisify(execFile);

export interface PartyStreams {
  party: Role;
  audio: RecordingStream | null;
  video: RecordingStream | null;
}

/** The party's tracks of a segment, found by their Matroska titles ("kiosk-audio", …). */
export function partyStreams(streams: RecordingStream[], party: Role): PartyStreams {
  const find = (kind: 'audio' | 'video') => streams.find((s) => s.codecType === kind && s.title === `${party}-${kind}`) ?? null;
  return { party, audio: find('audio'), video: find('video') };
}

export interface Container {
  extension: 'webm' | 'mp4';
  format: 'webm' | 'mp4';
  mimeType: string;
  /** Muxer options that put the index at the front. */
  indexFirst: string[];
}

const WEBM_INDEX_FIRST = ['-cues_to_front', '1'];
const MP4_INDEX_FIRST = ['-movflags', '+faststart'];

/**
 * The container a browser plays these codecs in without re-encoding, or null when there
 * is none (a codec the recorder never produces).
 */
export function containerFor(audioCodec: string | null, videoCodec: string | null): Container | null {
  if (audioCodec !== null && audioCodec !== 'opus') return null;
  const audio = audioCodec ? ', opus' : '';
  if (videoCodec === 'vp8') return { extension: 'webm', format: 'webm', mimeType: `video/webm; codecs="vp8${audio}"`, indexFirst: WEBM_INDEX_FIRST };
  // The router offers H264 only as constrained baseline 3.1 (profile-level-id 42e01f).
  if (videoCodec === 'h264') return { extension: 'mp4', format: 'mp4', mimeType: `video/mp4; codecs="avc1.42e01f${audio}"`, indexFirst: MP4_INDEX_FIRST };
  if (videoCodec === null && audioCodec === 'opus') return { extension: 'webm', format: 'webm', mimeType: 'audio/webm; codecs="opus"', indexFirst: WEBM_INDEX_FIRST };
  return null;
}

/**
 * ffmpeg's arguments to copy these streams of `source` into `target`, first packet at
 * time 0, leaving out the video packets that `dropVideo` (a `noise` filter expression,
 * see damaged-frames.ts) selects.
 */
export function remuxArguments(source: string, streams: PartyStreams, container: Container, target: string, dropVideo: string | null = null): string[] {
  const maps = [streams.audio, streams.video].filter((s): s is RecordingStream => s !== null).flatMap((s) => ['-map', `0:${s.index}`]);
  return [
    '-hide_banner', '-nostdin', '-v', 'error',
    // The source's timestamps as they are: the output is then shifted by exactly the
    // party's first packet time (make_zero below), which is how its offset is computed.
    '-copyts',
    '-i', source,
    ...maps,
    '-c', 'copy',
    ...(dropVideo && streams.video ? ['-bsf:v', `noise=drop=${dropVideo}`] : []),
    // Keep the track titles, drop the segment's global tags (SDP session name and the like).
    '-map_metadata', '-1',
    '-avoid_negative_ts', 'make_zero',
    ...container.indexFirst,
    '-f', container.format,
    '-y', target,
  ];
}

/**
 * Writes the party's playable file next to its final name and renames it into place, so
 * that a file under the final name is always complete.
 */
export async function remuxParty(
  ffmpeg: string,
  source: string,
  streams: PartyStreams,
  container: Container,
  target: string,
  dropVideo: string | null = null,
): Promise<void> {
  const partial = `${target}.partial`;
  try {
    await run(ffmpeg, remuxArguments(source, streams, container, partial, dropVideo), { maxBuffer: 16 * 1024 * 1024 });
    await fs.rename(partial, target);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw error;
  }
}
