import assert from 'node:assert/strict';
import t from 'tap';
import fc from 'fast-check';
import { type ChannelName, type Pin, type PinScope, resolveVersion, SCOPES } from '../src/index.js';
import { snapshotWith } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const context = { project: 'web', customer: 'acme', plan: 'pro' } as const;

type PinSpec = Omit<Pin, 'createdAt' | 'component'>;

const channel = fc.constantFrom<ChannelName>('stable', 'beta', 'experimental');
const versionName = fc.constantFrom('v1', 'v2', 'v3', 'v9'); // v9 is never registered
const expiry = fc.option(
  fc.integer({ min: -86_400_000, max: 86_400_000 }).map((offset) => new Date(now + offset).toISOString()),
  { nil: undefined },
);

const pinFor = (scope: PinScope): fc.Arbitrary<PinSpec | null> =>
  fc.option(
    fc
      .record({
        to: fc.oneof(
          channel.map((c) => ({ channel: c })),
          versionName.map((v) => ({ version: v })),
        ),
        expiresAt: expiry,
      })
      .map(({ to, expiresAt }) => ({ scope, subject: context[scope], ...to, ...(expiresAt ? { expiresAt } : {}) }) as PinSpec),
    { nil: null },
  );

const channels = fc.record(
  { stable: fc.option(versionName, { nil: undefined }), beta: fc.option(versionName, { nil: undefined }), experimental: fc.option(versionName, { nil: undefined }) },
  { requiredKeys: [] },
);

const scenario = fc.record({ project: pinFor('project'), customer: pinFor('customer'), plan: pinFor('plan'), channels });

const registered = new Set(['v1', 'v2', 'v3']);

/** The specification, written independently of the implementation: what version should this pin give, if any? */
function honoured(pin: PinSpec | null, chans: Partial<Record<ChannelName, string | undefined>>): string | undefined {
  if (!pin) return undefined;
  if (pin.expiresAt && Date.parse(pin.expiresAt) <= now) return undefined;
  const version = pin.channel ? chans[pin.channel] : pin.version;
  return version && registered.has(version) ? version : undefined;
}

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const pins = [s.project, s.customer, s.plan].filter((p): p is PinSpec => p !== null);
  const chans = Object.fromEntries(Object.entries(s.channels).filter(([, v]) => v !== undefined)) as Partial<Record<ChannelName, string>>;
  return { snapshot: snapshotWith({ pins, channels: chans }), chans };
}

t.test('resolveVersion properties', async (t) => {
  t.test('the most specific honourable pin wins; else stable; else unresolved', async () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { snapshot, chans } = build(s);
        const result = resolveVersion(snapshot, 'svc', context, now);
        const winner = SCOPES.find((scope) => honoured(s[scope], chans) !== undefined);
        if (winner) {
          assert.equal(result.resolved, true);
          if (!result.resolved) return;
          assert.equal(result.source, winner);
          assert.equal(result.version, honoured(s[winner], chans));
          assert.deepEqual(result.pin, { scope: winner, subject: context[winner] });
        } else if (chans.stable && registered.has(chans.stable)) {
          assert.equal(result.resolved, true);
          if (!result.resolved) return;
          assert.equal(result.source, 'default');
          assert.equal(result.version, chans.stable);
        } else {
          assert.equal(result.resolved, false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  t.test('an expired pin never changes the decision', async () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom(...SCOPES), channel, fc.integer({ min: 0, max: 10 ** 10 }), (s, scope, c, ago) => {
        const withoutPin = { ...s, [scope]: null };
        const expired = { ...s, [scope]: { scope, subject: context[scope], channel: c, expiresAt: new Date(now - ago).toISOString() } };
        const a = resolveVersion(build(withoutPin).snapshot, 'svc', context, now);
        const b = resolveVersion(build(expired).snapshot, 'svc', context, now);
        assert.equal(a.resolved, b.resolved);
        if (a.resolved && b.resolved) assert.deepEqual([a.version, a.source], [b.version, b.source]);
      }),
    );
  });

  t.test('always resolves to a registered version and explains every scope once', async () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = resolveVersion(build(s).snapshot, 'svc', context, now, { explain: true });
        if (result.resolved) assert.ok(registered.has(result.version));
        const scopes = result.considered.map((step) => step.scope).filter((scope) => scope !== 'default');
        assert.deepEqual(scopes, [...SCOPES]);
      }),
    );
  });
});
