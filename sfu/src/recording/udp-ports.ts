import dgram from 'node:dgram';
import fs from 'node:fs/promises';

async function canBind(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * An even RTP port whose odd neighbour (RTCP) is free too, for ffmpeg to listen on.
 * Ports handed out and not yet bound by ffmpeg are remembered so that two recorders
 * starting at once do not pick the same pair.
 */
export class UdpPortAllocator {
  readonly #min: number;
  readonly #max: number;
  readonly #reserved = new Set<number>();

  constructor(min: number, max: number) {
    this.#min = min + (min % 2);
    this.#max = max;
  }

  async allocatePair(): Promise<number> {
    const pairs = Math.floor((this.#max - this.#min) / 2);
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = this.#min + 2 * Math.floor(Math.random() * pairs);
      if (this.#reserved.has(port)) continue;
      if ((await canBind(port)) && (await canBind(port + 1))) {
        this.#reserved.add(port);
        return port;
      }
    }
    throw new Error(`no free UDP port pair between ${this.#min} and ${this.#max}`);
  }

  release(port: number): void {
    this.#reserved.delete(port);
  }
}

/** The UDP ports some process on this machine is bound to, read from /proc/net/udp. */
export async function boundUdpPorts(): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      const hexPort = local?.split(':').pop();
      if (hexPort) ports.add(Number.parseInt(hexPort, 16));
    }
  }
  return ports;
}
