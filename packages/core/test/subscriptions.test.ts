import assert from 'node:assert/strict';
import t from 'tap';
import { buildSnapshot, subscribedComponents, subscriptionMatches } from '../src/index.js';

t.test('subscriptions', async (t) => {
  const table: [string, string, boolean][] = [
    ['build.*', 'build.started', true],
    ['build.*', 'build.step.done', true],
    ['build.*', 'build', false],
    ['build.*', 'builder.started', false],
    ['build.started', 'build.started', true],
    ['build.started', 'build.started.x', false],
    ['*', 'anything', true],
  ];
  for (const [pattern, type, expected] of table) {
    t.test(`${pattern} ${expected ? 'matches' : 'does not match'} ${type}`, async () => assert.equal(subscriptionMatches(pattern, type), expected));
  }

  t.test('lists subscribed components in name order', async () => {
    const at = '2026-01-01T00:00:00Z';
    const snapshot = buildSnapshot({
      revision: 1,
      components: [
        { name: 'zeta', subscriptions: ['build.*'], createdAt: at, updatedAt: at },
        { name: 'alpha', subscriptions: ['build.started'], createdAt: at, updatedAt: at },
        { name: 'other', subscriptions: ['deploy.*'], createdAt: at, updatedAt: at },
      ],
      versions: [],
      channels: [],
      pins: [],
      customers: [],
      projects: [],
    });
    assert.deepEqual(subscribedComponents(snapshot, 'build.started'), ['alpha', 'zeta']);
    assert.deepEqual(subscribedComponents(snapshot, 'nothing'), []);
  });
});

t.test('inShadowSample', async (t) => {
  t.test('is sticky per customer and grows with the percentage', async () => {
    const { inShadowSample } = await import('../src/index.js');
    const customers = Array.from({ length: 2000 }, (_, i) => `c${i}`);
    const at = (percent: number) => new Set(customers.filter((c) => inShadowSample({ version: 'v2', percent }, 'svc', c)));
    const ten = at(10);
    const thirty = at(30);
    assert.ok(ten.size > 150 && ten.size < 250, `10% gave ${ten.size}`);
    assert.ok(
      [...ten].every((c) => thirty.has(c)),
      'raising the share keeps everyone already in',
    );
    assert.equal(at(0).size, 0);
    assert.equal(at(100).size, 2000);
    assert.equal(inShadowSample(undefined, 'svc', 'c1'), false);
    assert.deepEqual(at(10), ten, 'the same customers every time');
  });
});
