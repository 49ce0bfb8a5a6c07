import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, seedSvc, sleep, type Stack, startStack } from '../src/stack.js';

type Results = { results: { status: string; dispatches: { component: string; version: string; channel: string | null; pin: unknown; status: string }[] }[] };

t.test('routing through HTTP, embedded store and the Lambda API', async (t) => {
  let stack: Stack;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    const { api } = stack;
    await api('PUT', '/v1/customers/acme', { plan: 'pro' });
    await api('PUT', '/v1/customers/globex', { plan: 'free' });
    await api('PUT', '/v1/customers/initech', { plan: 'pro' });
    await api('PUT', '/v1/projects/web', { customer: 'acme' });
    assert.equal((await api('PUT', '/v1/pins/plan/pro/svc', { channel: 'beta' })).status, 200);
    assert.equal((await api('PUT', '/v1/pins/customer/acme/svc', { version: 'v1' })).status, 200);
    assert.equal((await api('PUT', '/v1/pins/project/web/svc', { channel: 'experimental' })).status, 200);
  });
  t.teardown(() => stack.close());

  /** Posts one event, waits for its dispatch, and returns the version the local Lambda actually ran. */
  async function routeOf(extensions: Record<string, unknown>): Promise<{ version: string; invoked: string; pin: unknown }> {
    const event = cloudEvent(extensions);
    const response = await stack.api<Results>('POST', '/v1/events?wait=true', event, { contentType: 'application/cloudevents+json' });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    const [result] = response.body.results;
    assert.equal(result!.status, 'accepted');
    const [dispatch] = result!.dispatches;
    assert.equal(dispatch!.status, 'succeeded');
    const invocation = stack.lambda.invocations.find((i) => (i.payload as { id?: string }).id === event.id);
    assert.ok(invocation, 'the Lambda endpoint was invoked');
    return { version: dispatch!.version, invoked: `v${invocation.qualifier}`, pin: dispatch!.pin };
  }

  t.test('project pin beats customer pin beats plan pin', async () => {
    const routed = await routeOf({ customerid: 'acme', projectid: 'web' });
    assert.deepEqual(routed, { version: 'v3', invoked: 'v3', pin: { scope: 'project', subject: 'web' } });
  });

  t.test('customer pin beats plan pin', async () => {
    assert.deepEqual(await routeOf({ customerid: 'acme' }), { version: 'v1', invoked: 'v1', pin: { scope: 'customer', subject: 'acme' } });
  });

  t.test("plan pin applies from the customer's recorded plan", async () => {
    assert.deepEqual(await routeOf({ customerid: 'initech' }), { version: 'v2', invoked: 'v2', pin: { scope: 'plan', subject: 'pro' } });
  });

  t.test('no pin: the stable channel', async () => {
    assert.deepEqual(await routeOf({ customerid: 'globex' }), { version: 'v1', invoked: 'v1', pin: null });
  });

  t.test('the customer is derived from a known project', async () => {
    assert.equal((await routeOf({ projectid: 'web' })).version, 'v3');
  });

  t.test('an explicit plan attribute overrides the recorded plan', async () => {
    assert.equal((await routeOf({ customerid: 'globex', plan: 'pro' })).version, 'v2');
  });

  t.test('an expired pin is ignored', async () => {
    const expiresAt = new Date(Date.now() + 600).toISOString();
    assert.equal((await stack.api('PUT', '/v1/pins/customer/globex/svc', { channel: 'experimental', expiresAt })).status, 200);
    assert.equal((await routeOf({ customerid: 'globex' })).version, 'v3');
    await sleep(700);
    const resolved = await stack.api<{ version: string; considered: { scope: string; outcome: string }[] }>('GET', '/v1/resolve?component=svc&customer=globex');
    assert.equal(resolved.body.version, 'v1');
    assert.ok(resolved.body.considered.some((c) => c.scope === 'customer' && c.outcome === 'expired'));
    assert.equal((await routeOf({ customerid: 'globex' })).version, 'v1');
  });

  t.test('resolve explains the decision', async () => {
    const { status, body } = await stack.api<Record<string, unknown> & { considered: { scope: string; outcome: string }[] }>(
      'GET',
      '/v1/resolve?component=svc&customer=acme&project=web',
    );
    assert.equal(status, 200);
    assert.equal(body.version, 'v3');
    assert.equal(body.source, 'project');
    assert.deepEqual(
      body.considered.map((c) => [c.scope, c.outcome]),
      [
        ['project', 'matched'],
        ['customer', 'not-reached'],
        ['plan', 'not-reached'],
      ],
    );
  });

  t.test('a pin to a channel follows the channel when it moves', async () => {
    assert.equal((await stack.api('PUT', '/v1/components/svc/channels/experimental', { version: 'v2' })).status, 200);
    assert.equal((await routeOf({ customerid: 'acme', projectid: 'web' })).version, 'v2');
    assert.equal((await stack.api('POST', '/v1/components/svc/channels/experimental/rollback')).status, 200);
    assert.equal((await routeOf({ customerid: 'acme', projectid: 'web' })).version, 'v3');
  });

  t.test('fans an event out to every subscribed component', async () => {
    await stack.api('PUT', '/v1/components/auditor', { subscriptions: ['build.finished'] });
    await stack.api('PUT', '/v1/components/auditor/versions/v1', { target: { kind: 'lambda', functionName: 'svc', qualifier: '1' } });
    await stack.api('PUT', '/v1/components/auditor/channels/stable', { version: 'v1' });
    const response = await stack.api<Results>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'globex' }));
    const dispatches = response.body.results[0]!.dispatches;
    assert.deepEqual(
      dispatches.map((d) => [d.component, d.version, d.status]),
      [
        ['auditor', 'v1', 'succeeded'],
        ['svc', 'v1', 'succeeded'],
      ],
    );
    const only = await stack.api<Results>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'globex', component: 'auditor' }));
    assert.deepEqual(
      only.body.results[0]!.dispatches.map((d) => d.component),
      ['auditor'],
    );
  });
});
