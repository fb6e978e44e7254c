/**
 * Personal data in database rows, encrypted at rest like the files (encrypted-file.ts)
 * under the same DATA_KEYS, with AES-256-GCM:
 *
 *   sealed  version byte (1) ‖ nonce (12 random bytes) ‖ ciphertext ‖ GCM tag (16 bytes)
 *
 * The key is not the data key itself but a subkey for sealing this table's rows
 * (DataKeyring.subkey, HKDF). The additional data names the table, the row and the key
 * id, so a sealed value copied into another row (or another table, or relabelled with
 * another key id) does not open. The key id is stored beside the value, in plain, so
 * keys can rotate: a value opens under the key it names while that key stays listed.
 *
 * A random 96-bit nonce per value is safe while one subkey seals fewer than 2^32 values
 * (NIST SP 800-38D): rows of customers, not chunks of recordings.
 *
 * A blind index finds rows by a value without storing it: HMAC-SHA256 under another
 * subkey of the value, normalised. Equal values give equal indexes (that is the point),
 * so the index shows which rows share a value, never the value itself.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DataKeyring } from './data-keys.ts';
import { NONCE_BYTES, TAG_BYTES } from './encrypted-file.ts';

const VERSION = 1;

/** Which row a sealed value belongs to: bound into its authentication. */
export interface SealedRow {
  table: string;
  rowId: string;
}

export interface SealedValue {
  keyId: string;
  sealed: Buffer;
}

/** A sealed value that does not open: changed, copied from another row, or under another key. */
export class SealedFieldsError extends Error {
  override name = 'SealedFieldsError';
}

const sealingPurpose = (table: string) => `VTM sealed fields v1 ${table}`;

function additionalData(row: SealedRow, keyId: string): Buffer {
  // NUL-separated: ids and table names hold no NUL, so no two rows give the same bytes.
  return Buffer.from(`VTM sealed fields v1\0${row.table}\0${row.rowId}\0${keyId}`, 'utf8');
}

/** Seals `value` (as JSON) for this row under the keyring's current key. */
export function sealFields(keys: DataKeyring, row: SealedRow, value: unknown): SealedValue {
  const keyId = keys.currentId;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.subkey(keyId, sealingPurpose(row.table)), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(row, keyId));
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  const sealed = Buffer.concat([Buffer.of(VERSION), nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { keyId, sealed };
}

/**
 * The value sealed for this row. Throws SealedFieldsError when it does not authenticate,
 * UnknownDataKeyError when its key is not configured.
 */
export function openSealedFields(keys: DataKeyring, row: SealedRow, { keyId, sealed }: SealedValue): unknown {
  const where = `${row.table} row "${row.rowId}"`;
  const subkey = keys.subkey(keyId, sealingPurpose(row.table));
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new SealedFieldsError(`${where}: the sealed personal data is not in a known format (damaged?)`);
  }
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', subkey, sealed.subarray(1, 1 + NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(row, keyId));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealedFieldsError(
      `${where}: the sealed personal data does not authenticate under key "${keyId}": it was changed, copied from another row, or the key under that id is not the one it was sealed with`,
    );
  }
  return JSON.parse(plaintext.toString('utf8')) as unknown;
}

const blindIndexPurpose = (purpose: string) => `VTM blind index v1 ${purpose}`;

/** The blind index of a normalised value under the key with this id. */
export function blindIndex(keys: DataKeyring, keyId: string, purpose: string, normalised: string): Buffer {
  return createHmac('sha256', keys.subkey(keyId, blindIndexPurpose(purpose))).update(normalised, 'utf8').digest();
}

/**
 * The value's blind index under every key of the ring: a row keeps the index of the key
 * it was sealed with until re-sealed under the current one (data:encrypt), so a lookup
 * asks for any of them.
 */
export function blindIndexesUnderEveryKey(keys: DataKeyring, purpose: string, normalised: string): Buffer[] {
  return keys.ids.map((keyId) => blindIndex(keys, keyId, purpose, normalised));
}
