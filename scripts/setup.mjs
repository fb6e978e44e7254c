#!/usr/bin/env node
// Everything `npm start` and `npm test` need, installed on a fresh machine of this kind
// (Debian 12, Node 20, npm 11) with nothing run first, and skipped quickly when done:
//
//   1. Debian packages (ffmpeg, the mediasoup worker's libraries, Chromium for tests),
//      with apt-get when running as root; otherwise the exact apt-get line to run.
//   2. npm packages from the lock file with `npm ci --ignore-scripts`, then the install
//      scripts this project approves (package.json "allowScripts"), run explicitly:
//      npm 11 asks before running install scripts, and mediasoup's would try to
//      download a worker from the internet. Skipped while the lock file is unchanged.
//   3. The mediasoup worker: cached, prebuilt, or built offline (scripts/mediasoup-worker.mjs).
//   4. The kiosk and console bundles (vite build).
//
// Only Node built-ins here: node_modules may not exist yet.
//
// Usage: node scripts/setup.mjs [--for=start|test|bench]

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const purpose = (process.argv.find((a) => a.startsWith('--for=')) ?? '--for=start').slice('--for='.length);

const DEBIAN_PACKAGES = {
  // Recording and probing; the CJK font for receipts (PDF).
  runtime: ['ffmpeg', 'fonts-noto-cjk'],
  // Building (and running) the mediasoup worker against Debian's libraries.
  worker: [
    'g++', 'make', 'pkg-config', 'libssl-dev', 'libuv1-dev', 'libsrtp2-dev', 'libusrsctp-dev',
    'libabsl-dev', 'libflatbuffers-dev', 'flatbuffers-compiler',
  ],
  // End-to-end tests: the browser, fonts for the Chinese UI and the synthetic ID documents
  // (OCR-B for passport MRZ lines), and the compose file check.
  test: ['chromium', 'fonts-ocr-b', 'docker-compose', 'poppler-utils'],
  // Benchmarks: Debian's native tesseract as the OCR baseline.
  bench: ['tesseract-ocr', 'tesseract-ocr-chi-sim', 'tesseract-ocr-eng'],
};

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[setup] ${message}\n\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
}

function missingDebianPackages(packages) {
  return packages.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const wanted = [
    ...DEBIAN_PACKAGES.runtime,
    ...DEBIAN_PACKAGES.worker,
    ...(purpose === 'test' || purpose === 'bench' ? DEBIAN_PACKAGES.test : []),
    ...(purpose === 'bench' ? DEBIAN_PACKAGES.bench : []),
  ];
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    log('not a Debian system: make sure ffmpeg and the mediasoup build libraries are installed');
    return;
  }
  const missing = missingDebianPackages(wanted);
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) fail(`Missing Debian packages. Run as root:\n\n    apt-get update && ${line}\n`);
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', line.split(' ').slice(1), { env });
}

function lockHash() {
  const hash = createHash('sha256');
  for (const file of ['package-lock.json', 'package.json']) hash.update(fs.readFileSync(path.join(ROOT, file)));
  hash.update(process.version);
  return hash.digest('hex');
}

function ensureNpmPackages() {
  const stamp = path.join(ROOT, 'node_modules', '.vtm-install-stamp');
  const wanted = lockHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return;
  log('installing npm packages from package-lock.json (install scripts off)');
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  const approved = Object.entries(readJson('package.json').allowScripts ?? {})
    .filter(([, allowed]) => allowed === true)
    .map(([name]) => name)
    .filter((name) => fs.existsSync(path.join(ROOT, 'node_modules', name)));
  if (approved.length) {
    log(`running the approved install scripts: ${approved.join(', ')}`);
    run('npm', ['rebuild', ...approved]);
  }
  fs.writeFileSync(stamp, wanted);
}

async function ensureWorker() {
  const { ensureMediasoupWorker } = await import('./mediasoup-worker.mjs');
  try {
    const bin = await ensureMediasoupWorker({ log: (m) => log(`mediasoup: ${m}`) });
    fs.writeFileSync(path.join(ROOT, 'node_modules', '.vtm-mediasoup-worker'), bin);
  } catch (error) {
    fail(`the mediasoup worker is not available: ${error instanceof Error ? error.message : error}`);
  }
}

function buildUis() {
  log('building the kiosk and the teller console');
  run('npm', ['run', 'build', '--silent']);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
}

const started = Date.now();
checkNode();
ensureDebianPackages();
ensureNpmPackages();
await ensureWorker();
buildUis();
log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
