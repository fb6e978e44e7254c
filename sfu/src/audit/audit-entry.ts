/**
 * The rules of one audit entry, shared by whoever appends entries and whoever checks them:
 * who can be an actor, how an entry is hashed, what JSON it may hold, and how the files
 * it vouches for are named.
 */
import path from 'node:path';
import { canonicalJson, sha256Hex } from '@vtm/shared';
import type { AuditEntryRecord } from '../storage/repositories.ts';

/** The "previous hash" of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Users carry a prefix, like kiosks: a user may be called "system", and the trail must
 * never leave a doubt whether a person or the server did something.
 */
export type Actor = `user:${string}` | `kiosk:${string}` | 'system';
export const SYSTEM_ACTOR: Actor = 'system';
export const userActor = (username: string): Actor => `user:${username}`;
export const kioskActor = (kioskName: string): Actor => `kiosk:${kioskName}`;

/** hash = SHA-256 hex of (previous hash + canonical JSON of the entry without its hash). */
export async function hashAuditEntry(entry: Omit<AuditEntryRecord, 'hash'>): Promise<string> {
  // Picked field by field: whatever else the object carries (its hash) is never hashed.
  const { seq, at, actor, action, sessionId, subject, details, fileSha256, prevHash } = entry;
  return sha256Hex(prevHash + canonicalJson({ seq, at, actor, action, sessionId, subject, details, fileSha256, prevHash }));
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * A string as the UTF-8 database will store it: a lone surrogate (possible in any text a
 * client sends) becomes U+FFFD here, before hashing, instead of later in storage where
 * the stored text would no longer match its hash.
 */
export function asStoredText(text: string): string {
  return utf8Decoder.decode(utf8Encoder.encode(text));
}

/**
 * A value as plain JSON, exactly what is stored and hashed: what JSON would drop
 * (undefined) is dropped, Dates become their ISO text, strings are made well formed.
 */
export function asStoredJson(value: unknown): unknown {
  const text = JSON.stringify(value ?? {}, (_key, v: unknown) => (typeof v === 'string' ? asStoredText(v) : v));
  return JSON.parse(text) as unknown;
}

export const asStoredDetails = (details: Record<string, unknown>) => asStoredJson(details) as Record<string, unknown>;

/** SHA-256 of a value's canonical JSON (as stored): binds content kept elsewhere, e.g. an event's payload. */
export async function jsonSha256(value: unknown): Promise<string> {
  return sha256Hex(canonicalJson(asStoredJson(value)));
}

/**
 * Files are named relative to the data folder (`recordings/<session>/segment-001.mkv`),
 * so the trail still verifies after the folder is restored from a backup elsewhere.
 */
export function relativeToDataDir(dataDir: string, file: string): string {
  const relative = path.relative(path.resolve(dataDir), path.resolve(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`audit: ${file} is not inside the data folder ${dataDir}`);
  }
  return relative.split(path.sep).join('/');
}

/** The file a trail entry names, or null when the name leads outside the data folder. */
export function resolveInDataDir(dataDir: string, relative: string): string | null {
  const root = path.resolve(dataDir);
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}
