import assert from 'node:assert/strict';
import t from 'tap';
import {
  assertOverrideRoutable,
  buildSnapshot,
  type ChainContext,
  decideVersion,
  type Directives,
  isVrouterError,
  type Resolution,
  type RoutingContext,
  type RoutingSnapshot,
} from '../src/index.js';
import { snapshotWith } from './fixtures.js';

/** The explaining path, checked against the fast path on every call: both must give the same answer. */
function explained(snapshot: RoutingSnapshot, component: string, context: RoutingContext, now: number, directives?: Directives): Resolution {
  const decision = decideVersion(snapshot, component, context, now, directives, { explain: true });
  const { considered, ...essentials } = decision;
  const { considered: none, ...fast } = decideVersion(snapshot, component, context, now, directives);
  assert.deepEqual(fast, essentials);
  assert.deepEqual(none, []);
  assert.ok(considered.length > 0, 'the explaining path explains');
  return decision;
}

const now = Date.parse('2026-06-01T00:00:00Z');
const pinned = snapshotWith({ pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] });
const chain: ChainContext = { root: { source: '/s', id: 'root' }, depth: 0, customer: 'acme', versions: { svc: 'v3' } };

t.test('decideVersion', async (t) => {
  t.test('without an override or a chain it is resolveVersion', async () => {
    const decision = explained(pinned, 'svc', { customer: 'acme' }, now);
    assert.ok(decision.resolved);
    assert.equal(decision.version, 'v2');
    assert.equal(decision.source, 'customer');
  });

  t.test('an override wins over every pin and names its subject', async () => {
    const decision = explained(pinned, 'svc', { customer: 'acme' }, now, { override: { versions: { svc: 'v3' }, expiresAt: now + 1000, subject: 'pr-7' } });
    assert.ok(decision.resolved);
    assert.equal(decision.version, 'v3');
    assert.equal(decision.source, 'override');
    assert.deepEqual(decision.override, { subject: 'pr-7' });
    assert.match(decision.considered[0]!.detail, /^override \(subject pr-7\) → v3/);
  });

  t.test('a chain keeps its version over the pin, unless the component opts out', async () => {
    const kept = explained(pinned, 'svc', { customer: 'acme' }, now, { chain });
    assert.ok(kept.resolved);
    assert.equal(kept.version, 'v3');
    assert.equal(kept.source, 'chain');
    const parts = snapshotWith({ pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] });
    const routing = parts.components.get('svc')!;
    const optedOut = buildSnapshot({
      revision: 2,
      components: [{ ...routing.component, chain: 'resolve' }],
      versions: [...routing.versions.values()],
      channels: Object.entries(routing.channels).map(([channel, version]) => ({ component: 'svc', channel: channel as 'stable', version: version! })),
      pins: [...parts.pins.values()],
      customers: [],
      projects: [],
    });
    const fresh = explained(optedOut, 'svc', { customer: 'acme' }, now, { chain });
    assert.ok(fresh.resolved);
    assert.equal(fresh.version, 'v2');
    assert.equal(fresh.considered[0]!.outcome, 'opted-out');
  });

  t.test('a chain version no longer registered is resolved afresh, and the explanation says so', async () => {
    const decision = explained(snapshotWith({ versions: ['v1', 'v2'], channels: { stable: 'v1' } }), 'svc', { customer: 'acme' }, now, { chain });
    assert.ok(decision.resolved);
    assert.equal(decision.version, 'v1');
    assert.equal(decision.considered[0]!.outcome, 'version-unknown');
    assert.match(decision.considered[0]!.detail, /no longer registered; resolved afresh/);
  });

  t.test('the chain’s override applies to components the chain has not decided, until it expires', async () => {
    const withOverride: ChainContext = { ...chain, versions: {}, override: { versions: { svc: 'v2' }, expiresAt: now + 1000 } };
    const live = explained(snapshotWith({}), 'svc', {}, now, { chain: withOverride });
    assert.ok(live.resolved);
    assert.equal(live.source, 'override');
    const expired = explained(snapshotWith({}), 'svc', {}, now + 1000, { chain: withOverride });
    assert.ok(expired.resolved);
    assert.equal(expired.source, 'default');
    assert.equal(expired.considered[0]!.outcome, 'expired');
  });
});

t.test('assertOverrideRoutable', async (t) => {
  t.test('refuses an override naming an unregistered version or component with VR_OVERRIDE_INVALID', async () => {
    assert.doesNotThrow(() => assertOverrideRoutable(pinned, { versions: { svc: 'v3' }, expiresAt: now + 1 }));
    for (const versions of [{ svc: 'v9' }, { nope: 'v1' }] as Record<string, string>[]) {
      assert.throws(
        () => assertOverrideRoutable(pinned, { versions, expiresAt: now + 1 }),
        (error) => isVrouterError(error) && error.code === 'VR_OVERRIDE_INVALID' && error.field === 'vrouteroverride',
      );
    }
  });
});
