import type { ErrorCode } from '@vtm/shared';

/** A refusal the client is meant to see: a code from the protocol and a plain message. */
export class RequestError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

export const notFound = (what: string) => new RequestError('not-found', `${what} not found`);
export const notAllowed = (why: string) => new RequestError('not-allowed', why);

/** Too many attempts (sign-in): HTTP 429 with a Retry-After header of this many seconds. */
export class TooManyRequestsError extends Error {
  readonly code = 'too-many-requests';
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.name = 'TooManyRequestsError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
