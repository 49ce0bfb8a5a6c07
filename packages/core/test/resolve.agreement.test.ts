import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { buildSnapshot, type ChannelName, CHANNELS, type Pin, type Resolution, resolveVersion, SCOPES } from '../src/index.js';

// The fast path answers from decisions the snapshot made ahead of time; the explaining path walks every step.
// Whatever the configuration, the event and the clock, they must give the same answer.

const at = '2026-01-01T00:00:00.000Z';
const base = Date.parse('2026-06-01T00:00:00Z');
const components = ['svc', 'api'];
const subjects = ['a', 'b', 'c', ''];
const versionName = fc.constantFrom('v1', 'v2', 'v3', 'v9');

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
        fc.integer({ min: -5_000, max: 5_000 }).map((offset) => new Date(base + offset).toISOString()),
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
});

const context = fc.record({ project: fc.constantFrom(...subjects), customer: fc.constantFrom(...subjects), plan: fc.constantFrom(...subjects) }, { requiredKeys: [] });

function snapshotOf(c: typeof config extends fc.Arbitrary<infer T> ? T : never) {
  return buildSnapshot({
    revision: 1,
    components: components.map((name) => ({ name, subscriptions: ['*'], createdAt: at, updatedAt: at })),
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
  });
}

const essentials = (r: Resolution) =>
  r.resolved
    ? { resolved: true, component: r.component, version: r.version, channel: r.channel, source: r.source, pin: r.pin, target: r.target }
    : { resolved: false, component: r.component, reason: r.reason };

t.test('resolveVersion: fast and explaining paths agree', async (t) => {
  t.test('same version, channel, source, pin and target (or the same reason) for every configuration, event and instant', async () => {
    fc.assert(
      fc.property(config, context, fc.constantFrom(...components, 'unknown'), fc.integer({ min: -6_000, max: 6_000 }), (c, ctx, component, offset) => {
        const snapshot = snapshotOf(c);
        const now = base + offset;
        const fast = resolveVersion(snapshot, component, ctx, now);
        const explained = resolveVersion(snapshot, component, ctx, now, { explain: true });
        assert.deepEqual(essentials(fast), essentials(explained));
        assert.deepEqual(fast.considered, []);
      }),
      { numRuns: 3000 },
    );
  });

  t.test('agree at the instant a pin expires and just before', async () => {
    fc.assert(
      fc.property(config, context, fc.nat({ max: 11 }), fc.constantFrom(-1, 0), (c, ctx, which, delta) => {
        const timed = c.pins.filter((p) => p.expiresAt !== undefined && !Number.isNaN(Date.parse(p.expiresAt)));
        fc.pre(timed.length > 0);
        const now = Date.parse(timed[which % timed.length]!.expiresAt!) + delta;
        const snapshot = snapshotOf(c);
        for (const component of components) {
          assert.deepEqual(essentials(resolveVersion(snapshot, component, ctx, now)), essentials(resolveVersion(snapshot, component, ctx, now, { explain: true })));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
