/**
 * One continuous piece of a session's recording: a fixed set of producers, each fed
 * through a PlainTransport to one ffmpeg process writing one Matroska stream, encrypted
 * as it arrives into the segment's journal (sealed into the stored file at the end).
 * When the set of producers changes, or ffmpeg dies, the session recorder starts a new
 * segment.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { RtpParameters } from '@vtm/shared';
import type { RoomProducer } from '../call/room.ts';
import type { Logger } from '../logger.ts';
import { createRecordingJournal, dataFolderOf, recordingJournalName, removeStoredFile, storedFileName } from '../storage/stored-file.ts';
import { FfmpegProcess } from './ffmpeg-process.ts';
import { buildRecordingSdp } from './recording-sdp.ts';
import type { UdpPortAllocator } from './udp-ports.ts';

export interface SegmentFiles {
  /** The stored recording (written when the segment is sealed). */
  mkv: string;
  /** Its encrypted journal while ffmpeg records (storage/encryption/recording-journal.ts). */
  journal: string;
  sdp: string;
  log: string;
  /** ffmpeg's pid while it records, so that a restart after a crash can stop an orphan. */
  pid: string;
}

export const ffmpegPidFileOf = (mkvFile: string) => mkvFile.replace(/\.mkv$/, '.ffmpeg.pid');
export const sdpFileOf = (mkvFile: string) => mkvFile.replace(/\.mkv$/, '.sdp');

export function segmentFiles(dir: string, segment: number): SegmentFiles {
  const base = path.join(dir, `segment-${String(segment).padStart(3, '0')}`);
  return { mkv: `${base}.mkv`, journal: recordingJournalName(`${base}.mkv`), sdp: sdpFileOf(`${base}.mkv`), log: `${base}.ffmpeg.log`, pid: ffmpegPidFileOf(`${base}.mkv`) };
}

/** How often, once recording, the recorder asks for a keyframe (a small cost in bitrate). */
const KEYFRAME_INTERVAL_MS = 4000;

interface Feed {
  transport: types.PlainTransport;
  consumer: types.Consumer;
  port: number;
}

export class RecordingSegment {
  readonly number: number;
  readonly files: SegmentFiles;
  /** When packets were let through to ffmpeg: time zero of this segment's file. */
  startedAt: Date | null = null;
  readonly #feeds: Feed[] = [];
  readonly #ports: UdpPortAllocator;
  readonly #logger: Logger | null;
  #ffmpeg: FfmpegProcess | null = null;
  #router: types.Router | null = null;
  #keyframeTimer: NodeJS.Timeout | null = null;

  constructor(init: { number: number; dir: string; ports: UdpPortAllocator; logger?: Logger }) {
    this.number = init.number;
    this.files = segmentFiles(init.dir, init.number);
    this.#ports = init.ports;
    this.#logger = init.logger?.child({ segment: init.number }) ?? null;
  }

  get ffmpeg(): FfmpegProcess | null {
    return this.#ffmpeg;
  }

  /** True when the router feeding this segment is gone (its media worker died). */
  get mediaLost(): boolean {
    return this.#router?.closed ?? false;
  }

  async start(router: types.Router, producers: RoomProducer[], ffmpegPath: string): Promise<void> {
    this.#router = router;
    for (const { producer } of producers) this.#feeds.push(await this.#feed(router, producer));
    const sdp = buildRecordingSdp(
      `vtm-${path.basename(path.dirname(this.files.mkv))}-${this.number}`,
      this.#feeds.map((f) => ({
        kind: f.consumer.kind,
        port: f.port,
        rtpParameters: f.consumer.rtpParameters as RtpParameters,
      })),
    );
    await fs.mkdir(path.dirname(this.files.mkv), { recursive: true });
    await fs.writeFile(this.files.sdp, sdp);
    const dataDir = dataFolderOf(this.files.mkv);
    const journal = await createRecordingJournal(dataDir, storedFileName(dataDir, this.files.mkv), {
      onBacklog: (queuedBytes) => this.#logger?.warn({ queuedBytes }, 'the disk is slower than the recording: encrypted records wait in memory'),
      onError: (error) => this.#logger?.error({ err: error }, 'writing the recording journal failed: the rest of this segment is lost'),
    });
    const ffmpeg = new FfmpegProcess({
      ffmpegPath,
      sdpFile: this.files.sdp,
      output: journal,
      logFile: this.files.log,
      streamTitles: producers.map((p) => `${p.role}-${p.kind}`),
    });
    this.#ffmpeg = ffmpeg;
    await fs.writeFile(this.files.pid, String(ffmpeg.pid ?? ''));
    ffmpeg.once('exit', () => void fs.rm(this.files.pid, { force: true }));
    await ffmpeg.waitUntilListening(this.#feeds.flatMap((f) => [f.port, f.port + 1]));
    for (const feed of this.#feeds) this.#ports.release(feed.port);
    // Resume all tracks together so ffmpeg's RTCP-based sync starts aligned.
    await Promise.all(this.#feeds.map((f) => f.consumer.resume()));
    this.startedAt = new Date();
    this.#requestKeyFramesUntilOpened(ffmpeg);
  }

  /** Asks for a keyframe on every video feed now (a party's media just came back). */
  requestKeyFrames(): void {
    for (const feed of this.#feeds) {
      if (feed.consumer.kind === 'video' && !feed.consumer.closed) void feed.consumer.requestKeyFrame().catch(() => {});
    }
  }

  /** Stops ffmpeg (completing the file) and releases the PlainTransports. */
  async stop(): Promise<void> {
    this.#stopKeyFrames();
    // No packet will come from a dead router: do not wait for one.
    await this.#ffmpeg?.stop(this.mediaLost ? 300 : undefined);
    this.#closeFeeds();
  }

  /** For a segment whose ffmpeg already died: just release the transports. */
  release(): void {
    this.#stopKeyFrames();
    this.#closeFeeds();
  }

  /** Resolves once ffmpeg's output is all in the journal (and the journal closed): then it can be sealed. */
  async outputWritten(): Promise<void> {
    await this.#ffmpeg?.outputWritten();
  }

  /** For a segment that never started: its journal holds no recording worth keeping. */
  async discardOutput(): Promise<void> {
    await this.outputWritten();
    const dataDir = dataFolderOf(this.files.journal);
    await removeStoredFile(dataDir, storedFileName(dataDir, this.files.journal));
  }

  #closeFeeds(): void {
    for (const feed of this.#feeds) {
      feed.transport.close();
      this.#ports.release(feed.port);
    }
  }

  async #feed(router: types.Router, producer: types.Producer): Promise<Feed> {
    const port = await this.#ports.allocatePair();
    const transport = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: false,
    });
    await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
    // Only the codec the producer uses, and no RTX: ffmpeg cannot use retransmissions.
    const codecs = router.rtpCapabilities.codecs!.filter(
      (c) => c.mimeType.toLowerCase() === producer.rtpParameters.codecs[0]!.mimeType.toLowerCase(),
    );
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: { codecs, headerExtensions: [] },
      paused: true,
    });
    return { transport, consumer, port };
  }

  /**
   * The file must start on a keyframe: ask for one every second until ffmpeg has opened
   * its output (its probing can swallow the first). After that, keep asking every few
   * seconds: browsers send keyframes only when asked, and a frame damaged by a lost packet
   * would otherwise spoil the picture until the next one.
   */
  #requestKeyFramesUntilOpened(ffmpeg: FfmpegProcess): void {
    const request = () => {
      for (const feed of this.#feeds) {
        if (feed.consumer.kind === 'video' && !feed.consumer.closed) void feed.consumer.requestKeyFrame().catch(() => {});
      }
    };
    request();
    this.#keyframeTimer = setInterval(request, 1000);
    ffmpeg.once('output-opened', () => {
      request();
      this.#stopKeyFrames();
      this.#keyframeTimer = setInterval(request, KEYFRAME_INTERVAL_MS);
    });
  }

  #stopKeyFrames(): void {
    if (this.#keyframeTimer) clearInterval(this.#keyframeTimer);
    this.#keyframeTimer = null;
  }
}
