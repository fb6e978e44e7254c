#!/usr/bin/env node
// `npm run bench`: every benchmark in bench/, one after another (never part of npm test).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnv } from './worker-env.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];
const benches = fs.readdirSync(path.join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)));
let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n=== ${bench}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', bench)], { cwd: ROOT, stdio: 'inherit', env: workerEnv() });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
