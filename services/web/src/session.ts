import { ApiError, VrouterClient } from '@vrouter/client';

/**
 * The token is typed once and kept for this tab only: sessionStorage, never the URL, never localStorage, never a
 * log line. Closing the tab forgets it.
 */
const TOKEN_KEY = 'vrouter.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function clientFor(token: string): VrouterClient {
  return new VrouterClient({ url: window.location.origin, token });
}

/** Checks the token with one read; keeps it only if the router accepts it. */
export async function signIn(token: string): Promise<VrouterClient> {
  const client = clientFor(token);
  await client.components.list();
  sessionStorage.setItem(TOKEN_KEY, token);
  return client;
}

/** A problem's words for a person: the server's detail, and what the code means when the detail is missing. */
export function describeError(error: unknown): { code: string; message: string; status: number | null } {
  if (error instanceof ApiError) return { code: error.code, message: error.detail, status: error.status };
  return { code: 'VR_CONNECTION', message: error instanceof Error ? error.message : String(error), status: null };
}
