import { createHash, timingSafeEqual } from 'node:crypto';
import { VrouterError } from '@vrouter/core';

export const TOKEN_SCOPES = ['events:write', 'read', 'pins:write', 'versions:write', 'replay', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface Principal {
  name: string;
  scopes: ReadonlySet<TokenScope>;
}

/** Decides who a bearer token belongs to. Tokens are compared as hashes, in constant time. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | null>;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The bootstrap token from VROUTER_ADMIN_TOKEN: every scope. Only its hash is kept in memory. */
export class StaticTokenAuthenticator implements Authenticator {
  private readonly hash: Buffer;

  constructor(token: string, private readonly name = 'admin') {
    this.hash = digest(token);
  }

  async authenticate(token: string): Promise<Principal | null> {
    if (!timingSafeEqual(digest(token), this.hash)) return null;
    return { name: this.name, scopes: new Set(TOKEN_SCOPES) };
  }
}

/** Reads `Authorization: Bearer <token>`; throws VR_UNAUTHORIZED / VR_FORBIDDEN. */
export async function authorize(authenticator: Authenticator, header: string | undefined, scope: TokenScope): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw new VrouterError('VR_UNAUTHORIZED', 'Send Authorization: Bearer <token>.');
  const principal = await authenticator.authenticate(match[1]!);
  if (!principal) throw new VrouterError('VR_UNAUTHORIZED', 'The bearer token is not valid.');
  if (!principal.scopes.has(scope) && !principal.scopes.has('admin')) {
    throw new VrouterError('VR_FORBIDDEN', `This route needs the ${scope} scope.`, { details: { scope } });
  }
  return principal;
}
