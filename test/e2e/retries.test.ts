import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { idempotencyKey } from '@vrouter/core';
import { cloudEvent, eventually, seedSvc, sleep, type Stack, startStack } from '../src/stack.js';

type Lookup = { dispatches: { status: string; attempts: number; lastError: { code: string } | null }[] };
type Posted = { results: { status: string; dispatches: { status: string; error?: { code: string } }[] }[] };

t.test('retries, limits and recovery', async (t) => {
  let stack: Stack;
  const lookup = (event: Record<string, unknown>) => stack.api<Lookup>('GET', `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`);
  const invocationsOf = (id: unknown) => stack.lambda.invocations.filter((i) => (i.payload as { id?: string }).id === id);

  t.before(async () => {
    stack = await startStack({
      env: {
        VROUTER_MAX_ATTEMPTS: '3',
        VROUTER_RETRY_BASE_MS: '10',
        VROUTER_RETRY_MAX_MS: '50',
        VROUTER_MAX_BODY_BYTES: '1048576',
        VROUTER_SWEEP_INTERVAL_MS: '600000',
        // Recovery confirms an expired claim over a heartbeat plus a store call: short here, so the test need not wait.
        VROUTER_LEASE_HEARTBEAT_MS: '100',
        VROUTER_STORE_TIMEOUT_MS: '100',
        VROUTER_STORE_CONNECT_TIMEOUT_MS: '100',
        VROUTER_STORE_MAX_ATTEMPTS: '1',
        VROUTER_SAFETY_NET_INTERVAL_MS: '0',
      },
    });
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  t.test('retries throttling and succeeds, counting every attempt', async () => {
    stack.lambda.injectError('svc', '1', { statusCode: 429, errorType: 'TooManyRequestsException', message: 'Rate exceeded' }, 2);
    const event = cloudEvent({ customerid: 'acme' });
    const posted = await stack.api<Posted>('POST', '/v1/events?wait=true', event);
    assert.equal(posted.body.results[0]!.dispatches[0]!.status, 'succeeded');
    const [record] = (await lookup(event)).body.dispatches;
    assert.deepEqual([record!.status, record!.attempts, record!.lastError], ['succeeded', 3, null]);
    assert.equal(invocationsOf(event.id).length, 1);
  });

  t.test('gives up after the last attempt on a persistent 5xx: failed, with the error', async () => {
    stack.lambda.injectError('svc', '1', { statusCode: 500, errorType: 'ServiceException', message: 'Lambda is down' }, 3);
    const event = cloudEvent({ customerid: 'acme' });
    await stack.api('POST', '/v1/events?wait=true', event);
    const [record] = (await lookup(event)).body.dispatches;
    assert.deepEqual([record!.status, record!.attempts, record!.lastError?.code], ['failed', 3, 'ServiceException']);
    assert.equal(invocationsOf(event.id).length, 0);
  });

  t.test('does not retry a FunctionError or a missing function', async () => {
    const failing = cloudEvent({ customerid: 'acme', data: { fail: true } });
    await stack.api('POST', '/v1/events?wait=true', failing);
    const [record] = (await lookup(failing)).body.dispatches;
    assert.deepEqual([record!.status, record!.attempts], ['failed', 1]);
    assert.equal(invocationsOf(failing.id).length, 1);
  });

  t.test('refuses at ingest an event too large for an asynchronous Lambda', async () => {
    await stack.api('PUT', '/v1/components/async', { subscriptions: ['async.*'] });
    await stack.api('PUT', '/v1/components/async/versions/v1', { target: { kind: 'lambda', functionName: 'svc', qualifier: '1', invocationType: 'Event' } });
    await stack.api('PUT', '/v1/components/async/channels/stable', { version: 'v1' });
    const big = cloudEvent({ customerid: 'acme', type: 'async.big', data: 'x'.repeat(300 * 1024) });
    const response = await stack.api<{ code: string; field: string }>('POST', '/v1/events', big);
    assert.equal(response.status, 413);
    assert.deepEqual([response.body.code, response.body.field], ['VR_PAYLOAD_TOO_LARGE', 'data']);
    assert.equal((await lookup(big)).status, 404, 'nothing was recorded');
    const small = await stack.api<Posted>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme', type: 'async.small', data: 'x'.repeat(1000) }));
    assert.equal(small.body.results[0]!.dispatches[0]!.status, 'dispatched');
  });

  t.test('holds a version to its concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    stack.lambda.register('slow', '1', async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(100);
      running -= 1;
      return { ok: true };
    });
    await stack.api('PUT', '/v1/components/slow', { subscriptions: ['slow.*'] });
    const registered = await stack.api('PUT', '/v1/components/slow/versions/v1', { target: { kind: 'lambda', functionName: 'slow', qualifier: '1' }, maxConcurrency: 2 });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    await stack.api('PUT', '/v1/components/slow/channels/stable', { version: 'v1' });
    const posts = await Promise.all(Array.from({ length: 8 }, () => stack.api<Posted>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme', type: 'slow.work' }))));
    assert.deepEqual(
      posts.map((p) => p.body.results[0]!.dispatches[0]!.status),
      Array(8).fill('succeeded'),
    );
    assert.equal(peak, 2);
  });

  t.test('finishes a claim whose router died: the sweeper takes it over once', async () => {
    const event = cloudEvent({ customerid: 'acme' });
    const { eventStore } = stack.runtime;
    const past = new Date(Date.now() - 1000).toISOString();
    // What a router that crashed right after claiming leaves behind.
    await eventStore.recordEvent({
      source: String(event.source),
      id: String(event.id),
      type: 'build.finished',
      receivedAt: past,
      customer: 'acme',
      components: ['svc'],
      event: event as never,
    });
    const claimToken = randomUUID();
    await eventStore.claimDispatch({
      source: String(event.source),
      id: String(event.id),
      component: 'svc',
      idempotencyKey: idempotencyKey(String(event.source), String(event.id), 'svc'),
      status: 'pending',
      version: 'v1',
      channel: 'stable',
      pin: null,
      pinSource: 'default',
      attempts: 0,
      claimedAt: past,
      updatedAt: past,
      leaseUntil: past,
      claimToken,
    });
    // The first sighting only marks the claim; one unchanged a heartbeat and a store call later is taken over.
    assert.equal(await stack.runtime.sweeper.sweep(), 0, 'a claim seen expired once is not taken over yet');
    const { value: taken } = await eventually(async () => {
      const [one, again] = await Promise.all([stack.runtime.sweeper.sweep(), stack.runtime.sweeper.sweep()]);
      assert.equal(one, again, 'overlapping sweeps share one');
      return one >= 1 ? one : undefined;
    });
    assert.ok(taken >= 1);
    const { value } = await eventually(async () => {
      const [record] = (await lookup(event)).body.dispatches;
      return record?.status === 'succeeded' ? record : undefined;
    });
    assert.equal(value.attempts, 1);
    assert.equal(invocationsOf(event.id).length, 1);
    assert.equal(await stack.runtime.sweeper.sweep(), 0, 'nothing left to recover');
    // A redelivery of the recovered event is a duplicate.
    const redelivered = await stack.api<Posted>('POST', '/v1/events', event);
    assert.equal(redelivered.body.results[0]!.status, 'duplicate');
  });
});
