import assert from 'node:assert/strict';
import t from 'tap';
import { resolveVersion, routingContext } from '../src/index.js';
import { snapshotWith } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const past = '2026-05-01T00:00:00Z';
const future = '2026-07-01T00:00:00Z';

function resolved(result: ReturnType<typeof resolveVersion>) {
  assert.equal(result.resolved, true, JSON.stringify(result));
  if (!result.resolved) throw new Error('unreachable');
  return result;
}

t.test('resolveVersion: edge cases', async (t) => {
  const cases: {
    name: string;
    snapshot: Parameters<typeof snapshotWith>[0];
    context: { customer?: string; project?: string; plan?: string };
    version: string | null;
    source?: string;
    skipped?: string[];
  }[] = [
    { name: 'no pins → stable', snapshot: {}, context: { customer: 'acme' }, version: 'v1', source: 'default' },
    {
      name: 'customer pin to beta',
      snapshot: { pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] },
      context: { customer: 'acme' },
      version: 'v2',
      source: 'customer',
    },
    {
      name: 'other customer unaffected',
      snapshot: { pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] },
      context: { customer: 'globex' },
      version: 'v1',
      source: 'default',
    },
    {
      name: 'project beats customer beats plan',
      snapshot: {
        pins: [
          { scope: 'plan', subject: 'pro', version: 'v1' },
          { scope: 'customer', subject: 'acme', channel: 'beta' },
          { scope: 'project', subject: 'web', channel: 'experimental' },
        ],
      },
      context: { customer: 'acme', project: 'web', plan: 'pro' },
      version: 'v3',
      source: 'project',
    },
    {
      name: 'plan pin',
      snapshot: { pins: [{ scope: 'plan', subject: 'free', channel: 'experimental' }] },
      context: { customer: 'a', plan: 'free' },
      version: 'v3',
      source: 'plan',
    },
    {
      name: 'expired customer pin falls to plan',
      snapshot: {
        pins: [
          { scope: 'customer', subject: 'acme', channel: 'beta', expiresAt: past },
          { scope: 'plan', subject: 'pro', channel: 'experimental' },
        ],
      },
      context: { customer: 'acme', plan: 'pro' },
      version: 'v3',
      source: 'plan',
      skipped: ['expired'],
    },
    {
      name: 'unexpired pin applies',
      snapshot: { pins: [{ scope: 'customer', subject: 'acme', channel: 'beta', expiresAt: future }] },
      context: { customer: 'acme' },
      version: 'v2',
      source: 'customer',
    },
    {
      name: 'pin to an empty channel is skipped',
      snapshot: { channels: { stable: 'v1' }, pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] },
      context: { customer: 'acme' },
      version: 'v1',
      source: 'default',
      skipped: ['channel-empty'],
    },
    {
      name: 'pin to an unknown version is skipped',
      snapshot: { pins: [{ scope: 'project', subject: 'web', version: 'v9' }] },
      context: { customer: 'acme', project: 'web' },
      version: 'v1',
      source: 'default',
      skipped: ['version-unknown'],
    },
    { name: 'exact version pin', snapshot: { pins: [{ scope: 'customer', subject: 'acme', version: 'v3' }] }, context: { customer: 'acme' }, version: 'v3', source: 'customer' },
    { name: 'no stable and no pin → unresolved', snapshot: { channels: { beta: 'v2' } }, context: { customer: 'acme' }, version: null },
  ];

  for (const c of cases) {
    t.test(c.name, async () => {
      const snapshot = snapshotWith(c.snapshot);
      const result = resolveVersion(snapshot, 'svc', c.context, now, { explain: true });
      const fast = resolveVersion(snapshot, 'svc', c.context, now);
      assert.equal(fast.resolved, result.resolved);
      if (fast.resolved && result.resolved) assert.deepEqual([fast.version, fast.source, fast.channel, fast.pin], [result.version, result.source, result.channel, result.pin]);
      if (c.version === null) {
        assert.equal(result.resolved, false);
        if (!result.resolved) assert.match(result.reason, /stable channel points at no version/);
        return;
      }
      const decision = resolved(result);
      assert.equal(decision.version, c.version);
      assert.equal(decision.source, c.source);
      const outcomes = decision.considered.map((step) => step.outcome);
      for (const skip of c.skipped ?? []) assert.ok(outcomes.includes(skip as never), `expected ${skip} in ${outcomes.join(',')}`);
    });
  }

  t.test('explains every scope, in precedence order', async () => {
    const decision = resolved(
      resolveVersion(snapshotWith({ pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] }), 'svc', { customer: 'acme', plan: 'pro' }, now, { explain: true }),
    );
    assert.deepEqual(
      decision.considered.map((step) => [step.scope, step.outcome]),
      [
        ['project', 'no-subject'],
        ['customer', 'matched'],
        ['plan', 'not-reached'],
      ],
    );
    assert.deepEqual(decision.pin, { scope: 'customer', subject: 'acme' });
    assert.equal(decision.channel, 'beta');
  });

  t.test('an unknown component is unresolved, not thrown', async () => {
    for (const explain of [false, true]) {
      const result = resolveVersion(snapshotWith({}), 'nope', {}, now, { explain });
      assert.equal(result.resolved, false);
      if (!result.resolved) assert.equal(result.reason, 'Component nope is not registered.');
    }
  });

  t.test('without explain, the answer is shared and frozen, with no explanation', async () => {
    const snapshot = snapshotWith({ pins: [{ scope: 'customer', subject: 'acme', channel: 'beta' }] });
    const a = resolveVersion(snapshot, 'svc', { customer: 'acme' }, now);
    const b = resolveVersion(snapshot, 'svc', { customer: 'acme', plan: 'pro' }, now);
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.considered));
    assert.deepEqual(a.considered, []);
    assert.throws(() => (a.considered as unknown[]).push(1), TypeError);
  });

  t.test('a pin expiring exactly now is expired', async () => {
    const expiresAt = new Date(now).toISOString();
    const decision = resolved(resolveVersion(snapshotWith({ pins: [{ scope: 'customer', subject: 'acme', channel: 'beta', expiresAt }] }), 'svc', { customer: 'acme' }, now));
    assert.equal(decision.version, 'v1');
  });
});

t.test('routingContext', async (t) => {
  const snapshot = snapshotWith({ customers: [{ id: 'acme', plan: 'pro' }], projects: [{ id: 'web', customer: 'acme' }] });

  t.test('derives customer from project and plan from customer', async () => {
    assert.deepEqual(routingContext(snapshot, { project: 'web' }), { customer: 'acme', project: 'web', plan: 'pro' });
  });

  t.test('keeps what the event says', async () => {
    assert.deepEqual(routingContext(snapshot, { customer: 'globex', project: 'web', plan: 'free' }), { customer: 'globex', project: 'web', plan: 'free' });
  });

  t.test('leaves unknowns undefined', async () => {
    assert.deepEqual(routingContext(snapshot, { customer: 'nobody' }), { customer: 'nobody', project: undefined, plan: undefined });
  });
});
