/**
 * The result of one validation rule applied to one field of an identity document.
 *
 * Every rule reports, it does not throw: the kiosk shows the customer which field to look
 * at again, the teller sees the same list, and the server stores it with the session. The
 * `id` of a check is stable (UIs key their wording on it); `message` is an English
 * explanation for logs and the teller console.
 *
 * `status` is 'unknown' when the rule could not be applied (the number it needs is
 * unreadable, the address names no province): not a failure, but nothing proven either.
 * `severity` separates what must stop the process ('error', the default when absent) from
 * what a teller should look at but may accept ('warning', e.g. a card whose validity period
 * has an unusual length).
 */
import { z } from 'zod';

export const FieldCheckStatusSchema = z.enum(['pass', 'fail', 'unknown']);
export type FieldCheckStatus = z.infer<typeof FieldCheckStatusSchema>;

export const FieldCheckSeveritySchema = z.enum(['error', 'warning']);
export type FieldCheckSeverity = z.infer<typeof FieldCheckSeveritySchema>;

export const FieldCheckSchema = z.object({
  /** Stable rule id, e.g. 'check-digit'. */
  id: z.string().min(1).max(64),
  /** The document field the rule looked at, e.g. 'idNumber', 'birthDate'. */
  field: z.string().min(1).max(64),
  status: FieldCheckStatusSchema,
  message: z.string().max(500),
  /** Absent means 'error'. */
  severity: FieldCheckSeveritySchema.optional(),
});
export type FieldCheck = z.infer<typeof FieldCheckSchema>;

export function passCheck(id: string, field: string, message: string): FieldCheck {
  return { id, field, status: 'pass', message };
}

export function failCheck(id: string, field: string, message: string, severity: FieldCheckSeverity = 'error'): FieldCheck {
  return severity === 'error' ? { id, field, status: 'fail', message } : { id, field, status: 'fail', message, severity };
}

export function unknownCheck(id: string, field: string, message: string): FieldCheck {
  return { id, field, status: 'unknown', message };
}

/** A pass or a failure of the given severity, for rules that are a plain yes/no. */
export function checkThat(
  ok: boolean,
  id: string,
  field: string,
  messages: { pass: string; fail: string },
  severity: FieldCheckSeverity = 'error',
): FieldCheck {
  return ok ? passCheck(id, field, messages.pass) : failCheck(id, field, messages.fail, severity);
}

export function checkSeverity(check: FieldCheck): FieldCheckSeverity {
  return check.severity ?? 'error';
}

/** Failed checks that must stop the process (warnings excluded). */
export function blockingFailures(checks: readonly FieldCheck[]): FieldCheck[] {
  return checks.filter((c) => c.status === 'fail' && checkSeverity(c) === 'error');
}

/** Failed warning-level checks: a teller should look, but they do not block. */
export function warningChecks(checks: readonly FieldCheck[]): FieldCheck[] {
  return checks.filter((c) => c.status === 'fail' && checkSeverity(c) === 'warning');
}

/** True when no error-level check failed. Unknowns and warnings do not block. */
export function checksAcceptable(checks: readonly FieldCheck[]): boolean {
  return blockingFailures(checks).length === 0;
}

/** The check with this id (and field, when ids repeat across fields), if present. */
export function findCheck(checks: readonly FieldCheck[], id: string, field?: string): FieldCheck | undefined {
  return checks.find((c) => c.id === id && (field === undefined || c.field === field));
}
