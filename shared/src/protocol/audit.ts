/**
 * The tamper-evident audit trail as the API shows it: what actions are recorded, an entry,
 * and the report of a verification run (POST /api/audit/verify, `npm run audit:verify`).
 */
import { z } from 'zod';

/**
 * Every kind of entry the trail holds. A new kind of action is added here first, so the
 * server, the console and the OpenAPI description agree on its name.
 */
export const AuditAction = z.enum([
  /** A step on a session's timeline (the event's type is the subject). */
  'session.event',
  'auth.signed-in',
  'auth.sign-in-failed',
  /** Too many failed sign-ins: a username locked for a while, or an address made to wait. */
  'auth.locked-out',
  'auth.signed-out',
  'user.created',
  'user.disabled',
  'user.enabled',
  /** Kiosk enrollment: registered (a code issued), enrolled (the code redeemed), revoked, or a code refused. */
  'kiosk.registered',
  'kiosk.enrolled',
  'kiosk.revoked',
  'kiosk.enrollment-failed',
  /** A file was stored with a session (its SHA-256 is chained into the trail). */
  'evidence.stored',
  'recording.sealed',
  'recording.interrupted',
  'recording.failed',
  /** Finalisation: a browser-playable copy of a recording (its SHA-256 chained in), then the quality checks' verdict. */
  'playback.created',
  'session.finalised',
  /** Someone saw a session's details, files or personal data. */
  'session.viewed',
  'evidence.viewed',
  'receipt.viewed',
  'receipt.looked-up',
  'customer-identity.viewed',
  'recording.viewed',
  /** Reviewers' work (compliance review, export, retention). */
  'review.decided',
  'session.exported',
  'session.purged',
  /** A file removed on purpose (retention): verification stops expecting it. */
  'file.purged',
  /** A file stored before encryption at rest, encrypted in place (`npm run data:encrypt`): verification expects its new SHA-256. */
  'file.encrypted',
  'audit.verified',
  /** The database's append-only protection was found missing at start and put back. */
  'audit.protection-restored',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntryView = z.object({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  /** `user:<username>`, `kiosk:<name>` or `system`. */
  actor: z.string(),
  action: AuditAction,
  sessionId: z.string().nullable(),
  subject: z.string(),
  details: z.record(z.string(), z.unknown()),
  fileSha256: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditVerificationReport = z.object({
  /** True only when the chain and every file it refers to are intact. */
  ok: z.boolean(),
  /** How many entries were checked. */
  entries: z.number().int().nonnegative(),
  /** How many files were read and hashed. */
  files: z.number().int().nonnegative(),
  /** The newest entry: noting it elsewhere lets a later check prove nothing was cut off the end. */
  head: z.object({ seq: z.number().int().positive(), hash: z.string() }).nullable(),
  firstBrokenEntry: z.object({ seq: z.number().int().positive(), reason: z.string() }).optional(),
  brokenFiles: z.array(
    z.object({
      /** Relative to the data folder, e.g. `recordings/<session>/segment-001.mkv`. */
      path: z.string(),
      expected: z.string(),
      /** null when the file is missing. */
      actual: z.string().nullable(),
    }),
  ),
});
export type AuditVerificationReport = z.infer<typeof AuditVerificationReport>;
