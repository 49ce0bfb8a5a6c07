import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ValidationError } from '@vrouter/core';

/**
 * Opaque, signed page cursors. A cursor carries DynamoDB start keys, so a crafted one must never reach DynamoDB:
 * each is `<base64url(json)>.<HMAC-SHA256>` under a key every router of a deployment shares (replay jobs resume
 * from a saved cursor on whichever router picks them up), and it names the query it belongs to. Anything else is
 * refused with ValidationError on `cursor`, a 4xx.
 */
export class CursorSigner {
  private readonly key: Buffer;

  /** `key`: the deployment's cursor key; a random one when absent, so cursors then only work on this process. */
  constructor(key?: string | Uint8Array) {
    this.key = key === undefined || key.length === 0 ? randomBytes(32) : Buffer.from(key);
  }

  /** Signs `payload` for the query identified by `scope`. */
  encode(scope: string, payload: unknown): string {
    // Compressed: one position per shard repeats the same source and time prefixes, and cursors travel in URLs.
    const body = deflateRawSync(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(scope, body)}`;
  }

  /** The payload of a cursor this signer issued for `scope`; throws ValidationError (field `cursor`) otherwise. */
  decode(scope: string, raw: string): unknown {
    const refuse = () => new ValidationError('cursor', 'cursor is not one this API issued for this query.');
    if (raw.length > MAX_CURSOR_LENGTH) throw refuse();
    const dot = raw.indexOf('.');
    if (dot <= 0) throw refuse();
    const body = raw.slice(0, dot);
    const signature = Buffer.from(raw.slice(dot + 1));
    const expected = Buffer.from(this.sign(scope, body));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw refuse();
    try {
      return JSON.parse(inflateRawSync(Buffer.from(body, 'base64url'), { maxOutputLength: MAX_CURSOR_LENGTH * 16 }).toString('utf8'));
    } catch {
      throw refuse();
    }
  }

  /** The scope is signed but not carried: a cursor replayed against another query fails the check. */
  private sign(scope: string, body: string): string {
    return createHmac('sha256', this.key).update(scope).update('\n').update(body).digest('base64url');
  }
}

/** A cursor holds one start key per shard (a sort key and a table sort key); anything far longer was not issued here. */
const MAX_CURSOR_LENGTH = 64 * 1024;
