import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, eventually, seedSvc, sleep, type Stack, startStack } from '../src/stack.js';

type Job = {
  id: string;
  state: string;
  matched?: number;
  sample?: { id: string }[];
  counts: { matched: number; dispatched: number; succeeded: number; failed: number; skipped: number };
  remaining: number;
};
type Rows = { items: { id: string; status: string; component: string; version: string; lastReplayId: string | null }[]; cursor?: string };

const payloadOf = (i: { payload: unknown }) => i.payload as { id: string; customerid: string; vrouter: { version: string; replayId?: string; idempotencyKey: string } };

t.test('event log and replay: "replay the last 15 minutes onto the fix"', async (t) => {
  let stack: Stack;
  const failing: Record<string, unknown>[] = [];

  t.before(async () => {
    stack = await startStack({ env: { VROUTER_REPLAY_POLL_INTERVAL_MS: '100', VROUTER_REPLAY_LEASE_MS: '1000' } });
    await seedSvc(stack.api);
    // The fix: a version whose handler copes with the events v1 throws on.
    stack.lambda.register('svc', 'fix', (payload) => ({ fixed: (payload as { id: string }).id }));
    await stack.api('PUT', '/v1/components/svc/versions/v-fix', { target: { kind: 'lambda', functionName: 'svc', qualifier: 'fix' } });
    // v1 (stable) mishandles events with data.fail; acme and globex each send some, in order.
    for (let i = 0; i < 6; i++) {
      const event = cloudEvent({ customerid: i % 2 ? 'globex' : 'acme', data: { fail: true, n: i } });
      failing.push(event);
      await stack.api('POST', '/v1/events?wait=true', event);
    }
    await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme', data: { ok: true } }));
  });
  t.teardown(() => stack.close());

  const since = () => new Date(Date.now() - 15 * 60_000).toISOString();

  t.test('lists the failed events of a customer for a component, without scanning', async () => {
    const r = await stack.api<Rows>('GET', `/v1/events?from=${since()}&component=svc&customer=acme&status=failed`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.items.map((i) => i.id).sort(),
      failing
        .filter((e) => e.customerid === 'acme')
        .map((e) => String(e.id))
        .sort(),
    );
    assert.ok(r.body.items.every((i) => i.status === 'failed' && i.version === 'v1'));
  });

  t.test('a dry run counts and samples without dispatching', async () => {
    const before = stack.lambda.invocations.length;
    const r = await stack.api<Job>('POST', '/v1/replays', { from: since(), filter: { component: 'svc', customer: 'acme', status: 'failed' }, target: 'current', dryRun: true });
    assert.equal(r.status, 202);
    assert.equal(r.body.matched, 3);
    assert.equal(r.body.sample?.length, 3);
    await sleep(200);
    assert.equal(stack.lambda.invocations.length, before);
  });

  t.test('replays the failed events of acme onto the version pinned now, in their original order, once', async () => {
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { version: 'v-fix', reason: 'fix for the data.fail crash' });
    const request = { from: since(), filter: { component: 'svc', customer: 'acme', status: 'failed' }, target: 'current' };
    const created = await stack.api<Job>('POST', '/v1/replays', request);
    assert.equal(created.status, 202);
    const { value: job } = await eventually(async () => {
      const r = await stack.api<Job>('GET', `/v1/replays/${created.body.id}`);
      return r.body.state === 'completed' ? r.body : undefined;
    });
    assert.deepEqual(job.counts, { matched: 3, dispatched: 3, succeeded: 3, failed: 0, skipped: 0 });
    assert.equal(job.remaining, 0);

    const replayed = stack.lambda.invocationsOf('svc', 'fix').map(payloadOf);
    const acmeIds = failing.filter((e) => e.customerid === 'acme').map((e) => String(e.id));
    assert.deepEqual(
      replayed.map((p) => p.id),
      acmeIds,
      'original order',
    );
    assert.ok(replayed.every((p) => p.vrouter.replayId === created.body.id && p.vrouter.version === 'v-fix'));
    const original = stack.lambda
      .invocationsOf('svc', '1')
      .map(payloadOf)
      .find((p) => p.id === acmeIds[0]);
    assert.notEqual(replayed[0]!.vrouter.idempotencyKey, original!.vrouter.idempotencyKey, 'a replay has its own idempotency key');

    // Latest outcome wins: no longer failed, so the same request matches nothing.
    const stillFailed = await stack.api<Rows>('GET', `/v1/events?from=${since()}&component=svc&customer=acme&status=failed`);
    assert.deepEqual(stillFailed.body.items, []);
    const lookup = await stack.api<{ dispatches: { status: string; lastReplayId: string }[]; replays: { replayId: string; status: string }[] }>(
      'GET',
      `/v1/events/${encodeURIComponent(String(failing[0]!.source))}/${failing[0]!.id}`,
    );
    assert.equal(lookup.body.dispatches[0]!.status, 'succeeded');
    assert.deepEqual(
      lookup.body.replays.map((r) => [r.replayId, r.status]),
      [[created.body.id, 'succeeded']],
    );
    const again = await stack.api<Job>('POST', '/v1/replays', { ...request, dryRun: true });
    assert.equal(again.body.matched, 0);
    // globex's failures are untouched.
    const globex = await stack.api<Rows>('GET', `/v1/events?from=${since()}&component=svc&customer=globex&status=failed`);
    assert.equal(globex.body.items.length, 3);
  });

  t.test('replays to an explicit version, and cancels', async () => {
    const created = await stack.api<Job>('POST', '/v1/replays', {
      from: since(),
      filter: { component: 'svc', customer: 'globex', status: 'failed' },
      target: { version: 'v-fix' },
      ratePerSecond: 1,
    });
    await eventually(async () => ((await stack.api<Job>('GET', `/v1/replays/${created.body.id}`)).body.counts.dispatched >= 1 ? true : undefined));
    const cancelled = await stack.api<Job>('POST', `/v1/replays/${created.body.id}/cancel`);
    assert.equal(cancelled.body.state, 'cancelled');
    await sleep(1500);
    const final = await stack.api<Job>('GET', `/v1/replays/${created.body.id}`);
    assert.equal(final.body.state, 'cancelled');
    assert.ok(final.body.counts.dispatched < 3, `dispatched ${final.body.counts.dispatched} after cancel`);
    assert.equal((await stack.api('POST', `/v1/replays/${created.body.id}/cancel`)).status, 409);
  });

  t.test('refuses bad replay requests with the field named', async () => {
    const cases: [unknown, string][] = [
      [{ filter: {} }, 'from'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: since(), filter: { status: 'broken' } }, 'filter.status'],
      [{ from: since(), filter: { component: 'nope' } }, 'filter.component'],
      [{ from: since(), target: { version: 'v-fix' } }, 'filter.component'],
      [{ from: since(), filter: { component: 'svc' }, target: { version: 'v404' } }, 'target.version'],
      [{ from: since(), ratePerSecond: 0 }, 'ratePerSecond'],
      [{ from: since(), colour: 'blue' }, 'colour'],
      [{ from: new Date(Date.now() - 8 * 86_400_000).toISOString() }, 'from'],
      [{ from: since(), to: new Date(Date.now() - 3_600_000).toISOString() }, 'from'],
    ];
    for (const [body, field] of cases) {
      const r = await stack.api<{ field: string }>('POST', '/v1/replays', body);
      assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)} → ${r.status}`);
      assert.equal(r.body.field, field, JSON.stringify(body));
    }
    assert.equal((await stack.api('GET', '/v1/replays/rp_nope')).status, 404);
  });
});

const TOTAL = 2000;

t.test('a replay of 2,000 events survives a router restart', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack({ env: { VROUTER_REPLAY_POLL_INTERVAL_MS: '100', VROUTER_REPLAY_LEASE_MS: '1000' } });
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  t.test('resumes from its cursor on another router and dispatches nothing twice', async () => {
    stack.lambda.register('svc', 'fix', (payload) => ({ fixed: (payload as { id: string }).id }));
    await stack.api('PUT', '/v1/components/svc/versions/v-fix', { target: { kind: 'lambda', functionName: 'svc', qualifier: 'fix' } });
    const events = Array.from({ length: TOTAL }, (_, i) => cloudEvent({ customerid: `c${i % 50}`, data: { fail: true } }));
    for (let i = 0; i < events.length; i += 100) {
      const batch = await stack.api('POST', '/v1/events?wait=true', events.slice(i, i + 100), { contentType: 'application/cloudevents-batch+json' });
      assert.equal(batch.status, 202);
    }

    // A second router on the same store takes the job, then shuts down part-way.
    const { createRuntime, loadConfig } = await import('@vrouter/router');
    const second = await createRuntime({
      config: loadConfig({
        VROUTER_ADMIN_TOKEN: 'e2e-admin-token-0123456789',
        VROUTER_TABLE: 'vrouter-e2e',
        VROUTER_LOG_LEVEL: 'silent',
        VROUTER_REPLAY_POLL_INTERVAL_MS: '600000',
        VROUTER_REPLAY_LEASE_MS: '1000',
      }),
      dynamo: stack.dynamo,
      lambda: { endpoint: stack.lambdaUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    });
    // The first router must not grab the job before the second has started it.
    await stack.runtime.replays.stop();
    const created = await second.admin.config().then(() =>
      second.app.inject({
        method: 'POST',
        url: '/v1/replays',
        headers: { authorization: 'Bearer e2e-admin-token-0123456789', 'content-type': 'application/json' },
        payload: {
          from: new Date(Date.now() - 600_000).toISOString(),
          filter: { component: 'svc', status: 'failed' },
          target: { version: 'v-fix' },
          ratePerSecond: 10_000,
          concurrency: 16,
        },
      }),
    );
    const { id } = created.json() as { id: string };
    const started = Date.now();
    await eventually(async () => (stack.lambda.invocationsOf('svc', 'fix').length >= 300 ? true : undefined), 300_000, 20);
    await second.close();
    const handedOver = stack.lambda.invocationsOf('svc', 'fix').length;
    assert.ok(handedOver < TOTAL, `the second router stopped part-way (${handedOver} done)`);

    // The first router starts polling again and resumes it from the saved cursor.
    stack.runtime.replays.start();
    const { value: job } = await eventually(
      async () => {
        const r = await stack.api<Job>('GET', `/v1/replays/${id}`);
        return r.body.state === 'completed' ? r.body : undefined;
      },
      // 2,000 dispatches on a loaded 2-core machine: a deadline for a hang, not a speed bound (bench/ measures speed).
      600_000,
      200,
    );
    const elapsed = Date.now() - started;
    const perEvent = new Map<string, number>();
    for (const p of stack.lambda.invocationsOf('svc', 'fix').map(payloadOf)) perEvent.set(p.id, (perEvent.get(p.id) ?? 0) + 1);
    assert.equal(perEvent.size, TOTAL);
    assert.deepEqual([...new Set(perEvent.values())], [1], 'every event replayed exactly once across both routers');
    assert.deepEqual([job.counts.matched, job.counts.dispatched, job.counts.succeeded, job.remaining], [TOTAL, TOTAL, TOTAL, 0]);
    console.log(`# replay: ${TOTAL} events across a restart (${handedOver} before it) in ${elapsed} ms, ${Math.round((TOTAL / elapsed) * 1000)} events/s`);
  });
});

t.test('a replay whose saved cursor is no longer accepted', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack({ env: { VROUTER_REPLAY_POLL_INTERVAL_MS: '100', VROUTER_REPLAY_LEASE_MS: '1000' } });
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  t.test('starts its selection over and still replays every event once', async () => {
    stack.lambda.register('svc', 'fix', (payload) => ({ fixed: (payload as { id: string }).id }));
    await stack.api('PUT', '/v1/components/svc/versions/v-fix', { target: { kind: 'lambda', functionName: 'svc', qualifier: 'fix' } });
    const events = Array.from({ length: 30 }, (_, i) => cloudEvent({ customerid: `c${i % 5}`, data: { fail: true } }));
    assert.equal((await stack.api('POST', '/v1/events?wait=true', events, { contentType: 'application/cloudevents-batch+json' })).status, 202);
    await stack.runtime.replays.stop();
    const created = await stack.api<{ id: string }>('POST', '/v1/replays', {
      from: new Date(Date.now() - 600_000).toISOString(),
      filter: { component: 'svc', status: 'failed' },
      target: { version: 'v-fix' },
    });
    assert.equal(created.status, 202);
    // What a job saved before an upgrade (unsigned) or under another deployment key looks like to the store now.
    const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    await stack.dynamo.send(
      new UpdateItemCommand({
        TableName: 'vrouter-e2e',
        Key: { pk: { S: 'REPLAYS' }, sk: { S: `JOB#${created.body.id}` } },
        UpdateExpression: 'SET #cursor = :cursor',
        ExpressionAttributeNames: { '#cursor': 'cursor' },
        ExpressionAttributeValues: { ':cursor': { S: Buffer.from('{"partition":0}').toString('base64url') } },
      }),
    );
    stack.runtime.replays.start();
    const { value: job } = await eventually(
      async () => {
        const r = await stack.api<Job>('GET', `/v1/replays/${created.body.id}`);
        return r.body.state === 'completed' || r.body.state === 'failed' ? r.body : undefined;
      },
      60_000,
      100,
    );
    assert.equal(job.state, 'completed');
    const ids = stack.lambda.invocationsOf('svc', 'fix').map((i) => payloadOf(i).id);
    assert.deepEqual(ids.slice().sort(), events.map((e) => e.id as string).sort(), 'every event replayed exactly once');
  });
});
