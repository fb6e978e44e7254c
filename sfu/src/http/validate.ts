import type { Request } from 'express';
import type { z } from 'zod';
import { RequestError } from '../errors.ts';

/** Parses part of a request against its schema; a mismatch is a 400 with the reason. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RequestError('invalid-data', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export const paramsOf = <T extends z.ZodType>(schema: T, req: Request) => parse(schema, req.params);
