#!/usr/bin/env node
// Runs the server (SQLite and local files under DATA_DIR) and says where to open the
// kiosk and the console once it answers. Stops cleanly on Ctrl-C / SIGTERM, sealing
// recordings of calls in progress.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnv } from './worker-env.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const scheme = ['1', 'true'].includes(process.env.HTTPS ?? '') ? 'https' : 'http';

const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sfu', 'src', 'main.ts')], {
  cwd: ROOT,
  env: workerEnv(),
  stdio: 'inherit',
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

async function announceWhenReady() {
  const health = `${scheme}://127.0.0.1:${port}/healthz`;
  if (scheme === 'https') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // our own self-signed certificate
  for (let i = 0; i < 300; i++) {
    try {
      const response = await fetch(health);
      if (response.ok) {
        const lan = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
        const hosts = ['localhost', ...(lan ? [lan.address] : [])];
        const lines = hosts.flatMap((host) => [
          `  Kiosk:          ${scheme}://${host}:${port}/kiosk/`,
          `  Teller console: ${scheme}://${host}:${port}/console/`,
        ]);
        process.stdout.write(`\nVTM is running.\n${lines.join('\n')}\n  Health:         ${scheme}://localhost:${port}/healthz\n` +
          (scheme === 'http' && lan ? '  (Browsers allow the camera only on localhost or https: set HTTPS=1 for kiosks on the LAN.)\n' : '') +
          '  Stop with Ctrl-C.\n\n');
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
void announceWhenReady();
