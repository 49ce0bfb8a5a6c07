import assert from 'node:assert/strict';
import t from 'tap';
import type { AuditEntry } from '@vrouter/client';
import { describeChange } from '../src/commands/audit.js';

const entry = (action: AuditEntry['action'], before: unknown, after: unknown, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 'a1',
  at: '2026-01-01T00:00:00.000Z',
  actor: 'admin',
  action,
  component: 'svc',
  before,
  after,
  ...extra,
});

t.test('describeChange: one line per audit entry, in the words of its action', async (t) => {
  const cases: [string, AuditEntry, string][] = [
    ['a channel move', entry('channel.set', { channel: 'stable', version: 'v1' }, { channel: 'stable', version: 'v2' }, { subject: 'stable' }), 'channel stable: v1 → v2'],
    ['a first channel pointer', entry('channel.set', null, { channel: 'beta', version: 'v2' }, { subject: 'beta' }), 'channel beta: (none) → v2'],
    [
      'a forced promotion',
      entry('channel.promote', { channel: 'stable', version: 'v1' }, { channel: 'stable', version: 'v3' }, { forced: true }),
      'channel stable: v1 → v3 (forced)',
    ],
    [
      'a pin removed',
      entry('pin.delete', { scope: 'customer', subject: 'acme', channel: 'beta' }, null, { subject: 'acme', scope: 'customer' }),
      'pin customer/acme: channel beta → (deleted)',
    ],
    [
      'a pin moved to a version until a time',
      entry(
        'pin.set',
        { scope: 'plan', subject: 'free', channel: 'beta' },
        { scope: 'plan', subject: 'free', version: 'v24', expiresAt: '2026-01-02T00:00:00.000Z' },
        { subject: 'plan/free' },
      ),
      'pin plan/free: channel beta → version v24 until 2026-01-02T00:00:00.000Z',
    ],
    [
      'a version registered',
      entry('version.put', null, { name: 'v4', target: { kind: 'lambda', functionName: 'svc', qualifier: '3' } }, { subject: 'v4' }),
      'version v4: (none) → lambda svc:3',
    ],
    [
      'a version removed',
      entry('version.delete', { name: 'v4', target: { kind: 'http', url: 'https://example.com/hook' } }, null, { subject: 'v4' }),
      'version v4: http https://example.com/hook → (deleted)',
    ],
    ['a component created', entry('component.put', null, { name: 'svc', subscriptions: ['build.*', 'deploy.done'] }), 'component svc: (none) → subscribes build.*,deploy.done'],
    ['a component removed', entry('component.delete', { name: 'svc', subscriptions: [] }, null), 'component svc: subscribes (none) → (deleted)'],
    ['a shadow set', entry('shadow.set', null, { version: 'v3', percent: 10 }, { subject: 'v3' }), 'shadow: (none) → v3 at 10%'],
    [
      'a customer re-planned',
      entry('customer.put', { id: 'acme', plan: 'free' }, { id: 'acme', plan: 'pro' }, { component: undefined, subject: 'acme' }),
      'customer acme: plan free → plan pro',
    ],
    ['a project recorded', entry('project.put', null, { id: 'web', customer: 'acme' }, { component: undefined, subject: 'web' }), 'project web: (none) → customer acme'],
    ['a token revoked', entry('token.revoke', { name: 'ci', scopes: ['read'] }, null, { component: undefined, subject: 'ci' }), 'token ci: read → (revoked)'],
    ['an action it does not know', entry('future.thing' as AuditEntry['action'], { a: 1 }, null), '{"a":1} → (none)'],
  ];
  for (const [what, e, expected] of cases) t.test(what, async () => assert.equal(describeChange(e), expected));

  t.test('never more than 100 characters', async () => {
    const long = describeChange(entry('pin.set', null, { scope: 'customer', subject: 'x'.repeat(200), channel: 'beta' }, { subject: 'x'.repeat(200), scope: 'customer' }));
    assert.equal(long.length, 100);
    assert.ok(long.endsWith('…'));
  });
});
