/** Sign-in, users and roles: the HTTP bodies of the auth and admin API. */
import { z } from 'zod';

export const UserRole = z.enum(['teller', 'compliance', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

export const Username = z
  .string()
  .trim()
  .min(3)
  .max(40)
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

/** Long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const Password = z.string().min(10).max(200);

export const SignInRequest = z.object({ username: z.string().trim().min(1).max(40), password: z.string().min(1).max(200) }).strict();
export type SignInRequest = z.infer<typeof SignInRequest>;

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: UserRole,
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof UserView>;

export const CreateUserRequest = z
  .object({ username: Username, displayName: z.string().trim().min(1).max(80), role: UserRole, password: Password })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z.object({ disabled: z.boolean() }).strict();
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const UserIdParams = z.object({ userId: z.coerce.number().int().positive() });

/**
 * The header every cookie-authenticated write (POST, PUT, PATCH, DELETE) must carry, with
 * the value `1`: a page of another origin cannot add it without a CORS preflight, which the
 * server never grants. Requests authorised by a kiosk's upload token do not need it.
 */
export const CSRF_HEADER = 'x-vtm-csrf';
export const CSRF_HEADER_VALUE = '1';
/** The headers to add to every cookie-authenticated write. */
export const CSRF_WRITE_HEADERS: Readonly<Record<string, string>> = { [CSRF_HEADER]: CSRF_HEADER_VALUE };

export const TellerPresence = z.enum(['available', 'busy', 'away']);
export type TellerPresence = z.infer<typeof TellerPresence>;
