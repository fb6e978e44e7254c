// The environment that points mediasoup at the worker binary setup.mjs provided.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function workerEnv(env = process.env) {
  if (env.MEDIASOUP_WORKER_BIN) return env;
  const marker = path.join(ROOT, 'node_modules', '.vtm-mediasoup-worker');
  const bin = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
  return bin ? { ...env, MEDIASOUP_WORKER_BIN: bin } : env;
}
