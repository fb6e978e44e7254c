/** Data keys from configuration, the development key, and the start refused for keys files need. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { DataKeyring, formatDataKey, parseDataKeys } from './data-keys.ts';
import { encryptBuffer } from './encrypted-file.ts';
import { DEVELOPMENT_KEY_FILE, KEY_IDS_IN_USE_FILE, setUpDataKeys } from './key-setup.ts';
import { RecordingJournalWriter } from './recording-journal.ts';

const key = () => randomBytes(32);
const logger = createLogger('silent');

describe('DATA_KEYS and DATA_KEY_ID', () => {
  it('reads keys and the current one, and never shows key bytes', () => {
    const a = key();
    const b = key();
    const keys = loadConfig({ DATA_KEYS: `${formatDataKey('k1', a)}, ${formatDataKey('k2', b)}`, DATA_KEY_ID: 'k2' }).dataKeys!;
    expect(keys.currentId).toBe('k2');
    expect(keys.ids).toEqual(['k1', 'k2']);
    expect(keys.key('k1')).toEqual(a);
    for (const shown of [JSON.stringify(keys), String(keys), util.inspect(keys, { depth: 5, showHidden: true })]) {
      expect(shown).not.toContain(a.toString('base64'));
      expect(shown).not.toContain(a.toString('hex'));
    }
    // One key needs no DATA_KEY_ID.
    expect(parseDataKeys(formatDataKey('only', a), undefined).currentId).toBe('only');
    expect(loadConfig({}).dataKeys).toBeNull();
  });

  it('stops with a clear message on a malformed key or a current id that is not listed, without echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ DATA_KEYS: `k1:${short}` }, /DATA_KEYS entry 1 \("k1"\): the key is 16 bytes, it must be 32/],
      [{ DATA_KEYS: 'k1:not base64!' }, /DATA_KEYS entry 1 \("k1"\): the key is not base64/],
      [{ DATA_KEYS: key().toString('base64') }, /DATA_KEYS entry 1 is not "keyId:base64key"/],
      [{ DATA_KEYS: `${formatDataKey('k1', key())},${formatDataKey('k2', key())}` }, /set DATA_KEY_ID/],
      [{ DATA_KEYS: formatDataKey('k1', key()), DATA_KEY_ID: 'k9' }, /the current key id "k9" is not one of the listed keys \(k1\)/],
      [{ DATA_KEYS: `${formatDataKey('k1', key())},${formatDataKey('k1', key())}`, DATA_KEY_ID: 'k1' }, /"k1" is listed twice/],
      [{ DATA_KEYS: formatDataKey('bad id', key()) }, /key id "bad id" is not valid/],
      [{ DATA_KEY_ID: 'k1' }, /DATA_KEY_ID names a key of DATA_KEYS, which is not set/],
    ];
    for (const [env, message] of cases) {
      const error = (() => {
        try {
          loadConfig(env);
        } catch (e) {
          return e as Error;
        }
        return null;
      })();
      expect(error?.message).toMatch(/^Invalid configuration/);
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(short);
    }
  });
});

describe('setUpDataKeys', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-keys-')), 'data');
  });
  afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  const storeEncrypted = (keys: DataKeyring, relative: string) => {
    const file = path.join(dataDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, encryptBuffer(keys, relative, Buffer.from('an ID image')));
  };

  it('generates a development key once, private, and keeps using it', async () => {
    const lines: string[] = [];
    const capturing = createLogger('warn', { write: (line: string) => lines.push(line) } as never);
    const first = await setUpDataKeys({ dataDir, configured: null, logger: capturing });
    const file = path.join(dataDir, DEVELOPMENT_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(first.currentId).toMatch(/^local-[0-9a-f]{8}$/);
    const again = await setUpDataKeys({ dataDir, configured: null, logger });
    expect(again.currentId).toBe(first.currentId);
    expect(again.key(first.currentId)).toEqual(first.key(first.currentId));
    expect(fs.readFileSync(path.join(dataDir, KEY_IDS_IN_USE_FILE), 'utf8')).toContain(first.currentId);
    // A loud warning, without the key.
    const text = lines.join('');
    expect(text).toContain('Production must set DATA_KEYS and DATA_KEY_ID');
    expect(text).not.toContain(first.key(first.currentId).toString('base64'));
  });

  it('refuses to start when files need a key that is not configured, and says which file and key', async () => {
    const a = new DataKeyring([{ id: 'a', key: key() }], 'a');
    await setUpDataKeys({ dataDir, configured: a, logger });
    storeEncrypted(a, 'evidence/s1/id-front-001.png');
    const b = new DataKeyring([{ id: 'b', key: key() }], 'b');
    await expect(setUpDataKeys({ dataDir, configured: b, logger })).rejects.toThrow(
      `${path.join(dataDir, 'evidence/s1/id-front-001.png')} and maybe other files are encrypted with key id "a", which DATA_KEYS does not list: add the missing keys to DATA_KEYS`,
    );
    // With both listed, B current: starts, and notes both as in use.
    const rotated = new DataKeyring([{ id: 'a', key: a.key('a') }, { id: 'b', key: b.key('b') }], 'b');
    await setUpDataKeys({ dataDir, configured: rotated, logger });
    expect(fs.readFileSync(path.join(dataDir, KEY_IDS_IN_USE_FILE), 'utf8').split('\n').filter((l) => /^[ab]$/.test(l))).toEqual(['a', 'b']);
    // Once no file uses A (retention removed it), A may go.
    fs.rmSync(path.join(dataDir, 'evidence'), { recursive: true });
    await setUpDataKeys({ dataDir, configured: b, logger });
    expect(fs.readFileSync(path.join(dataDir, KEY_IDS_IN_USE_FILE), 'utf8')).not.toMatch(/^a$/m);
  });

  it('finds the keys in use by scanning when the list is missing (a data folder from a backup)', async () => {
    const a = new DataKeyring([{ id: 'a', key: key() }], 'a');
    storeEncrypted(a, 'recordings/s1/segment-001.mkv');
    fs.mkdirSync(path.join(dataDir, 'evidence', 's1'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'evidence', 's1', 'still-001.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47])); // plaintext from before encryption
    await expect(setUpDataKeys({ dataDir, configured: new DataKeyring([{ id: 'b', key: key() }], 'b'), logger })).rejects.toThrow(/segment-001\.mkv and maybe other files are encrypted with key id "a"/);
    // The development key is named as such.
    const development = await setUpDataKeys({ dataDir: path.join(dataDir, '..', 'dev'), configured: null, logger });
    const devDir = path.join(dataDir, '..', 'dev');
    fs.mkdirSync(path.join(devDir, 'playback', 's1'), { recursive: true });
    fs.writeFileSync(path.join(devDir, 'playback', 's1', 'segment-001-kiosk.webm'), encryptBuffer(development, 'playback/s1/segment-001-kiosk.webm', Buffer.from('webm')));
    await expect(setUpDataKeys({ dataDir: devDir, configured: a, logger })).rejects.toThrow(/\(it is the development key in .*keys\/data-keys\)/);
  });

  it('counts the key of a recording journal a crash left (it is sealed at start)', async () => {
    const a = new DataKeyring([{ id: 'a', key: key() }], 'a');
    await setUpDataKeys({ dataDir, configured: a, logger });
    const journal = path.join(dataDir, 'recordings/s1/segment-001.mkv.journal');
    fs.mkdirSync(path.dirname(journal), { recursive: true });
    const writer = await RecordingJournalWriter.create(a, 'recordings/s1/segment-001.mkv.journal', journal);
    writer.write(Buffer.from('matroska'));
    await writer.end();
    await expect(setUpDataKeys({ dataDir, configured: new DataKeyring([{ id: 'b', key: key() }], 'b'), logger })).rejects.toThrow(/segment-001\.mkv\.journal and maybe other files are encrypted with key id "a"/);
  });
});
