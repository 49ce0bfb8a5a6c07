import assert from 'node:assert/strict';
import t from 'tap';
import { LocalHttpTarget } from '@vrouter/local-targets';
import { eventually, seedSvc, type Stack, startStack } from '../src/stack.js';

type Body = { text: string; changes: { action: string; actor: string; subject?: string }[] };

t.test('change notifications to webhooks', async (t) => {
  let stack: Stack;
  let hook: LocalHttpTarget;
  let slow: LocalHttpTarget;

  t.before(async () => {
    hook = new LocalHttpTarget();
    slow = new LocalHttpTarget();
    const { url } = await hook.start();
    const { url: slowUrl } = await slow.start();
    stack = await startStack({ env: { VROUTER_WEBHOOK_URLS: `${url}/hooks/slack,${slowUrl}/slow` } });
    await seedSvc(stack.api);
  });
  t.teardown(async () => {
    await stack.close();
    await hook.stop();
    await slow.stop();
  });

  const received = () => hook.requests.map((r) => r.body as Body);

  t.test('tells the webhook about pin, channel and version changes in a line Slack renders', async () => {
    await eventually(async () => (received().some((b) => b.changes[0]?.action === 'channel.set') ? true : undefined));
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta', reason: 'INC-42' });
    const { value } = await eventually(async () => received().find((b) => b.changes[0]?.action === 'pin.set'));
    assert.match(value.text, /^\*admin\* pinned customer `acme` of `svc` to channel `beta`: INC-42$/);
    assert.equal(value.changes[0]!.actor, 'admin');
    const versions = received().filter((b) => b.changes[0]?.action === 'version.put');
    assert.match(versions[0]!.text, /registered version `v1` of `svc`/);
    // Customer and token changes do not go out.
    await stack.api('PUT', '/v1/customers/acme', { plan: 'pro' });
    await stack.api('PUT', '/v1/components/svc/channels/beta', { version: 'v3' });
    assert.equal((await stack.api('POST', '/v1/components/svc/channels/beta/rollback')).status, 200);
    await eventually(async () => (received().some((b) => b.changes[0]?.action === 'channel.rollback') ? true : undefined));
    assert.ok(!received().some((b) => b.changes.some((c) => c.action === 'customer.put')));
  });

  t.test('retries a failing webhook with backoff until it takes the notification', async () => {
    const attempts = () => received().filter((b) => b.changes[0]?.subject === 'retry-me');
    hook.failNext(2, 503);
    await stack.api('PUT', '/v1/pins/customer/retry-me/svc', { channel: 'beta' });
    await eventually(async () => (attempts().length >= 3 ? true : undefined), 10_000);
    const statuses = hook.requests.filter((r) => (r.body as Body).changes[0]?.subject === 'retry-me').map((r) => r.status);
    assert.deepEqual(statuses, [503, 503, 200], 'two refused attempts, then the delivery');
  });

  t.test('never makes the admin request wait for a webhook', async () => {
    slow.hangNext(5);
    const started = Date.now();
    const r = await stack.api('PUT', '/v1/pins/customer/fast/svc', { channel: 'beta' });
    assert.equal(r.status, 200);
    assert.ok(Date.now() - started < 1000, 'answered while the slow webhook hangs');
  });

  t.test('sends one summary for a bulk change', async () => {
    const operations = Array.from({ length: 30 }, (_, i) => ({ scope: 'customer', subject: `wave-${i}`, component: 'svc', channel: 'beta' }));
    await stack.api('POST', '/v1/pins/bulk', { operations, reason: 'wave' });
    const { value } = await eventually(async () => received().find((b) => b.changes.length === 30));
    assert.match(value.text, /^30 changes \(bulk .*\):/);
    assert.match(value.text, /…and 10 more$/);
  });
});
