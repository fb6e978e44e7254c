#!/usr/bin/env node
// `npm test`: typecheck, unit tests, then end-to-end tests against the real server,
// mediasoup worker, ffmpeg and Chromium. Prints "N passed, N failed" at the end.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnv } from './worker-env.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(ROOT, 'e2e', 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });
const env = workerEnv();

function step(title, command, args) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  process.stdout.write(`=== ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result.status === 0;
}

const started = Date.now();
const typecheck = step('typecheck', 'npm', ['run', 'typecheck', '--silent']);
const reportFile = path.join(artifacts, 'vitest-report.json');
const vitestArgs = process.argv.slice(2);
const tests = step('unit and end-to-end tests', 'npx', [
  'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...vitestArgs,
]);

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numTotalTestSuites > 0 && report.success === false && report.numFailedTests === 0 ? 1 : 0);
} catch {
  failed += 1;
}
if (!typecheck) failed += 1;
process.stdout.write(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)} s; artifacts in e2e/artifacts/\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(typecheck && tests && failed === 0 ? 0 : 1);
