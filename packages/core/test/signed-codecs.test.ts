import assert from 'node:assert/strict';
import t from 'tap';
import fc from 'fast-check';
import {
  type ChainContext,
  decodeContext,
  decodeOverride,
  encodeContext,
  encodeOverride,
  isVrouterError,
  MAX_CHAIN_DEPTH,
  newSigningKey,
  nextContext,
  type OverrideClaims,
  rotateSigningKeys,
  verificationKeys,
} from '../src/index.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const key = newSigningKey(new Date(now));
const other = newSigningKey(new Date(now));

const component = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const version = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const subject = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,30}$/);
const versions = fc.dictionary(component, version, { minKeys: 1, maxKeys: 20, noNullPrototype: true });
const override: fc.Arbitrary<OverrideClaims> = fc.record(
  { versions, expiresAt: fc.integer({ min: 1, max: 7 * 86_400 }).map((s) => now + s * 1000), subject },
  { requiredKeys: ['versions', 'expiresAt'], noNullPrototype: true },
);
const context: fc.Arbitrary<ChainContext> = fc.record(
  {
    root: fc.record({ source: fc.string({ minLength: 1, maxLength: 60 }), id: fc.string({ minLength: 1, maxLength: 40 }) }, { noNullPrototype: true }),
    depth: fc.integer({ min: 0, max: MAX_CHAIN_DEPTH - 1 }),
    customer: subject,
    project: subject,
    plan: subject,
    override,
    versions: fc.dictionary(component, version, { maxKeys: 20, noNullPrototype: true }),
  },
  { requiredKeys: ['root', 'depth', 'versions'], noNullPrototype: true },
);

/** Every string that differs from `text` in one byte: each position set to each of a few other characters. */
const oneByteChange = (text: string) =>
  fc.record({ at: fc.nat({ max: text.length - 1 }), to: fc.integer({ min: 0, max: 255 }) }).filter(({ at, to }) => text.charCodeAt(at) !== to);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(isVrouterError(error), String(error));
    return error.code;
  }
}

t.test('override tokens', async (t) => {
  t.test('round-trip: what was signed is what verifies (whole seconds)', async () => {
    fc.assert(
      fc.property(override, (claims) => {
        const token = encodeOverride(claims, key);
        assert.match(token, /^vro1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(decodeOverride(token, [key], now), claims);
      }),
    );
  });

  t.test('any single-byte change fails verification', async () => {
    fc.assert(
      fc.property(
        override.chain((claims) => {
          const token = encodeOverride(claims, key);
          return fc.tuple(fc.constant(token), oneByteChange(token));
        }),
        ([token, { at, to }]) => {
          const changed = token.slice(0, at) + String.fromCharCode(to) + token.slice(at + 1);
          assert.equal(
            code(() => decodeOverride(changed, [key], now)),
            'VR_OVERRIDE_INVALID',
          );
        },
      ),
    );
  });

  t.test('refuses expired tokens, tokens of another key, and garbage, each with VR_OVERRIDE_INVALID', async () => {
    const token = encodeOverride({ versions: { svc: 'v2' }, expiresAt: now + 60_000, subject: 'qa' }, key);
    assert.equal(decodeOverride(token, [key], now + 59_000).subject, 'qa');
    assert.equal(
      code(() => decodeOverride(token, [key], now + 60_000)),
      'VR_OVERRIDE_INVALID',
    );
    assert.equal(
      code(() => decodeOverride(token, [other], now)),
      'VR_OVERRIDE_INVALID',
    );
    for (const garbage of ['', 'vro1', 'vro1..', 'x.y.z', 42, null, 'a'.repeat(5000)]) {
      assert.equal(
        code(() => decodeOverride(garbage, [key], now)),
        'VR_OVERRIDE_INVALID',
        String(garbage),
      );
    }
  });

  t.test('a rotated key still verifies during its grace period, and no longer after it', async () => {
    const token = encodeOverride({ versions: { svc: 'v2' }, expiresAt: now + 86_400_000 }, key);
    const rotated = rotateSigningKeys({ current: key }, new Date(now));
    assert.notEqual(rotated.current.secret, key.secret);
    assert.deepEqual(decodeOverride(token, verificationKeys(rotated, now + 999, 1000), now).versions, { svc: 'v2' });
    assert.equal(
      code(() => decodeOverride(token, verificationKeys(rotated, now + 1000, 1000), now)),
      'VR_OVERRIDE_INVALID',
    );
  });
});

t.test('chain contexts', async (t) => {
  t.test('round-trip', async () => {
    fc.assert(
      fc.property(context, (ctx) => {
        const expected = ctx.override ? { ...ctx, override: { ...ctx.override, expiresAt: Math.floor(ctx.override.expiresAt / 1000) * 1000 } } : ctx;
        assert.deepEqual(decodeContext(encodeContext(ctx, key), [key]), expected);
      }),
    );
  });

  t.test('any single-byte change fails verification', async () => {
    fc.assert(
      fc.property(
        context.chain((ctx) => {
          const raw = encodeContext(ctx, key);
          return fc.tuple(fc.constant(raw), oneByteChange(raw));
        }),
        ([raw, { at, to }]) => {
          const changed = raw.slice(0, at) + String.fromCharCode(to) + raw.slice(at + 1);
          assert.equal(
            code(() => decodeContext(changed, [key])),
            'VR_CONTEXT_INVALID',
          );
        },
      ),
    );
  });

  t.test('refuses another deployment’s context, an override token passed as a context, and a chain too deep', async () => {
    const ctx: ChainContext = { root: { source: '/s', id: '1' }, depth: 0, versions: { svc: 'v1' } };
    assert.equal(
      code(() => decodeContext(encodeContext(ctx, other), [key])),
      'VR_CONTEXT_INVALID',
    );
    assert.equal(
      code(() => decodeContext(encodeOverride({ versions: { svc: 'v1' }, expiresAt: now + 1000 }, key), [key])),
      'VR_CONTEXT_INVALID',
    );
    assert.equal(
      code(() => decodeContext(encodeContext({ ...ctx, depth: MAX_CHAIN_DEPTH }, key), [key])),
      'VR_CONTEXT_INVALID',
    );
  });

  t.test('nextContext roots a new chain at the event, or goes one deeper with the chain’s versions under this event’s', async () => {
    const first = nextContext({ source: '/s', id: 'a' }, undefined, { customer: 'acme' }, { svc: 'v1' });
    assert.deepEqual(first, { root: { source: '/s', id: 'a' }, depth: 0, customer: 'acme', versions: { svc: 'v1' } });
    const second = nextContext({ source: '/s', id: 'b' }, first, { customer: 'acme', plan: 'pro' }, { svc: 'v2', other: 'v7' });
    assert.deepEqual(second, { root: { source: '/s', id: 'a' }, depth: 1, customer: 'acme', plan: 'pro', versions: { svc: 'v2', other: 'v7' } });
  });
});
