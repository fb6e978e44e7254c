import { describe, expect, it } from 'vitest';
import {
  blockingFailures,
  checksAcceptable,
  checkSeverity,
  checkThat,
  failCheck,
  FieldCheckSchema,
  findCheck,
  passCheck,
  unknownCheck,
  warningChecks,
} from './field-check.ts';

describe('FieldCheck', () => {
  const checks = [
    passCheck('format', 'idNumber', 'ok'),
    failCheck('address-province', 'address', 'elsewhere', 'warning'),
    unknownCheck('sex-match', 'sex', 'unreadable'),
  ];

  it('builds checks the schema accepts', () => {
    for (const check of [...checks, failCheck('check-digit', 'idNumber', 'wrong')]) {
      expect(FieldCheckSchema.parse(check)).toEqual(check);
    }
    expect(FieldCheckSchema.safeParse({ id: 'x', field: 'y', status: 'maybe', message: '' }).success).toBe(false);
    expect(FieldCheckSchema.safeParse({ id: 'x', field: 'y', status: 'fail', message: '', severity: 'fatal' }).success).toBe(false);
  });

  it('treats a missing severity as error', () => {
    expect(failCheck('check-digit', 'idNumber', 'wrong')).toEqual({ id: 'check-digit', field: 'idNumber', status: 'fail', message: 'wrong' });
    expect(checkSeverity(failCheck('check-digit', 'idNumber', 'wrong'))).toBe('error');
  });

  it('blocks on error-level failures only', () => {
    expect(checksAcceptable(checks)).toBe(true);
    expect(warningChecks(checks).map((c) => c.id)).toEqual(['address-province']);
    const withError = [...checks, checkThat(false, 'adult', 'birthDate', { pass: 'adult', fail: 'minor' })];
    expect(blockingFailures(withError).map((c) => c.id)).toEqual(['adult']);
    expect(checksAcceptable(withError)).toBe(false);
  });

  it('finds a check by id and field', () => {
    expect(findCheck(checks, 'sex-match')?.status).toBe('unknown');
    expect(findCheck(checks, 'format', 'address')).toBeUndefined();
  });
});
