import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_RECEIVE_LIMITS, refuseMalformedRequest } from './malformed-requests.ts';

let server: http.Server | undefined;

async function serve(options: http.ServerOptions): Promise<number> {
  // Like a JSON body parser: the answer waits for the whole body.
  server = http.createServer(options, (req, res) => {
    req.resume();
    req.on('end', () => res.end('served'));
  });
  server.on('clientError', refuseMalformedRequest);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends raw bytes and returns everything the server answers before it closes. */
async function exchange(port: number, bytes: string): Promise<{ status: number; headers: string; body: string }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(bytes);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('requests Node refuses before the app', () => {
  it('answers headers over 16 KiB with 431 and a JSON error', async () => {
    const port = await serve(REQUEST_RECEIVE_LIMITS);
    const reply = await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    expect(reply.status).toBe(431);
    expect(reply.headers).toContain('content-type: application/json');
    expect(JSON.parse(reply.body)).toEqual({ error: { code: 'headers-too-large', message: 'the request headers are larger than 16 KiB' } });
  });

  it('answers bytes that are not HTTP with 400 and a JSON error', async () => {
    const port = await serve(REQUEST_RECEIVE_LIMITS);
    const reply = await exchange(port, 'HELLO THERE\r\n\r\n');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({ error: { code: 'bad-request', message: 'the request is not valid HTTP' } });
  });

  it('stops waiting for a body shorter than its Content-Length, with 408', async () => {
    const port = await serve({ ...REQUEST_RECEIVE_LIMITS, requestTimeout: 500, headersTimeout: 400, connectionsCheckingInterval: 100 });
    const reply = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
    expect(reply.status).toBe(408);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'request-timeout' } });
  });

  it('still serves a well-formed request', async () => {
    const port = await serve(REQUEST_RECEIVE_LIMITS);
    const reply = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('served');
  });
});
