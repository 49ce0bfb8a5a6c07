import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type DispatchMetadata, type DispatchRequest, type EventStore, NotFoundError, VrouterError } from '@vrouter/core';

/** What a payload token names: one event and the metadata of the dispatch it was made for. */
interface Claims {
  source: string;
  id: string;
  vrouter: DispatchMetadata;
  /** Expiry, epoch milliseconds. */
  exp: number;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Events too large for an ECS container override (8 KiB) go by reference: the task gets a URL on the router and a
 * short-lived token that names one event, signed with HMAC-SHA256. Any router that shares the secret can serve it.
 */
export class PayloadReferences {
  private readonly key: Buffer;

  /**
   * `secret`: VROUTER_PAYLOAD_SECRET, else derived from the bootstrap admin token (so every router of one
   * deployment agrees), else random: then only the router that made a token can serve it.
   */
  constructor(
    private readonly publicUrl: string,
    secret: string | undefined,
    adminToken: string | undefined,
    private readonly ttlMs = 15 * 60_000,
  ) {
    this.key = secret ? Buffer.from(secret) : adminToken ? createHash('sha256').update(`vrouter-payload:${adminToken}`).digest() : randomBytes(32);
  }

  /** For the EcsDispatcher: a URL that serves this dispatch's event, and the token inside it. */
  reference = async (request: DispatchRequest): Promise<{ url: string; token: string }> => {
    const claims: Claims = { source: request.payload.source, id: request.payload.id, vrouter: request.payload.vrouter, exp: Date.now() + this.ttlMs };
    const body = encode(claims);
    const token = `${body}.${this.sign(body)}`;
    return { url: `${this.publicUrl.replace(/\/+$/, '')}/v1/payloads/${token}`, token };
  };

  /** The dispatch payload a valid token names. Throws VR_UNAUTHORIZED for a forged or expired token, VR_NOT_FOUND when the event is gone. */
  async resolve(token: string, events: EventStore): Promise<unknown> {
    const [body, signature] = token.split('.');
    const expected = Buffer.from(body ? this.sign(body) : '');
    // timingSafeEqual throws on buffers of different lengths: compare byte lengths (a character may be several bytes).
    const given = Buffer.from(signature ?? '');
    if (!body || given.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new VrouterError('VR_UNAUTHORIZED', 'The payload token is not valid.');
    }
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
    if (claims.exp < Date.now()) throw new VrouterError('VR_UNAUTHORIZED', 'The payload token has expired.');
    const stored = await events.getEvent(claims.source, claims.id);
    if (!stored) throw new NotFoundError(`Event ${claims.id} from ${claims.source}`);
    return { ...stored.event.event, vrouter: claims.vrouter };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
