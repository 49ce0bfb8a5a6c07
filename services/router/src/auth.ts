import { createHash, timingSafeEqual } from 'node:crypto';
import { type SnapshotCache, TOKEN_SCOPES, type TokenScope, VrouterError } from '@vrouter/core';

export { TOKEN_SCOPES };
export type { TokenScope };

export interface Principal {
  /** The token's identity: the hex SHA-256 of the token; what rate limits count by. */
  id: string;
  name: string;
  scopes: ReadonlySet<TokenScope>;
}

/** Decides who a bearer token belongs to. Tokens are compared as hashes; nothing keeps a token in the clear. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | null>;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The bootstrap token (VROUTER_ADMIN_TOKEN, every scope), compared in constant time, and the named tokens of the
 * routing snapshot, looked up by their SHA-256: authenticating reads nothing from the store, and a new or revoked
 * token takes effect on every router within one snapshot poll.
 */
export class TokenAuthenticator implements Authenticator {
  private readonly bootstrap: Buffer | undefined;

  constructor(
    private readonly cache: Pick<SnapshotCache, 'current'> | undefined,
    bootstrapToken: string | undefined,
  ) {
    this.bootstrap = bootstrapToken === undefined ? undefined : digest(bootstrapToken);
  }

  async authenticate(token: string): Promise<Principal | null> {
    const hash = digest(token);
    const id = hash.toString('hex');
    if (this.bootstrap && timingSafeEqual(hash, this.bootstrap)) return { id, name: 'admin', scopes: new Set(TOKEN_SCOPES) };
    const record = this.cache?.current().tokensByHash.get(id);
    return record ? { id, name: record.name, scopes: new Set(record.scopes) } : null;
  }
}

/** Reads `Authorization: Bearer <token>`; throws VR_UNAUTHORIZED / VR_FORBIDDEN. `admin` implies every scope. */
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
