/**
 * Requests that Node itself refuses before express sees them: headers over its 16 KiB limit,
 * bytes that are not HTTP, a request that never finishes arriving (a body shorter than its
 * Content-Length). They get the same JSON error body as every other refusal, and a slow or
 * lying client holds a connection for seconds, not Node's default five minutes.
 */
import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from '@vtm/shared';

/** Timeouts for receiving a request (not for sending a response: exports and playback stream for long). */
export const REQUEST_RECEIVE_LIMITS = {
  /** Headers and body together; the largest upload (4 MiB) takes seconds even on a poor branch line. */
  requestTimeout: 30_000,
  headersTimeout: 15_000,
  /** How often Node checks those timeouts (its default of 30 s would double them). */
  connectionsCheckingInterval: 1_000,
} satisfies ServerOptions;

interface ClientError extends Error {
  code?: string;
}

const REFUSALS: Record<string, { status: number; error: ApiError['error'] }> = {
  HPE_HEADER_OVERFLOW: { status: 431, error: { code: 'headers-too-large', message: 'the request headers are larger than 16 KiB' } },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: { code: 'request-timeout', message: 'the request did not arrive in time' } },
  ERR_HTTP_HEADERS_TIMEOUT: { status: 408, error: { code: 'request-timeout', message: 'the request headers did not arrive in time' } },
};
const NOT_HTTP = { status: 400, error: { code: 'bad-request', message: 'the request is not valid HTTP' } };

/** A `clientError` listener for an http or https server. */
export function refuseMalformedRequest(error: ClientError, socket: Duplex): void {
  // A client that reset the connection, or one already answered, gets nothing more.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, error: body } = REFUSALS[error.code ?? ''] ?? NOT_HTTP;
  const json = JSON.stringify({ error: body } satisfies ApiError);
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(json)}`,
      'X-Content-Type-Options: nosniff',
      'Cache-Control: no-store',
      'Connection: close',
      '',
      json,
    ].join('\r\n'),
  );
}
