/** The console's calls to the auth and user API (same origin, cookie-based). */
import { CSRF_WRITE_HEADERS, type ApiError, type CreateUserRequest, type UserView } from '@vtm/shared';

export class ApiRequestError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Headers every change sent with the session cookie carries (the server refuses one without: CSRF). */
export const WRITE_HEADERS = CSRF_WRITE_HEADERS;

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const response = await fetch(path, {
    method,
    headers: {
      ...(method === 'GET' || method === 'HEAD' ? {} : WRITE_HEADERS),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return undefined as T;
  const body = (await response.json()) as T | ApiError;
  if (!response.ok) throw new ApiRequestError(response.status, (body as ApiError).error?.message ?? response.statusText);
  return body as T;
}

export const signIn = (username: string, password: string) =>
  api<UserView>('/api/auth/sign-in', { method: 'POST', body: { username, password } });
export const signOut = () => api<void>('/api/auth/sign-out', { method: 'POST' });

/** The signed-in user, or null when no one is. */
export async function currentUser(): Promise<UserView | null> {
  try {
    return await api<UserView>('/api/auth/me');
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 401) return null;
    throw error;
  }
}

export const listUsers = () => api<UserView[]>('/api/users');
export const createUser = (user: CreateUserRequest) => api<UserView>('/api/users', { method: 'POST', body: user });
export const setUserDisabled = (id: number, disabled: boolean) =>
  api<UserView>(`/api/users/${id}`, { method: 'PATCH', body: { disabled } });
