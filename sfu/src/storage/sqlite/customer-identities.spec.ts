/**
 * Customer identities sealed at rest (migration 12), against real SQLite files: what is
 * stored is unreadable without the keys, the ID number still finds a returning customer
 * across a key rotation, a sealed value does not open in another row, and rows from
 * before encryption stay readable until data:encrypt seals them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityRecord, seedSession } from '../../review/review-seed.ts';
import { openSqliteDatabase } from '../database.ts';
import { DataKeyError, DataKeyring, formatDataKey } from '../encryption/data-keys.ts';
import { EXIT_DONE, runDataEncryptCommand } from '../encryption/data-encrypt-command.ts';
import { SealedFieldsError } from '../encryption/sealed-fields.ts';
import { migrations } from '../migrations.ts';
import type { Repositories } from '../repositories.ts';
import { createSqliteRepositories } from './index.ts';
import { sealCustomerIdentities } from './seal-customer-identities.ts';

const K1 = { id: 'k1', key: randomBytes(32) };
const K2 = { id: 'k2', key: randomBytes(32) };
const ONLY_K1 = new DataKeyring([K1], 'k1');
const ROTATED = new DataKeyring([K1, K2], 'k2');
const ONLY_K2 = new DataKeyring([K2], 'k2');

const CUSTOMER = { name: '欧阳明华', documentNumber: '11010519491231002X' };
const OTHER = { name: '司马相如', documentNumber: '110105198001010015' };

describe('customer identities sealed at rest (real SQLite file)', () => {
  let dir: string;
  let file: string;
  let repos: Repositories;

  const open = (dataKeys: DataKeyring | null) => {
    repos = createSqliteRepositories(file, { dataKeys });
    return repos;
  };
  /** A sold session of this customer, with a risk assessment taken at `assessedAt`. */
  const customerVisit = async (who: { name: string; documentNumber: string }, assessedAt: string) => {
    const sessionId = await seedSession(repos, { createdAt: assessedAt, customer: who, riskLevel: 'C3' });
    await repos.assessments.addAssessment({ sessionId, questionnaireId: 'risk', questionnaireVersion: 1, answers: [], score: 42, level: 'C3', assessedAt });
    return sessionId;
  };
  /** The bytes of the database as the disk holds them: the file and its write-ahead log. */
  const databaseBytes = () => Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  const holdsPersonalData = (who: { name: string; documentNumber: string }) => {
    const bytes = databaseBytes();
    return { name: bytes.includes(Buffer.from(who.name, 'utf8')), documentNumber: bytes.includes(Buffer.from(who.documentNumber, 'utf8')) };
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtm-identities-'));
    file = path.join(dir, 'vtm.sqlite');
  });

  afterEach(async () => {
    await repos?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives back what was stored, while the file and its WAL hold neither the name nor the ID number', async () => {
    open(ONLY_K1);
    const sessionId = await customerVisit(CUSTOMER, '2026-03-01T02:00:00.000Z');
    const stored = identityRecord(sessionId, CUSTOMER, '2026-03-01T02:00:00.000Z');
    expect(await repos.customers.identityFor(sessionId)).toEqual(stored);
    expect(await repos.customers.hasIdentity(sessionId)).toBe(true);

    expect(holdsPersonalData(CUSTOMER)).toEqual({ name: false, documentNumber: false });
    const raw = new Database(file, { readonly: true });
    try {
      const row = raw.prepare('SELECT * FROM customer_identities WHERE session_id = ?').get(sessionId) as Record<string, unknown>;
      expect(row).toMatchObject({ session_id: sessionId, document_kind: 'cn-resident-id', captured_at: stored.capturedAt, key_id: 'k1', document_number: null, name: null, birth_date: null, sex: null, document: null, ocr: null, customer_corrections: null, automatic_corrections: null, checks: null });
      expect((row['document_number_index'] as Buffer).length).toBe(32);
      expect(JSON.stringify(row)).not.toContain('1949');
    } finally {
      raw.close();
    }
    // The reviewers' list opens the page's rows.
    const { rows } = await repos.review.listForReview({
      createdFrom: null, createdBefore: null, tellerName: null, kioskName: null, outcome: null, riskLevel: null, productCode: null,
      reviewStatus: null, quality: null, sort: 'createdAt', order: 'asc', limit: 10, offset: 0,
    });
    expect(rows.map((r) => [r.customerName, r.documentNumber])).toEqual([[CUSTOMER.name, CUSTOMER.documentNumber]]);
  });

  it('finds a returning customer by ID number, however typed, and across a key rotation', async () => {
    open(ONLY_K1);
    const first = await customerVisit(CUSTOMER, '2026-01-10T02:00:00.000Z');
    await customerVisit(OTHER, '2026-01-11T02:00:00.000Z');
    expect((await repos.customers.assessmentsOf(CUSTOMER.documentNumber)).map((a) => a.sessionId)).toEqual([first]);
    expect((await repos.customers.assessmentsOf(' 11010519491231002x ')).map((a) => a.sessionId)).toEqual([first]);
    expect(await repos.customers.assessmentsOf('110105194912310011')).toEqual([]);
    await repos.close();

    // Rotated: new rows under k2; rows under k1 are still found (their index is under k1).
    open(ROTATED);
    const second = await customerVisit(CUSTOMER, '2026-02-10T02:00:00.000Z');
    expect((await repos.customers.assessmentsOf(CUSTOMER.documentNumber)).map((a) => a.sessionId)).toEqual([second, first]);
    await repos.close();

    // data:encrypt re-seals every row under k2, index included: k1 can go.
    const db = openSqliteDatabase(file);
    expect(sealCustomerIdentities(db, ROTATED)).toEqual({ keyId: 'k2', sealed: 0, resealed: 2, alreadyCurrent: 1, refused: [] });
    expect(sealCustomerIdentities(db, ROTATED)).toMatchObject({ sealed: 0, resealed: 0, alreadyCurrent: 3 });
    db.close();
    open(ONLY_K2);
    expect((await repos.customers.assessmentsOf(CUSTOMER.documentNumber)).map((a) => a.sessionId)).toEqual([second, first]);
    expect((await repos.customers.identityFor(first))?.name).toBe(CUSTOMER.name);
  });

  it('refuses to open the database without a key that rows are sealed with', async () => {
    open(ONLY_K1);
    await customerVisit(CUSTOMER, '2026-01-10T02:00:00.000Z');
    await repos.close();
    expect(() => open(ONLY_K2)).toThrow(/customer identities in the database are sealed with key id "k1", which DATA_KEYS does not list/);
    open(ROTATED);
  });

  it('does not open a sealed value moved to another row, and says so', async () => {
    open(ONLY_K1);
    const a = await customerVisit(CUSTOMER, '2026-01-10T02:00:00.000Z');
    const b = await customerVisit(OTHER, '2026-01-11T02:00:00.000Z');
    await repos.close();
    const raw = new Database(file);
    raw.prepare(
      `UPDATE customer_identities SET personal_data = (SELECT personal_data FROM customer_identities WHERE session_id = @a),
         document_number_index = (SELECT document_number_index FROM customer_identities WHERE session_id = @a)
       WHERE session_id = @b`,
    ).run({ a, b });
    raw.close();
    open(ONLY_K1);
    const moved = repos.customers.identityFor(b);
    await expect(moved).rejects.toThrow(SealedFieldsError);
    await expect(repos.customers.identityFor(b)).rejects.toThrow(
      `customer_identities row "${b}": the sealed personal data does not authenticate under key "k1": it was changed, copied from another row`,
    );
    expect((await repos.customers.identityFor(a))?.name).toBe(CUSTOMER.name);
    // The reviewers' list still shows every session; only the damaged row's customer is unknown.
    const { rows } = await repos.review.listForReview({
      createdFrom: null, createdBefore: null, tellerName: null, kioskName: null, outcome: null, riskLevel: null, productCode: null,
      reviewStatus: null, quality: null, sort: 'createdAt', order: 'asc', limit: 10, offset: 0,
    });
    expect(rows.map((r) => [r.id, r.customerName])).toEqual([[a, CUSTOMER.name], [b, null]]);
  });

  it('stores and reads no identity without keys, yet tells that one is there', async () => {
    open(ONLY_K1);
    const sessionId = await customerVisit(CUSTOMER, '2026-01-10T02:00:00.000Z');
    await repos.close();
    open(null);
    expect(await repos.customers.hasIdentity(sessionId)).toBe(true);
    await expect(repos.customers.identityFor(sessionId)).rejects.toThrow(DataKeyError);
    await expect(repos.customers.saveIdentity(identityRecord(sessionId, OTHER, '2026-01-10T02:00:00.000Z'))).rejects.toThrow(/never stored or read unencrypted/);
  });

  it('reads plaintext rows of an earlier version, and data:encrypt seals them leaving no plaintext in the file', async () => {
    // A database of the version before migration 12, with a customer stored in plaintext.
    const legacy = openSqliteDatabase(file, migrations.filter((m) => m.version < 12));
    const sessionId = randomUUID();
    const record = identityRecord(sessionId, CUSTOMER, '2025-06-01T02:00:00.000Z');
    legacy.prepare("INSERT INTO sessions (id, state, kiosk_name, language, created_at, queued_at) VALUES (?, 'ended', 'VTM-1', 'zh-CN', ?, ?)").run(sessionId, record.capturedAt, record.capturedAt);
    legacy
      .prepare(
        `INSERT INTO customer_identities (session_id, document_kind, document_number, name, birth_date, sex, document, ocr,
           customer_corrections, automatic_corrections, checks, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(sessionId, record.documentKind, record.documentNumber, record.name, record.birthDate, record.sex, JSON.stringify(record.document), JSON.stringify(record.ocr),
        JSON.stringify(record.customerCorrections), JSON.stringify(record.automaticCorrections), JSON.stringify(record.checks), record.capturedAt);
    legacy.prepare("INSERT INTO assessments (session_id, questionnaire_id, questionnaire_version, answers, score, level, assessed_at) VALUES (?, 'risk', 1, '[]', 42, 'C3', ?)").run(sessionId, record.capturedAt);
    legacy.close();

    // Migrated (no keys in a migration): still plaintext, and read as such, with or without keys.
    open(null);
    expect(await repos.customers.identityFor(sessionId)).toEqual(record);
    expect((await repos.customers.assessmentsOf(CUSTOMER.documentNumber)).map((a) => a.sessionId)).toEqual([sessionId]);
    await repos.close();
    open(ONLY_K1);
    expect(await repos.customers.identityFor(sessionId)).toEqual(record);
    const sealedSince = await customerVisit(OTHER, '2026-01-10T02:00:00.000Z');
    await repos.close();
    expect(holdsPersonalData(CUSTOMER)).toEqual({ name: true, documentNumber: true });

    let out = '';
    let err = '';
    const env = { DATA_DIR: dir, DATA_KEYS: formatDataKey('k1', K1.key) };
    expect(await runDataEncryptCommand(['--dry-run'], env, { write: (t: string) => (out += t) }, { write: (t: string) => (err += t) }), err).toBe(EXIT_DONE);
    expect(JSON.parse(out).identities).toEqual({ keyId: 'k1', sealed: 1, resealed: 0, alreadyCurrent: 1, refused: [] });
    expect(holdsPersonalData(CUSTOMER)).toEqual({ name: true, documentNumber: true });
    out = '';
    expect(await runDataEncryptCommand([], env, { write: (t: string) => (out += t) }, { write: (t: string) => (err += t) }), err).toBe(EXIT_DONE);
    expect(JSON.parse(out).identities).toEqual({ keyId: 'k1', sealed: 1, resealed: 0, alreadyCurrent: 1, refused: [] });

    // Gone from the file and the WAL: not in the row, not in free pages (the dropped table's either).
    expect(holdsPersonalData(CUSTOMER)).toEqual({ name: false, documentNumber: false });
    open(ONLY_K1);
    expect(await repos.customers.identityFor(sessionId)).toEqual(record);
    expect((await repos.customers.identityFor(sealedSince))?.name).toBe(OTHER.name);
    expect((await repos.customers.assessmentsOf(CUSTOMER.documentNumber)).map((a) => a.sessionId)).toEqual([sessionId]);
    expect(holdsPersonalData(CUSTOMER)).toEqual({ name: false, documentNumber: false });
  });
});
