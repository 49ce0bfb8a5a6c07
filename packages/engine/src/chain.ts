import {
  assertOverrideRoutable,
  type ChainContext,
  type CloudEvent,
  decodeContext,
  decodeOverride,
  type Directives,
  type RoutingConfigStore,
  type RoutingSnapshot,
  type SigningKey,
  type SigningKeys,
  type SnapshotCache,
  verificationKeys,
  VrouterError,
} from '@vrouter/core';

export interface KeyringOptions {
  cache: SnapshotCache;
  config: Pick<RoutingConfigStore, 'ensureSigningKeys'>;
  /** How long a rotated-out key still verifies. */
  graceMs: number;
}

/**
 * The deployment's signing keys as this router knows them: from the routing snapshot (every router polls it), or,
 * before any router has made them, created in the store on first use. Never logged.
 */
export class Keyring {
  private ensured: Promise<SigningKeys> | undefined;

  constructor(private readonly options: KeyringOptions) {}

  async keys(): Promise<SigningKeys> {
    const known = this.options.cache.current().signingKeys;
    if (known) return known;
    this.ensured ??= this.options.config.ensureSigningKeys().catch((error: unknown) => {
      this.ensured = undefined;
      throw error;
    });
    return await this.ensured;
  }

  /** The key new tokens and contexts are signed with. */
  async signing(): Promise<SigningKey> {
    return (await this.keys()).current;
  }

  /** The keys a token or context may verify with at `now`: the current one, and the previous one during its grace. */
  async verifying(now: number): Promise<SigningKey[]> {
    return verificationKeys(await this.keys(), now, this.options.graceMs);
  }
}

/** The extension attributes that carry an override token and a chain context. */
export const OVERRIDE_ATTRIBUTE = 'vrouteroverride';
export const CONTEXT_ATTRIBUTE = 'vroutercontext';

/**
 * The override and chain an event carries, verified: the token in `vrouteroverride`, the context in `vroutercontext`
 * or else the one its request carried (`fromRequest`: the `baggage` member, an SQS message attribute). A token or
 * context that fails throws VR_OVERRIDE_INVALID / VR_CONTEXT_INVALID: the event is rejected, its batch is not.
 */
export async function readDirectives(
  event: CloudEvent,
  fromRequest: { context: string; field: string } | undefined,
  keyring: Keyring | undefined,
  snapshot: RoutingSnapshot,
  now: number,
): Promise<Directives> {
  const token = event[OVERRIDE_ATTRIBUTE];
  const own = event[CONTEXT_ATTRIBUTE];
  const raw = own !== undefined ? { context: own, field: CONTEXT_ATTRIBUTE } : fromRequest;
  if (token === undefined && raw === undefined) return {};
  if (!keyring) {
    const code = token !== undefined ? 'VR_OVERRIDE_INVALID' : 'VR_CONTEXT_INVALID';
    throw new VrouterError(code, 'This router has no signing keys, so it cannot verify overrides or chain contexts.', {
      field: token !== undefined ? OVERRIDE_ATTRIBUTE : raw!.field,
    });
  }
  const keys = await keyring.verifying(now);
  const directives: Directives = {};
  if (token !== undefined) {
    directives.override = decodeOverride(token, keys, now);
    assertOverrideRoutable(snapshot, directives.override);
  }
  if (raw !== undefined) directives.chain = decodeContext(raw.context, keys, raw.field) satisfies ChainContext;
  return directives;
}
