/** Kiosk enrollment: an admin registers a kiosk, the kiosk redeems a one-time code for its credential. */
import { z } from 'zod';

/** Enrollment codes use letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
export const ENROLLMENT_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROLLMENT_CODE_LENGTH = 8;
/** localStorage key under which a kiosk keeps its credential (the idle wipe leaves it). */
export const KIOSK_CREDENTIAL_STORAGE_KEY = 'vtm.kiosk.credential';
/** WebSocket close code: the kiosk's credential was refused or revoked (it forgets it and is enrolled again). */
export const CLOSE_KIOSK_UNAUTHENTICATED = 4401;

export const KioskStatus = z.enum(['pending', 'enrolled', 'revoked']);
export type KioskStatus = z.infer<typeof KioskStatus>;

export const KioskView = z.object({
  id: z.number().int(),
  name: z.string(),
  location: z.string(),
  status: KioskStatus,
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  /** While pending: when the enrollment code stops working. */
  enrollmentExpiresAt: z.iso.datetime().nullable(),
  enrolledAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type KioskView = z.infer<typeof KioskView>;

export const RegisterKioskRequest = z
  .object({ name: z.string().trim().min(1).max(80), location: z.string().trim().max(120).default('') })
  .strict();
export type RegisterKioskRequest = z.infer<typeof RegisterKioskRequest>;

/** The code is shown once, to the admin who registered the kiosk. */
export const RegisteredKiosk = z.object({ kiosk: KioskView, enrollmentCode: z.string() });
export type RegisteredKiosk = z.infer<typeof RegisteredKiosk>;

export const EnrollKioskRequest = z
  .object({
    code: z
      .string()
      .trim()
      .max(40)
      .transform((c) => c.toUpperCase().replace(/[\s-]/g, '')),
  })
  .strict();
export type EnrollKioskRequest = z.infer<typeof EnrollKioskRequest>;

/** The credential is returned once; the server keeps only its hash. */
export const EnrolledKiosk = z.object({ kioskId: z.number().int(), name: z.string(), location: z.string(), credential: z.string() });
export type EnrolledKiosk = z.infer<typeof EnrolledKiosk>;

/** Decimal digits only (`0x10`, `1e1` or ` 1` are not ids). */
export const KioskIdParams = z.object({
  kioskId: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'a kiosk id is a positive whole number')
    .transform(Number),
});
