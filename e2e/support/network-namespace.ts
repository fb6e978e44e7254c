/**
 * A network namespace of the test's own, joined to this machine by a veth pair, so that
 * a browser run inside it reaches the server over a link the test can cut for real:
 *
 *   host  ── vtmh<id> 10.200.<n>.1/29 ══ veth ══ vtmn<id> 10.200.<n>.2/29 ──  namespace
 *                     10.200.<n>.3/29 (media)
 *
 * The addresses are a private /29 used only on this machine, between the test and its
 * own namespace. `cut()` takes the namespace's end down (the kiosk's cable is pulled:
 * its browser sees its network go away), `restore()` brings it back. The host's second
 * address is for media (the server announces it for ICE): `cutMedia()` drops what the
 * namespace sends to it and receives from it (blackhole rules), so the browser's media
 * stops both ways while its signaling, on the first address, stays up; `restoreMedia()`
 * lifts that. Needs root (or
 * CAP_NET_ADMIN); `available()` says whether this machine allows it. Names carry the
 * process id and a counter, so runs never collide; `remove()` deletes the namespace and
 * with it both ends of the pair, and `removeStale()` cleans up after killed runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = 'vtme2e';
let counter = 0;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface NetworkNamespace {
  name: string;
  /** The host's address on the link: what the browser inside reaches the server at. */
  hostAddress: string;
  /** The namespace's own address. */
  namespaceAddress: string;
  /** The host's second address on the link, for the server to announce for media. */
  mediaAddress: string;
  /** An executable that runs its arguments inside the namespace (for playwright's executablePath). */
  wrap(executable: string, dir: string): string;
  /** Takes the namespace's end of the link down. */
  cut(): void;
  /** Brings it back up. */
  restore(): void;
  /** Drops what the namespace sends to and receives from `mediaAddress`, nothing else. */
  cutMedia(): void;
  restoreMedia(): void;
  remove(): void;
}

/** Whether this process may create network namespaces (root with ip(8) present). */
export function networkNamespacesAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
}

/** Namespaces and links left by earlier runs whose process is gone. */
export function removeStale(): void {
  const names = ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(PREFIX));
  for (const name of names) {
    const pid = Number(name.slice(PREFIX.length).split('x')[0]);
    if (pid && fs.existsSync(`/proc/${pid}`)) continue;
    spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  }
}

export function createNetworkNamespace(): NetworkNamespace {
  removeStale();
  const id = `${process.pid}x${counter++}`;
  const name = `${PREFIX}${id}`;
  // Interface names are at most 15 characters.
  const short = `${process.pid % 100000}${String.fromCharCode(97 + (counter % 26))}`;
  const hostIf = `vh${short}`;
  const nsIf = `vn${short}`;
  // A /29 per namespace inside 10.200.0.0/16, from the pid and counter.
  const block = ((process.pid * 7 + counter * 13) % 8000) * 8;
  const subnet = `10.200.${Math.floor(block / 256) % 256}`;
  const base = block % 256;
  const hostAddress = `${subnet}.${base + 1}`;
  const namespaceAddress = `${subnet}.${base + 2}`;
  const mediaAddress = `${subnet}.${base + 3}`;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/29`, 'dev', hostIf);
    ip('addr', 'add', `${mediaAddress}/29`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', name, 'addr', 'add', `${namespaceAddress}/29`, 'dev', nsIf);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    ip('-n', name, 'link', 'set', nsIf, 'up');
    // The local table is looked up first (priority 0), before any rule could drop what
    // arrives for the namespace's own address: move it behind room for cutMedia's rules.
    ip('-n', name, 'rule', 'add', 'pref', '100', 'lookup', 'local');
    ip('-n', name, 'rule', 'del', 'pref', '0');
  } catch (error) {
    spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'delete', hostIf], { stdio: 'ignore' });
    throw error;
  }
  let removed = false;
  return {
    name,
    hostAddress,
    namespaceAddress,
    mediaAddress,
    wrap(executable, dir) {
      const script = path.join(dir, `in-${name}.sh`);
      fs.writeFileSync(script, `#!/bin/sh\nexec ip netns exec ${name} ${executable} "$@"\n`, { mode: 0o755 });
      return script;
    },
    cut() {
      ip('-n', name, 'link', 'set', nsIf, 'down');
    },
    restore() {
      ip('-n', name, 'link', 'set', nsIf, 'up');
    },
    cutMedia() {
      // Both ways: the browser's own checks must fail, not only the server's.
      ip('-n', name, 'rule', 'add', 'pref', '10', 'to', mediaAddress, 'blackhole');
      ip('-n', name, 'rule', 'add', 'pref', '11', 'from', mediaAddress, 'blackhole');
    },
    restoreMedia() {
      ip('-n', name, 'rule', 'del', 'pref', '10');
      ip('-n', name, 'rule', 'del', 'pref', '11');
    },
    remove() {
      if (removed) return;
      removed = true;
      // Deleting the namespace deletes its end of the pair, and the pair with it.
      spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
      spawnSync('ip', ['link', 'delete', hostIf], { stdio: 'ignore' });
    },
  };
}
