/**
 * How customer_identities keeps personal data (migration 12): sealed with the data keys
 * (storage/encryption/sealed-fields.ts), the document number also as a blind index for
 * finding a returning customer. Rows from before encryption keep their plaintext columns
 * until `npm run data:encrypt` seals them; reading takes either.
 *
 * Blind index and key rotation: each row's index is computed under the key it is sealed
 * with (its key_id), and a lookup computes the number's index under every key of the
 * ring and asks for any of them (`IN (...)`, a few keys at most). No separate,
 * never-rotating index key to manage; a row found under an old key moves to the current
 * one when data:encrypt re-seals it, and old keys must stay listed until then anyway to
 * decrypt the rows.
 */
import { DataKeyError, type DataKeyring } from '../encryption/data-keys.ts';
import { blindIndex, blindIndexesUnderEveryKey, openSealedFields, sealFields } from '../encryption/sealed-fields.ts';
import type { SqliteDatabase } from '../database.ts';
import type { CustomerIdentityRecord } from '../repositories.ts';

export const IDENTITY_TABLE = 'customer_identities';
const DOCUMENT_NUMBER_INDEX = 'customer_identities.document_number';

/** What of an identity is personal data: sealed together in personal_data. */
export type PersonalIdentityFields = Omit<CustomerIdentityRecord, 'sessionId' | 'documentKind' | 'capturedAt'>;

/** The columns that hold a row's personal data, sealed or (before data:encrypt) plaintext. */
export interface StoredPersonalColumns {
  session_id: string;
  key_id: string | null;
  personal_data: Buffer | null;
  document_number: string | null;
  name: string | null;
  birth_date: string | null;
  sex: string | null;
  document: string | null;
  ocr: string | null;
  customer_corrections: string | null;
  automatic_corrections: string | null;
  checks: string | null;
}

export const PERSONAL_COLUMN_NAMES = [
  'session_id', 'key_id', 'personal_data',
  'document_number', 'name', 'birth_date', 'sex', 'document', 'ocr', 'customer_corrections', 'automatic_corrections', 'checks',
] as const satisfies ReadonlyArray<keyof StoredPersonalColumns>;
export const PERSONAL_COLUMNS = PERSONAL_COLUMN_NAMES.join(', ');

export interface SealedIdentityColumns {
  key_id: string;
  personal_data: Buffer;
  document_number_index: Buffer;
}

/** The same number however it was typed or read: no spaces, full-width forms folded, upper case (the X of a resident ID). */
export function normaliseDocumentNumber(documentNumber: string): string {
  return documentNumber.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

export class CustomerIdentityCipher {
  readonly #keys: DataKeyring | null;

  /** Without keys, only rows from before encryption can be read (a command that needs no more). */
  constructor(keys: DataKeyring | null) {
    this.#keys = keys;
  }

  get #ring(): DataKeyring {
    if (!this.#keys) throw new DataKeyError('no data keys were given to the database: customer identities are never stored or read unencrypted');
    return this.#keys;
  }

  get hasKeys(): boolean {
    return this.#keys !== null;
  }

  get currentKeyId(): string {
    return this.#ring.currentId;
  }

  seal(sessionId: string, fields: PersonalIdentityFields): SealedIdentityColumns {
    const keys = this.#ring;
    const { keyId, sealed } = sealFields(keys, { table: IDENTITY_TABLE, rowId: sessionId }, fields);
    return {
      key_id: keyId,
      personal_data: sealed,
      document_number_index: blindIndex(keys, keyId, DOCUMENT_NUMBER_INDEX, normaliseDocumentNumber(fields.documentNumber)),
    };
  }

  /** The personal fields of a row, sealed or plaintext. */
  open(row: StoredPersonalColumns): PersonalIdentityFields {
    if (row.key_id === null || row.personal_data === null) return plaintextFields(row);
    const opened = openSealedFields(this.#ring, { table: IDENTITY_TABLE, rowId: row.session_id }, { keyId: row.key_id, sealed: row.personal_data });
    return opened as PersonalIdentityFields;
  }

  /** The number's blind index under every key (none without keys: only plaintext rows are searched then). */
  documentNumberIndexes(documentNumber: string): Buffer[] {
    return this.#keys ? blindIndexesUnderEveryKey(this.#keys, DOCUMENT_NUMBER_INDEX, normaliseDocumentNumber(documentNumber)) : [];
  }

  /**
   * Refuses keys that leave sealed rows unreadable, as the data folder's key check does for
   * files. One index probe per distinct key id, however many rows.
   */
  checkKeysInUse(db: SqliteDatabase): void {
    if (!this.#keys) return;
    const next = db.prepare('SELECT key_id FROM customer_identities WHERE key_id > ? ORDER BY key_id LIMIT 1').pluck();
    const missing: string[] = [];
    for (let id = next.get('') as string | undefined; id !== undefined; id = next.get(id) as string | undefined) {
      if (!this.#keys.has(id)) missing.push(id);
    }
    if (missing.length) {
      throw new DataKeyError(
        `customer identities in the database are sealed with key id${missing.length > 1 ? 's' : ''} ${missing.map((id) => `"${id}"`).join(', ')}, which DATA_KEYS does not list: add the missing keys to DATA_KEYS (keys must stay listed while rows use them; npm run data:encrypt re-seals rows under the current key)`,
      );
    }
  }
}

function plaintextFields(row: StoredPersonalColumns): PersonalIdentityFields {
  const text = (value: string | null, column: string): string => {
    if (value === null) throw new Error(`customer_identities row "${row.session_id}" has neither sealed data nor its ${column}`);
    return value;
  };
  return {
    documentNumber: text(row.document_number, 'document_number'),
    name: text(row.name, 'name'),
    birthDate: text(row.birth_date, 'birth_date'),
    sex: text(row.sex, 'sex'),
    document: JSON.parse(text(row.document, 'document')) as unknown,
    ocr: JSON.parse(text(row.ocr, 'ocr')) as unknown,
    customerCorrections: JSON.parse(text(row.customer_corrections, 'customer_corrections')) as unknown[],
    automaticCorrections: JSON.parse(text(row.automatic_corrections, 'automatic_corrections')) as unknown[],
    checks: JSON.parse(text(row.checks, 'checks')) as unknown[],
  };
}
