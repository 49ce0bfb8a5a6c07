import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSnapshot, subscribedComponents, subscriptionMatches } from '../src/index.js';

describe('subscriptions', () => {
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
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${type}`, () => assert.equal(subscriptionMatches(pattern, type), expected));
  }

  it('lists subscribed components in name order', () => {
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
