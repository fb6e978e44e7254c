/** A bare WebSocket client for tests that speak the signaling protocol from Node. */
import WebSocket from 'ws';
import { kioskHello } from './kiosks.ts';

export interface RawClient {
  socket: WebSocket;
  /** Sends raw text or bytes and resolves with the next frame the server sends back. */
  exchange(frame: string | Buffer): Promise<Record<string, unknown>>;
  request(method: string, data: unknown): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connectRaw(url: string, cookie?: string): Promise<RawClient> {
  const socket = new WebSocket(url, cookie ? { headers: { cookie } } : {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const inbox: Array<Record<string, unknown>> = [];
  const waiters: Array<(frame: Record<string, unknown>) => void> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    if ('notification' in frame) return; // tests here look at replies only
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else inbox.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  let nextId = 1;
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const queued = inbox.shift();
      if (queued) return resolve(queued);
      const timer = setTimeout(() => reject(new Error('no reply')), 5000);
      waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  return {
    socket,
    closed,
    exchange(frame) {
      socket.send(frame);
      return next();
    },
    async request(method, data) {
      // A kiosk's hello by name is sent with the credential of the enrolled kiosk of that name.
      if (method === 'hello') data = await kioskHello(url, data);
      socket.send(JSON.stringify({ id: nextId++, method, data }));
      return next();
    },
  };
}
