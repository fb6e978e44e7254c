/**
 * One ffmpeg process that receives RTP described by an SDP file and copies it, without
 * re-encoding, into Matroska written so that a crash loses at most about a second.
 * ffmpeg writes to its stdout, never to a file: the bytes go to an output (the encrypted
 * recording journal) as they arrive, so no plaintext media is written while recording
 * (sealing and finalisation later read a private, short-lived decrypted copy).
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

/** Where ffmpeg's Matroska goes. `write` must not wait: a blocked pipe makes ffmpeg drop packets. */
export interface RecordingOutput {
  write(data: Buffer): void;
  /** Called once ffmpeg's stdout has ended (it exited, or was killed): takes what is left. */
  end(): Promise<unknown>;
}

export interface FfmpegRecordingOptions {
  ffmpegPath: string;
  sdpFile: string;
  output: RecordingOutput;
  logFile: string;
  /** Matroska track titles, in SDP order (e.g. "kiosk-audio"). */
  streamTitles: string[];
}

export class FfmpegProcess extends EventEmitter<FfmpegProcessEvents> {
  readonly #child: ChildProcess;
  #outputOpened = false;
  #stopping = false;
  readonly #exited: Promise<void>;
  readonly #outputEnded: Promise<void>;

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
        // Small clusters flushed at once: a killed process leaves a stream playable to
        // within about a second of the kill. On a pipe the muxer writes neither cues nor
        // duration (nothing to seek back to); readers take the duration from the packets.
        '-flush_packets', '1',
        '-cluster_time_limit', '1000',
        '-f', 'matroska',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const stdout = this.#child.stdout!;
    // Read as fast as it comes (never paused): the output buffers if its disk is slow.
    stdout.on('data', (data: Buffer) => options.output.write(data));
    this.#outputEnded = new Promise<void>((resolve) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        // A failure to close is the output's to report; the segment seals what reached it.
        options.output.end().then(() => resolve(), () => resolve());
      };
      stdout.once('end', end);
      stdout.once('close', end);
      stdout.once('error', end);
    });
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
      this.#child.once('error', () => {
        this.#child.stdout!.destroy();
        resolve();
      });
    });
  }

  /** Resolves once ffmpeg's stdout has ended and the output has taken its last bytes. */
  outputWritten(): Promise<void> {
    return this.#outputEnded;
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
   * after a grace period: the stream, flushed packet by packet, stays playable to the end.
   * Resolves once the output has taken the last of ffmpeg's stdout.
   */
  async stop(graceMs = 3000): Promise<void> {
    this.#stopping = true;
    if (!this.running) {
      await this.#exited;
      return this.#outputEnded;
    }
    this.#child.stdin!.end('q');
    this.#child.kill('SIGINT');
    const exited = await Promise.race([this.#exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) this.#child.kill('SIGKILL');
    await this.#exited;
    await this.#outputEnded;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#child.kill(signal);
  }
}
