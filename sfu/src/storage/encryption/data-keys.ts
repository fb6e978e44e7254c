/**
 * The keys that encrypt personal data at rest (see encrypted-file.ts): AES-256 keys, each
 * known by an id that every encrypted file carries in its header, so that keys can rotate:
 * new files use the current key, older files keep theirs and stay readable as long as
 * their key is listed.
 *
 * Configured as DATA_KEYS (`id:base64,id:base64`, each key 32 random bytes) and
 * DATA_KEY_ID (the current key). The key bytes live in a private field: printing,
 * logging or serialising a keyring never shows them.
 */

import { hkdfSync } from 'node:crypto';

/** Key ids as files carry them: short, printable, safe in a file name or a log line. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const KEY_BYTES = 32;

export class DataKeyError extends Error {
  override name = 'DataKeyError';
}

/** A file (or a request) names a key id that is not configured. */
export class UnknownDataKeyError extends DataKeyError {
  override name = 'UnknownDataKeyError';
  constructor(
    readonly keyId: string,
    file?: string,
  ) {
    super(`${file ? `${file} is encrypted with key id "${keyId}", which` : `key id "${keyId}"`} is not configured: list that key in DATA_KEYS (keys must stay listed while files use them)`);
  }
}

export class DataKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #currentId: string;
  readonly #subkeys = new Map<string, Buffer>();

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }>, currentId: string) {
    const map = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new DataKeyError(`key id "${id.slice(0, 80)}" is not valid (letters, digits, . _ -, at most 64)`);
      if (key.length !== KEY_BYTES) throw new DataKeyError(`key "${id}" must be ${KEY_BYTES} bytes, not ${key.length}`);
      if (map.has(id)) throw new DataKeyError(`key id "${id}" is listed twice`);
      map.set(id, Buffer.from(key));
    }
    if (!map.has(currentId)) throw new DataKeyError(`the current key id "${currentId}" is not one of the listed keys (${[...map.keys()].join(', ') || 'none'})`);
    this.#keys = map;
    this.#currentId = currentId;
  }

  /** The key new files are encrypted with. */
  get currentId(): string {
    return this.#currentId;
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  /** The key with this id; throws UnknownDataKeyError when it is not configured. */
  key(id: string, file?: string): Buffer {
    const key = this.#keys.get(id);
    if (!key) throw new UnknownDataKeyError(id, file);
    return key;
  }

  /**
   * A key for one purpose alone, derived from the key with this id: HKDF-SHA256 with the
   * purpose as info. Sealing database fields and the blind index of a lookup column use
   * different subkeys, so neither use of a key can be turned against the other.
   */
  subkey(id: string, purpose: string): Buffer {
    const cacheKey = `${id}\0${purpose}`;
    let subkey = this.#subkeys.get(cacheKey);
    if (!subkey) {
      subkey = Buffer.from(hkdfSync('sha256', this.key(id), Buffer.alloc(0), Buffer.from(purpose, 'utf8'), KEY_BYTES));
      this.#subkeys.set(cacheKey, subkey);
    }
    return subkey;
  }

  toJSON(): unknown {
    return { currentId: this.#currentId, ids: this.ids };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DataKeyring { current: ${this.#currentId}, ids: [${this.ids.join(', ')}] }`;
  }
}

/**
 * Reads DATA_KEYS and DATA_KEY_ID. Without DATA_KEY_ID, a single listed key is the current
 * one. Messages name the entry at fault, never its key bytes.
 */
export function parseDataKeys(list: string, currentId: string | undefined): DataKeyring {
  const entries = list.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new DataKeyError('DATA_KEYS lists no key');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new DataKeyError(`DATA_KEYS entry ${i + 1} is not "keyId:base64key"`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
      throw new DataKeyError(`DATA_KEYS entry ${i + 1} ("${KEY_ID_PATTERN.test(id) ? id : '?'}"): the key is not base64`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new DataKeyError(`DATA_KEYS entry ${i + 1} ("${KEY_ID_PATTERN.test(id) ? id : '?'}"): the key is ${key.length} bytes, it must be ${KEY_BYTES} (e.g. openssl rand -base64 32)`);
    }
    return { id, key };
  });
  if (currentId === undefined && keys.length > 1) throw new DataKeyError('DATA_KEYS lists several keys: set DATA_KEY_ID to the one new files use');
  return new DataKeyring(keys, currentId ?? keys[0]!.id);
}

/** `id:base64` as DATA_KEYS lists a key. */
export function formatDataKey(id: string, key: Buffer): string {
  return `${id}:${key.toString('base64')}`;
}
