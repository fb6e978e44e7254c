/**
 * One ffmpeg process that receives RTP described by an SDP file and copies it, without
 * re-encoding, into a Matroska file written so that a crash loses at most about a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { EventEmitter } from 'node:events';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundUdpPorts } from './udp-ports.ts';

const FIRST_PACKET_TIMEOUT_S = 10;
const RTP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface FfmpegProcessEvents {
  /** ffmpeg has written its output header: packets are now going into the file. */
  'output-opened': [];
  /** The process ended; `expected` is false when it was not asked to stop. */
  exit: [info: { code: number | null; signal: NodeJS.Signals | null; expected: boolean }];
}

export interface FfmpegRecordingOptions {
  ffmpegPath: string;
  sdpFile: string;
  outputFile: string;
  logFile: string;
  /** Matroska track titles, in SDP order (e.g. "kiosk-audio"). */
  streamTitles: string[];
}

export class FfmpegProcess extends EventEmitter<FfmpegProcessEvents> {
  readonly #child: ChildProcess;
  #outputOpened = false;
  #stopping = false;
  readonly #exited: Promise<void>;

  constructor(options: FfmpegRecordingOptions) {
    super();
    const titles = options.streamTitles.flatMap((title, i) => [`-metadata:s:${i}`, `title=${title}`]);
    this.#child = spawn(
      options.ffmpegPath,
      [
        '-hide_banner',
        '-nostats',
        '-loglevel', 'info',
        '-protocol_whitelist', 'file,udp,rtp',
        // How long to wait for the first packet before giving up on the segment.
        '-listen_timeout', String(FIRST_PACKET_TIMEOUT_S),
        // A keyframe arrives as a burst of packets; a small socket buffer drops some of them
        // and the recording shows corrupted macroblocks. (Capped by net.core.rmem_max.)
        '-buffer_size', String(RTP_RECEIVE_BUFFER_BYTES),
        '-i', options.sdpFile,
        '-map', '0',
        '-c', 'copy',
        ...titles,
        // Small clusters flushed at once: a killed process leaves a file playable to
        // within about a second of the kill.
        '-flush_packets', '1',
        '-cluster_time_limit', '1000',
        '-f', 'matroska',
        '-y', options.outputFile,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const lines = readline.createInterface({ input: this.#child.stderr! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (!this.#outputOpened && line.startsWith('Output #0')) {
        this.#outputOpened = true;
        this.emit('output-opened');
      }
    });
    this.#child.stdin!.on('error', () => {}); // ffmpeg may exit before reading 'q'
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        lines.close();
        log.end();
        this.emit('exit', { code, signal, expected: this.#stopping });
        resolve();
      });
      this.#child.once('error', () => resolve());
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get outputOpened(): boolean {
    return this.#outputOpened;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Resolves when ffmpeg listens on all these ports (RTP and RTCP). */
  async waitUntilListening(ports: number[], timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running) {
      const bound = await boundUdpPorts();
      if (ports.every((p) => bound.has(p))) return;
      if (Date.now() > deadline) throw new Error('ffmpeg did not open its RTP ports in time');
      await sleep(20);
    }
    throw new Error('ffmpeg exited before listening');
  }

  /**
   * Makes ffmpeg finish the file and exit. ffmpeg notices 'q' or a SIGINT only between
   * packets, so stop it while the call still sends (a second SIGINT would abort the
   * file's final write, so it is never sent). If nothing arrives any more, it is killed
   * after a grace period: the file, flushed packet by packet, stays playable to the end,
   * only its header lacks the duration.
   */
  async stop(graceMs = 3000): Promise<void> {
    this.#stopping = true;
    if (!this.running) return this.#exited;
    this.#child.stdin!.end('q');
    this.#child.kill('SIGINT');
    const exited = await Promise.race([this.#exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#child.kill(signal);
  }
}
