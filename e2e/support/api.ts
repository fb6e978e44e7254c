/** The HTTP API as a signed-in user, from Node. */
import { CSRF_WRITE_HEADERS } from '@vtm/shared';
import { TEST_PASSWORD } from './server.ts';

/**
 * Headers every change (POST, PUT, PATCH, DELETE) sent with the session cookie must carry:
 * the server refuses a cookie-authorised change without them (CSRF, sfu/src/http/csrf.ts).
 */
export const WRITE_HEADERS = CSRF_WRITE_HEADERS;

const cookies = new Map<string, string>();

/** Signs in (once per server and user) and returns the session cookie to send. */
export async function signIn(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<string> {
  const key = `${baseUrl} ${username}`;
  const known = cookies.get(key);
  if (known) return known;
  const response = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username}: HTTP ${response.status}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  cookies.set(key, cookie);
  return cookie;
}

export async function getAs<T>(baseUrl: string, username: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { cookie: await signIn(baseUrl, username) } });
  return { status: response.status, body: (await response.json()) as T };
}

/** A change as a signed-in user, with the CSRF header; a JSON body when one is given. */
export async function sendAs<T>(
  baseUrl: string,
  username: string,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { cookie: await signIn(baseUrl, username), ...WRITE_HEADERS };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
