/** The HTTP API as a signed-in user, from Node. */
import { TEST_PASSWORD } from './server.ts';

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
