/**
 * Kiosks in end-to-end tests are enrolled for real: registered by admin1 through the admin
 * API, and their one-time code redeemed for a credential, once per server and kiosk name.
 * Raw `hello` helpers (ws-client.ts, fuzz-socket.ts) turn the old `{role: 'kiosk', name,
 * location}` into `{role: 'kiosk', credential}` with `kioskHello`; kiosk pages get the
 * credential in localStorage before the app loads (browser.ts openPage).
 */
import type { BrowserContext } from 'playwright-core';
import { KIOSK_CREDENTIAL_STORAGE_KEY, type EnrolledKiosk, type KioskView, type RegisteredKiosk } from '@vtm/shared';
import { getAs, sendAs } from './api.ts';

const enrolled = new Map<string, Promise<EnrolledKiosk>>();
/** Every credential this test process was given, whichever server gave it. */
const credentials: EnrolledKiosk[] = [];

/** http(s)://host:port of a server, from its page, API or WebSocket URL. */
export function serverOrigin(url: string): string {
  const parsed = new URL(url);
  const scheme = parsed.protocol === 'wss:' || parsed.protocol === 'https:' ? 'https:' : 'http:';
  return `${scheme}//${parsed.host}`;
}

/** Registers a kiosk as admin1; the enrollment code (shown once). */
export async function registerKiosk(baseUrl: string, name: string, location = ''): Promise<RegisteredKiosk> {
  const registered = await sendAs<RegisteredKiosk>(serverOrigin(baseUrl), 'admin1', 'POST', '/api/kiosks', { name, location });
  if (registered.status !== 201) throw new Error(`registering kiosk ${name}: HTTP ${registered.status} ${JSON.stringify(registered.body)}`);
  return registered.body;
}

/** Redeems an enrollment code as a kiosk would. */
export async function enrollKiosk(baseUrl: string, code: string): Promise<{ status: number; body: EnrolledKiosk & { error?: { code: string } } }> {
  const response = await fetch(`${serverOrigin(baseUrl)}/api/kiosks/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: (await response.json()) as EnrolledKiosk & { error?: { code: string } } };
}

/** The enrolled kiosk of this name on this server (registered and enrolled on first use). */
export function enrolledKiosk(baseUrl: string, name: string, location = ''): Promise<EnrolledKiosk> {
  // By port: the same server reached at another address (a network namespace) is the same server.
  const key = `${new URL(serverOrigin(baseUrl)).port} ${name.trim().toLowerCase()}`;
  let kiosk = enrolled.get(key);
  if (!kiosk) {
    kiosk = (async () => {
      const registered = await sendAs<RegisteredKiosk>(serverOrigin(baseUrl), 'admin1', 'POST', '/api/kiosks', { name, location });
      if (registered.status === 409) {
        // A restarted server (same database, another port) knows the kiosk enrolled before.
        const { body: kiosks } = await getAs<KioskView[]>(serverOrigin(baseUrl), 'admin1', '/api/kiosks');
        const known = kiosks.find((k) => k.name.toLowerCase() === name.trim().toLowerCase() && k.status === 'enrolled');
        const earlier = known && credentials.find((c) => c.kioskId === known.id && c.name === known.name);
        if (earlier) return earlier;
        throw new Error(`kiosk ${name} is registered on this server, but this test process has no credential for it`);
      }
      if (registered.status !== 201) throw new Error(`registering kiosk ${name}: HTTP ${registered.status} ${JSON.stringify(registered.body)}`);
      const redeemed = await enrollKiosk(baseUrl, registered.body.enrollmentCode);
      if (redeemed.status !== 200) throw new Error(`enrolling kiosk ${name}: HTTP ${redeemed.status}`);
      credentials.push(redeemed.body);
      return redeemed.body;
    })();
    enrolled.set(key, kiosk);
    kiosk.catch(() => enrolled.delete(key));
  }
  return kiosk;
}

/** The credential of the kiosk of this name on this server. */
export async function kioskCredential(baseUrl: string, name: string, location = ''): Promise<string> {
  return (await enrolledKiosk(baseUrl, name, location)).credential;
}

/**
 * A kiosk's hello data as tests used to write it (`{role: 'kiosk', name, location}`) as
 * the server now wants it: with the credential of the kiosk of that name. Anything else
 * (a teller's hello, one that already has a credential, malformed data) is left as it is.
 */
export async function kioskHello(baseUrl: string, data: unknown): Promise<unknown> {
  if (!data || typeof data !== 'object') return data;
  const { role, name, location, credential } = data as Record<string, unknown>;
  if (role !== 'kiosk' || typeof name !== 'string' || credential !== undefined) return data;
  return { role: 'kiosk', credential: await kioskCredential(baseUrl, name, typeof location === 'string' ? location : '') };
}

/** Puts the kiosk's credential in the page's localStorage before the kiosk app loads. */
export async function giveKioskCredential(context: BrowserContext, credential: string): Promise<void> {
  await context.addInitScript(
    ([key, value]) => {
      // Only the first load: a test may watch the kiosk forget a revoked credential.
      if (sessionStorage.getItem('vtm.e2e.credential-given')) return;
      sessionStorage.setItem('vtm.e2e.credential-given', '1');
      localStorage.setItem(key, value);
    },
    [KIOSK_CREDENTIAL_STORAGE_KEY, credential] as const,
  );
}
