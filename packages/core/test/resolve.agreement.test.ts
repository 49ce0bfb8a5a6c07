import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import {
  buildSnapshot,
  type ChainContext,
  CHAIN_MODES,
  type ChannelName,
  CHANNELS,
  decideVersion,
  type Directives,
  type OverrideClaims,
  type Pin,
  type Resolution,
  ROLLOUT_STATES,
  type Rollout,
  resolveVersion,
  SCOPES,
} from '../src/index.js';

// The fast path answers from decisions the snapshot made ahead of time; the explaining path walks every step.
// Whatever the configuration, the event (its override and the chain it continues included) and the clock, they must
// give the same answer.

const at = '2026-01-01T00:00:00.000Z';
const base = Date.parse('2026-06-01T00:00:00Z');
const components = ['svc', 'api'];
// Enough customers that some fall in a rollout's share and some outside it.
const subjects = ['a', 'b', 'c', '', 'd', 'e', 'f', 'g', 'h', 'i'];
const versionName = fc.constantFrom('v1', 'v2', 'v3', 'v9');
const offset = fc.integer({ min: -5_000, max: 5_000 });

const pin = fc
  .record({
    scope: fc.constantFrom(...SCOPES),
    subject: fc.constantFrom(...subjects),
    component: fc.constantFrom(...components, 'gone'),
    to: fc.oneof(
      fc.constantFrom<ChannelName>(...CHANNELS).map((channel) => ({ channel })),
      versionName.map((version) => ({ version })),
    ),
    expiresAt: fc.option(
      fc.oneof(
        offset.map((ms) => new Date(base + ms).toISOString()),
        fc.constant('not a time'),
      ),
      { nil: undefined },
    ),
  })
  .map(({ to, expiresAt, ...rest }) => ({ ...rest, ...to, ...(expiresAt !== undefined ? { expiresAt } : {}), createdAt: at }) as Pin);

const config = fc.record({
  versions: fc.array(fc.record({ component: fc.constantFrom(...components), name: versionName }), { maxLength: 6 }),
  channels: fc.array(fc.record({ component: fc.constantFrom(...components, 'gone'), channel: fc.constantFrom<ChannelName>(...CHANNELS), version: versionName }), { maxLength: 6 }),
  pins: fc.array(pin, { maxLength: 12 }),
  // Per component: keep the chain's version (unset or "keep") or resolve afresh.
  chainModes: fc.tuple(...components.map(() => fc.option(fc.constantFrom(...CHAIN_MODES), { nil: undefined }))),
  // Per component: a rollout (current or last) in any state, of a version registered or not, or none.
  rollouts: fc.tuple(
    ...components.map(() =>
      fc.option(
        fc.record({
          version: versionName,
          state: fc.constantFrom(...ROLLOUT_STATES),
          percents: fc.constantFrom([5, 50], [0.01, 100], [30]),
          step: fc.nat({ max: 1 }),
          dryRun: fc.boolean(),
          pending: fc.option(fc.constantFrom('revert-channels', 'set-stable') as fc.Arbitrary<Rollout['pending'] & string>, { nil: undefined }),
        }),
        { nil: undefined },
      ),
    ),
  ),
});

function rolloutOf(component: string, r: NonNullable<(typeof config extends fc.Arbitrary<infer T> ? T : never)['rollouts'][number]>): Rollout {
  const steps = r.percents.map((percent) => ({ percent, bakeSeconds: 60 }));
  return {
    component,
    version: r.version,
    baseline: 'v1',
    steps,
    gate: { abortOnFirstError: true, confidence: 0.95, minDispatches: 100 },
    dryRun: r.dryRun,
    state: r.state,
    step: Math.min(r.step, steps.length - 1),
    stepStartedAt: at,
    startedAt: at,
    updatedAt: at,
    startedBy: 'test',
    decisions: [],
    seq: 1,
    ...(r.pending ? { pending: r.pending } : {}),
  };
}

/** Components to versions, as a decoded token or context holds them: registered or not, known components or not. */
const versions = fc.array(fc.tuple(fc.constantFrom(...components, 'gone'), versionName), { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

const override: fc.Arbitrary<OverrideClaims> = fc
  .record({ versions, expiresAt: offset.map((ms) => base + ms), subject: fc.option(fc.constantFrom('pr-7', 'qa'), { nil: undefined }) })
  .map(({ subject, ...rest }) => ({ ...rest, ...(subject !== undefined ? { subject } : {}) }));

const chain: fc.Arbitrary<ChainContext> = fc
  .record({ depth: fc.nat({ max: 3 }), versions, override: fc.option(override, { nil: undefined }) })
  .map(({ override: carried, ...rest }) => ({ root: { source: '/s', id: 'root' }, customer: 'a', ...rest, ...(carried ? { override: carried } : {}) }));

const directives: fc.Arbitrary<Directives> = fc
  .record({ override: fc.option(override, { nil: undefined }), chain: fc.option(chain, { nil: undefined }) })
  .map(({ override: own, chain: continued }) => ({ ...(own ? { override: own } : {}), ...(continued ? { chain: continued } : {}) }));

const context = fc.record({ project: fc.constantFrom(...subjects), customer: fc.constantFrom(...subjects), plan: fc.constantFrom(...subjects) }, { requiredKeys: [] });

function snapshotOf(c: typeof config extends fc.Arbitrary<infer T> ? T : never) {
  return buildSnapshot({
    revision: 1,
    components: components.map((name, i) => ({ name, subscriptions: ['*'], ...(c.chainModes[i] ? { chain: c.chainModes[i] } : {}), createdAt: at, updatedAt: at })),
    versions: c.versions.map(({ component, name }) => ({
      component,
      name,
      registeredAt: at,
      target: { kind: 'lambda', functionName: component, qualifier: name, invocationType: 'Event' },
    })),
    channels: c.channels,
    pins: c.pins,
    customers: [],
    projects: [],
    rollouts: c.rollouts.flatMap((r, i) => (r ? [rolloutOf(components[i]!, r)] : [])),
  });
}

const essentials = (r: Resolution) =>
  r.resolved
    ? { resolved: true, component: r.component, version: r.version, channel: r.channel, source: r.source, pin: r.pin, override: r.override, rollout: r.rollout, target: r.target }
    : { resolved: false, component: r.component, reason: r.reason };

t.test('fast and explaining paths agree', async (t) => {
  t.test('resolveVersion: same version, channel, source, pin and target (or the same reason) for every configuration, event and instant', async () => {
    fc.assert(
      fc.property(config, context, fc.constantFrom(...components, 'unknown'), fc.integer({ min: -6_000, max: 6_000 }), (c, ctx, component, ms) => {
        const snapshot = snapshotOf(c);
        const now = base + ms;
        const fast = resolveVersion(snapshot, component, ctx, now);
        const explained = resolveVersion(snapshot, component, ctx, now, { explain: true });
        assert.deepEqual(essentials(fast), essentials(explained));
        assert.deepEqual(fast.considered, []);
      }),
      { numRuns: 3000 },
    );
  });

  t.test('decideVersion: the same, with overrides and chain contexts above every pin', async () => {
    fc.assert(
      fc.property(config, context, directives, fc.constantFrom(...components, 'unknown'), fc.integer({ min: -6_000, max: 6_000 }), (c, ctx, d, component, ms) => {
        const snapshot = snapshotOf(c);
        const now = base + ms;
        const fast = decideVersion(snapshot, component, ctx, now, d);
        const explained = decideVersion(snapshot, component, ctx, now, d, { explain: true });
        assert.deepEqual(essentials(fast), essentials(explained));
        assert.deepEqual(fast.considered, []);
      }),
      { numRuns: 3000 },
    );
  });

  t.test('agree at the instant a pin or an override expires and just before', async () => {
    fc.assert(
      fc.property(config, context, directives, fc.nat({ max: 20 }), fc.constantFrom(-1, 0), (c, ctx, d, which, delta) => {
        const instants = [...c.pins.map((p) => (p.expiresAt === undefined ? Number.NaN : Date.parse(p.expiresAt))), d.override?.expiresAt, d.chain?.override?.expiresAt].filter(
          (ms): ms is number => ms !== undefined && !Number.isNaN(ms),
        );
        fc.pre(instants.length > 0);
        const now = instants[which % instants.length]! + delta;
        const snapshot = snapshotOf(c);
        for (const component of components) {
          assert.deepEqual(essentials(decideVersion(snapshot, component, ctx, now, d)), essentials(decideVersion(snapshot, component, ctx, now, d, { explain: true })));
          assert.deepEqual(essentials(resolveVersion(snapshot, component, ctx, now)), essentials(resolveVersion(snapshot, component, ctx, now, { explain: true })));
        }
      }),
      { numRuns: 1000 },
    );
  });

  t.test('the generators reach every source, so agreement is not only ever about the default', async () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(config, context, directives, fc.constantFrom(...components), offset, (c, ctx, d, component, ms) => {
        const decision = decideVersion(snapshotOf(c), component, ctx, base + ms, d);
        seen.add(decision.resolved ? decision.source : 'unresolved');
      }),
      { numRuns: 2000, seed: 16 },
    );
    assert.deepEqual([...seen].sort(), ['chain', 'customer', 'default', 'override', 'plan', 'project', 'rollout', 'unresolved']);
  });
});
