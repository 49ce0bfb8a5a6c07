import assert from 'node:assert/strict';
import t from 'tap';
import { LocalHttpTarget } from '@vrouter/local-targets';
import { freePort } from '../src/child.js';
import { cloudEvent, type Stack, startStack } from '../src/stack.js';

type Lookup = { dispatches: { status: string; attempts: number; lastError: { code: string } | null; response: string | null; idempotencyKey: string }[] };

/** Faults at HTTP and ECS targets, through the router: each ends in the documented state after the documented attempts. */
t.test('HTTP and ECS targets through the router', async (t) => {
  let stack: Stack;
  let http: LocalHttpTarget;
  let httpUrl: string;

  t.before(async () => {
    http = new LocalHttpTarget();
    const { url } = await http.start();
    httpUrl = url;
    stack = await startStack({ env: { VROUTER_MAX_ATTEMPTS: '3', VROUTER_RETRY_BASE_MS: '10', VROUTER_RETRY_MAX_MS: '50' } });
    const { api } = stack;
    await api('PUT', '/v1/components/hooks', { subscriptions: ['hook.*'] });
    await api('PUT', '/v1/components/hooks/versions/v1', { target: { kind: 'http', url: `${url}/hook`, timeoutMs: 300 } });
    await api('PUT', '/v1/components/hooks/channels/stable', { version: 'v1' });
    stack.ecs.registerTaskDefinition('builder:3');
    await api('PUT', '/v1/components/tasks', { subscriptions: ['task.*'] });
    await api('PUT', '/v1/components/tasks/versions/v3', { target: { kind: 'ecs', cluster: 'default', taskDefinition: 'builder:3', containerName: 'app' } });
    await api('PUT', '/v1/components/tasks/versions/v9', { target: { kind: 'ecs', cluster: 'default', taskDefinition: 'builder:9', containerName: 'app' } });
    await api('PUT', '/v1/components/tasks/channels/stable', { version: 'v3' });
    await api('PUT', '/v1/pins/customer/unregistered-taskdef/tasks', { version: 'v9' });
  });
  t.teardown(async () => {
    await stack.close();
    await http.stop();
  });

  async function send(extensions: Record<string, unknown>) {
    const event = cloudEvent({ customerid: 'acme', ...extensions });
    await stack.api('POST', '/v1/events?wait=true', event);
    const lookup = await stack.api<Lookup>('GET', `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`);
    return { event, record: lookup.body.dispatches[0]! };
  }

  t.test('HTTP', async (t) => {
    t.test('POSTs the event with Idempotency-Key, traceparent and X-Vrouter-* headers', async () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const { event, record } = await send({ type: 'hook.fired', traceparent });
      assert.deepEqual([record.status, record.attempts], ['succeeded', 1]);
      const request = http.requests.find((r) => (r.body as { id?: string }).id === event.id)!;
      assert.equal(request.headers['idempotency-key'], record.idempotencyKey);
      assert.match(String(request.headers.traceparent), /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-0[01]$/);
      assert.equal(request.headers['x-vrouter-version'], 'v1');
      assert.equal(request.headers['x-vrouter-component'], 'hooks');
      assert.equal(record.response, null, "the target's answer is not kept unless the version opts in");
    });

    t.test("keeps the target's answer when the version opts in with recordResponse", async () => {
      const put = await stack.api('PUT', '/v1/components/hooks/versions/v1', { target: { kind: 'http', url: `${httpUrl}/hook`, timeoutMs: 300 }, recordResponse: true });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const { record } = await send({ type: 'hook.fired' });
      assert.equal(record.response, '{"ok":true}');
      await stack.api('PUT', '/v1/components/hooks/versions/v1', { target: { kind: 'http', url: `${httpUrl}/hook`, timeoutMs: 300 } });
    });

    t.test('retries 503s and succeeds on the third attempt', async () => {
      http.failNext(2, 503);
      const { record } = await send({ type: 'hook.fired' });
      assert.deepEqual([record.status, record.attempts], ['succeeded', 3]);
    });

    t.test('retries a timeout', async () => {
      http.hangNext(1);
      const { record } = await send({ type: 'hook.fired' });
      assert.deepEqual([record.status, record.attempts], ['succeeded', 2]);
    });

    t.test('does not retry a 404', async () => {
      http.failNext(1, 404);
      const { record } = await send({ type: 'hook.fired' });
      assert.deepEqual([record.status, record.attempts, record.lastError?.code], ['failed', 1, 'HTTP_404']);
    });

    t.test('gives up after the last attempt on persistent 500s', async () => {
      http.failNext(3, 500);
      const { record } = await send({ type: 'hook.fired' });
      assert.deepEqual([record.status, record.attempts, record.lastError?.code], ['failed', 3, 'HTTP_500']);
    });
  });

  t.test('ECS', async (t) => {
    t.test('starts a task with the event in the container environment and the idempotency key as clientToken', async () => {
      const { event, record } = await send({ type: 'task.run', data: { n: 1 }, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
      assert.deepEqual([record.status, record.attempts], ['dispatched', 1]);
      const task = stack.ecs.starts.find((t) => t.clientToken === record.idempotencyKey)!;
      const env = Object.fromEntries((task.overrides.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]));
      assert.equal(JSON.parse(String(env.VROUTER_EVENT)).id, event.id);
      assert.equal(env.VROUTER_VERSION, 'v3');
      assert.match(String(env.TRACEPARENT), /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-0[01]$/);
      assert.match(String(record.response), /^arn:aws:ecs:/);
    });

    t.test('retries a capacity failure and then starts the task', async () => {
      stack.ecs.failuresNext(1, 'RESOURCE:MEMORY');
      const { record } = await send({ type: 'task.run' });
      assert.deepEqual([record.status, record.attempts], ['dispatched', 2]);
    });

    t.test('does not retry a task definition ECS does not know', async () => {
      const { record } = await send({ type: 'task.run', customerid: 'unregistered-taskdef' });
      assert.deepEqual([record.status, record.attempts], ['failed', 1]);
      assert.match(String(record.lastError?.code), /ClientException|ECS_FAILURE/);
    });

    t.test('retries ServerException', async () => {
      stack.ecs.failNext(1, { type: 'ServerException' });
      const { record } = await send({ type: 'task.run' });
      assert.deepEqual([record.status, record.attempts], ['dispatched', 2]);
    });
  });
});

t.test('an ECS event too large for a container override', async (t) => {
  t.test('is refused at ingest when the router has no public URL', async () => {
    const stack = await startStack();
    try {
      stack.ecs.registerTaskDefinition('builder:3');
      await stack.api('PUT', '/v1/components/tasks', { subscriptions: ['task.*'] });
      await stack.api('PUT', '/v1/components/tasks/versions/v3', { target: { kind: 'ecs', cluster: 'default', taskDefinition: 'builder:3', containerName: 'app' } });
      await stack.api('PUT', '/v1/components/tasks/channels/stable', { version: 'v3' });
      const r = await stack.api<{ code: string; field: string }>('POST', '/v1/events', cloudEvent({ customerid: 'acme', type: 'task.run', data: 'x'.repeat(20_000) }));
      assert.deepEqual([r.status, r.body.code, r.body.field], [413, 'VR_PAYLOAD_TOO_LARGE', 'data']);
    } finally {
      await stack.close();
    }
  });

  t.test('goes by reference: the task fetches it from the router with a short-lived single-event token', async () => {
    const port = await freePort();
    const stack = await startStack({ port, env: { VROUTER_PUBLIC_URL: `http://127.0.0.1:${port}` } });
    try {
      stack.ecs.registerTaskDefinition('builder:3');
      await stack.api('PUT', '/v1/components/tasks', { subscriptions: ['task.*'] });
      await stack.api('PUT', '/v1/components/tasks/versions/v3', { target: { kind: 'ecs', cluster: 'default', taskDefinition: 'builder:3', containerName: 'app' } });
      await stack.api('PUT', '/v1/components/tasks/channels/stable', { version: 'v3' });
      const big = cloudEvent({ customerid: 'acme', type: 'task.run', data: 'x'.repeat(20_000) });
      const posted = await stack.api<{ results: { dispatches: { status: string }[] }[] }>('POST', '/v1/events?wait=true', big);
      assert.equal(posted.body.results[0]!.dispatches[0]!.status, 'dispatched');
      const task = stack.ecs.starts.at(-1)!;
      const env = Object.fromEntries((task.overrides.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]));
      assert.equal(env.VROUTER_EVENT, undefined, 'not inline');
      // What the task does: fetch the URL it was given, no bearer token needed.
      const fetched = await fetch(String(env.VROUTER_EVENT_URL));
      assert.equal(fetched.status, 200);
      const payload = (await fetched.json()) as { id: string; data: string; vrouter: { component: string; version: string } };
      assert.deepEqual([payload.id, payload.data.length, payload.vrouter.component, payload.vrouter.version], [big.id, 20_000, 'tasks', 'v3']);
      const forged = String(env.VROUTER_EVENT_URL).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      assert.equal((await fetch(forged)).status, 401);
    } finally {
      await stack.close();
    }
  });
});
