/** `npm run audit:verify` against a real data folder: its output and exit codes. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteRepositories } from '../storage/sqlite/index.ts';
import { SYSTEM_ACTOR } from './audit-entry.ts';
import { AuditLog } from './audit-log.ts';
import { EXIT_BROKEN, EXIT_INTACT, EXIT_UNABLE, runAuditVerifyCommand } from './audit-verify-command.ts';

describe('npm run audit:verify', () => {
  let dataDir: string;
  let recording: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-audit-cli-'));
    recording = path.join(dataDir, 'recordings', 's1', 'segment-001.mkv');
    fs.mkdirSync(path.dirname(recording), { recursive: true });
    fs.writeFileSync(recording, 'the whole call');
    const repos = createSqliteRepositories(path.join(dataDir, 'vtm.sqlite'));
    const sha256 = createHash('sha256').update('the whole call').digest('hex');
    await new AuditLog({ repo: repos.audit, dataDir }).record({
      actor: SYSTEM_ACTOR,
      action: 'recording.sealed',
      sessionId: 's1',
      subject: 'recording:1',
      file: { path: recording, sha256 },
    });
    await repos.close();
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function run(args: string[], dir = dataDir) {
    let out = '';
    let err = '';
    const code = await runAuditVerifyCommand(args, { DATA_DIR: dir }, { write: (t: string) => (out += t) }, { write: (t: string) => (err += t) });
    return { code, out, err };
  }

  it('exits 0 for an intact trail, and records the run', async () => {
    const first = await run([]);
    expect(first.code).toBe(EXIT_INTACT);
    expect(first.out).toMatch(/INTACT\n {2}1 entries, 1 files checked/);
    const second = await run(['--json']);
    expect(JSON.parse(second.out)).toMatchObject({ ok: true, entries: 2, files: 1, brokenFiles: [] });
  });

  it('exits 1 and names the file when one byte of a recording changed', async () => {
    const bytes = fs.readFileSync(recording);
    bytes[0] = bytes[0]! ^ 0x80;
    fs.chmodSync(recording, 0o644);
    fs.writeFileSync(recording, bytes);
    const { code, out } = await run([]);
    expect(code).toBe(EXIT_BROKEN);
    expect(out).toMatch(/BROKEN/);
    expect(out).toMatch(/file recordings\/s1\/segment-001\.mkv: changed/);
  });

  it('exits 2 rather than verify an empty database where there is none', async () => {
    const elsewhere = path.join(dataDir, 'not-the-data-folder');
    const { code, err } = await run([], elsewhere);
    expect(code).toBe(EXIT_UNABLE);
    expect(err).toMatch(/no database at/);
    expect(fs.existsSync(path.join(elsewhere, 'vtm.sqlite'))).toBe(false);
  });
});
