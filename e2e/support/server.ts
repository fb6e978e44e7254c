/**
 * Starts the real server (the same entry point as `npm start`) as a child process with
 * its own data folder and ports, and waits until it is healthy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { HealthReport } from '@vtm/shared';
import { repoRoot } from './artifacts.ts';

/** The seed users' password in end-to-end tests (test data, not a secret). */
export const TEST_PASSWORD = 'e2e-only-password';

export interface TestServer {
  url: string;
  wsUrl: string;
  dataDir: string;
  process: ChildProcess;
  /** Sends SIGTERM and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  health(): Promise<HealthReport>;
}

/** Health of a server whose certificate is its own self-signed one (this probe only). */
function healthOverSelfSignedTls(url: string): Promise<HealthReport> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text) as HealthReport));
      })
      .on('error', reject);
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function workerBin(): string | undefined {
  if (process.env['MEDIASOUP_WORKER_BIN']) return process.env['MEDIASOUP_WORKER_BIN'];
  const marker = path.join(repoRoot, 'node_modules', '.vtm-mediasoup-worker');
  return fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : undefined;
}

export async function startServer(
  dir: string,
  env: Record<string, string> = {},
  options: { scheme?: 'http' | 'https' } = {},
): Promise<TestServer> {
  const scheme = options.scheme ?? 'http';
  const port = await freePort();
  const dataDir = path.join(dir, 'data');
  const logFile = fs.createWriteStream(path.join(dir, 'server.log'), { flags: 'a' });
  const bin = workerBin();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'sfu', 'src', 'main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...(bin ? { MEDIASOUP_WORKER_BIN: bin } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ANNOUNCED_IP: '127.0.0.1',
      MEDIASOUP_WORKERS: '1',
      SEED_PASSWORD: TEST_PASSWORD,
      LOG_LEVEL: 'debug',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(logFile);
  child.stderr!.pipe(logFile);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `${scheme}://127.0.0.1:${port}`;
  const server: TestServer = {
    url,
    wsUrl: `${scheme === 'https' ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
    dataDir,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async health() {
      return scheme === 'https' ? healthOverSelfSignedTls(`${url}/healthz`) : ((await (await fetch(`${url}/healthz`)).json()) as HealthReport);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${dir}/server.log`);
    try {
      const health = await server.health();
      if (health.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy; see ${dir}/server.log`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
