import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A fresh folder under e2e/artifacts (git-ignored) kept after the run for inspection. */
export function artifactDir(name: string): string {
  const dir = path.join(ROOT, 'e2e', 'artifacts', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export const repoRoot = ROOT;
