import assert from 'node:assert/strict';
import t from 'tap';
import { type RouterProcess, startRouterProcess } from '../src/child.js';
import { apiClient, cloudEvent, eventually, seedSvc, serveEnv, type Stack, startStack } from '../src/stack.js';

t.test('a second router process sharing the store', async (t) => {
  let stack: Stack;
  let second: RouterProcess;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    // `vrouter serve` as a user runs it: only standard AWS SDK settings and VROUTER_* variables.
    second = await startRouterProcess(['serve'], serveEnv(stack, { VROUTER_LOG_LEVEL: 'warn' }));
  });
  t.teardown(async () => {
    await second?.stop();
    await stack?.close();
  });

  t.test('sees a pin change made through the first, through its snapshot poll', async () => {
    const secondApi = apiClient(second.url);
    const versionOn = async () => (await secondApi<{ version: string }>('GET', '/v1/resolve?component=svc&customer=hooli')).body.version;
    assert.equal(await versionOn(), 'v1');

    assert.equal((await stack.api('PUT', '/v1/pins/customer/hooli/svc', { channel: 'beta' })).status, 200);
    // Its snapshot poll brings the change; how fast is measured in bench/, not asserted here (a loaded machine is slow).
    await eventually(async () => ((await versionOn()) === 'v2' ? true : undefined), 60_000);

    const event = cloudEvent({ customerid: 'hooli' });
    const routed = await secondApi<{ results: { dispatches: { version: string; status: string }[] }[] }>('POST', '/v1/events?wait=true', event);
    assert.deepEqual(
      routed.body.results[0]!.dispatches.map((d) => [d.version, d.status]),
      [['v2', 'succeeded']],
    );
  });

  t.test('an event accepted by one router is a duplicate on the other', async () => {
    const event = cloudEvent({ customerid: 'acme' });
    const first = await stack.api<{ results: { status: string }[] }>('POST', '/v1/events?wait=true', event);
    const again = await apiClient(second.url)<{ results: { status: string }[] }>('POST', '/v1/events?wait=true', event);
    assert.equal(first.body.results[0]!.status, 'accepted');
    assert.equal(again.body.results[0]!.status, 'duplicate');
    assert.equal(stack.lambda.invocations.filter((i) => (i.payload as { id: string }).id === event.id).length, 1);
  });

  t.test('stops cleanly on SIGTERM', async () => {
    assert.equal(await second.stop(), 0, second.output());
  });
});
