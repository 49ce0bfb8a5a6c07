import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { DynamoDbLocal, DynamoDbLocalOptions } from '@vrouter/store-dynamodb';
import { CHAOS_ENV, retrying503, type Sent, sendLoad, startChaosStack, startDynamoDbLocal, untilSettled } from '../src/chaos.js';
import { cloudEvent, eventually, type Stack, seedSvc, startStack } from '../src/stack.js';

/**
 * Faults that used to deliver twice or leave events pending: a function slower than the lease, a stalled store, a
 * killed store, a failed outcome write. Every loop is bounded in count and time; figures print as `# chaos:` lines.
 */

type Posted = { results: { status: string; dispatches: { status: string }[] }[] };

function invocationsById(stack: Stack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const invocation of stack.lambda.invocationsOf('svc', '1')) {
    const id = (invocation.payload as { id?: unknown }).id;
    if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** A router on its own DynamoDB Local for one group of tests: started before them, stopped after them. */
function chaosStack(t: Test, storeOptions: () => DynamoDbLocalOptions = () => ({})): { stack: Stack; store: DynamoDbLocal } {
  const held = {} as { stack: Stack; store: DynamoDbLocal };
  t.before(async () => {
    held.store = await startDynamoDbLocal(storeOptions());
    held.stack = await startChaosStack(held.store);
    await retrying503(() => seedSvc(held.stack.api));
  });
  t.teardown(async () => {
    await held.stack?.close();
    await held.store?.close();
  });
  return held;
}

function figures(stack: Stack, sent: Sent[]): { accepted: number; lost: number; doubled: number; slowest503Ms: number; answered503: number } {
  const counts = invocationsById(stack);
  const accepted = sent.filter((s) => s.accepted);
  return {
    accepted: accepted.length,
    lost: accepted.filter((s) => (counts.get(s.id) ?? 0) === 0).length,
    doubled: accepted.filter((s) => (counts.get(s.id) ?? 0) > 1).length,
    slowest503Ms: Math.max(0, ...sent.map((s) => s.slowest503Ms)),
    answered503: sent.reduce((n, s) => n + s.unavailable, 0),
  };
}

const log = (line: string) => process.stdout.write(`# chaos: ${line}\n`);

t.test('chaos: a function slower than its lease', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack({ env: CHAOS_ENV });
    await retrying503(() => seedSvc(stack.api));
  });
  t.teardown(() => stack.close());

  t.test('a 12 s synchronous Lambda with a 2 s lease is invoked exactly once and recorded succeeded', async () => {
    const event = cloudEvent({ customerid: 'acme', data: { delayMs: 12_000 } });
    const started = Date.now();
    const pending = stack.api<Posted>('POST', '/v1/events?wait=true', event);
    // Held by renewals of a short lease, not by a long one: seen twice, a heartbeat apart, each at most 2 s ahead.
    const leases = new Set<string>();
    await eventually(
      async () => {
        const record = (await stack.runtime.eventStore.getEvent('/e2e', String(event.id)))?.dispatches[0];
        if (record?.status !== 'pending' || !record.leaseUntil) return undefined;
        assert.ok(Date.parse(record.leaseUntil) - Date.now() <= 2_100, `lease ${record.leaseUntil} is at most 2 s ahead`);
        leases.add(record.leaseUntil);
        return leases.size >= 3 ? true : undefined;
      },
      10_000,
      200,
    );
    const posted = await pending;
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    assert.equal(posted.body.results[0]!.dispatches[0]!.status, 'succeeded');
    const invoked = invocationsById(stack).get(String(event.id)) ?? 0;
    log(`slow lambda: 12 s call, 2 s lease: invoked ${invoked}x, leases seen renewed ${leases.size}x, took over ${stack.runtime.sweeper.takenOver}, ${Date.now() - started} ms`);
    assert.equal(invoked, 1);
    assert.equal(stack.runtime.sweeper.takenOver, 0, 'the heartbeat kept the claim');
  });
});

t.test('chaos: the store stalled (SIGSTOP) under load', async (t) => {
  const chaos = chaosStack(t);

  t.test('answers 503 within about a second while stalled, loses nothing and doubles nothing', async () => {
    const { stack, store } = chaos;
    let stalledAt = 0;
    let resumedAt = 0;
    const stall = async (index: number) => {
      if (index !== 40 || stalledAt) return;
      store.process.kill('SIGSTOP');
      stalledAt = Date.now();
      // The fault lasts 10 s; the load goes on meanwhile.
      setTimeout(() => {
        store.process.kill('SIGCONT');
        resumedAt = Date.now();
      }, 10_000).unref();
    };
    const readyDuringStall: number[] = [];
    const probe = setInterval(() => {
      if (!stalledAt || resumedAt) return;
      const started = Date.now();
      stack.api('GET', '/readyz', undefined, { token: null }).then(
        (r) => {
          // A probe that the store's return overtook may rightly answer 200: only those wholly inside the stall count.
          if (!resumedAt) readyDuringStall.push(r.status === 503 ? Date.now() - started : -r.status);
        },
        () => undefined,
      );
    }, 1000);
    const sent = await sendLoad({ api: stack.api, events: 200, concurrency: 4, deadline: Date.now() + 120_000, beforeSend: stall, retryDelayMs: 200 });
    clearInterval(probe);
    assert.ok(stalledAt > 0, 'the store was stalled');
    await eventually(async () => (resumedAt ? true : undefined), 15_000);
    const settled = await untilSettled(
      stack.api,
      sent.filter((s) => s.accepted),
      60_000,
    );
    const f = figures(stack, sent);
    log(
      `store stalled 10 s: accepted ${f.accepted}/${sent.length}, lost ${f.lost}, doubled ${f.doubled}, 503s ${f.answered503} (slowest ${f.slowest503Ms} ms), ` +
        `/readyz during stall ${readyDuringStall.join('/')} ms, pending after ${settled.elapsedMs} ms: ${settled.pending.length}, taken over ${stack.runtime.sweeper.takenOver}`,
    );
    assert.equal(f.accepted, sent.length, 'every event was accepted in the end');
    assert.ok(f.answered503 > 0, 'the stall was visible as 503s');
    // A store call gives up after 900 ms (CHAOS_ENV); 5 s leaves room for a loaded machine and still tells a bounded
    // answer from one that waits out the 10 s stall.
    assert.ok(f.slowest503Ms < 5000, `503 answered within the store call bound, not after the stall (slowest ${f.slowest503Ms} ms)`);
    assert.ok(readyDuringStall.length > 0, 'readyz was probed during the stall');
    assert.ok(
      readyDuringStall.every((ms) => ms >= 0 && ms < 5000),
      `readyz answered 503 promptly: ${readyDuringStall.join(', ')}`,
    );
    assert.deepEqual(settled.pending, [], 'nothing stuck in pending');
    assert.equal(f.lost, 0);
    assert.equal(f.doubled, 0);
  });
});

t.test('chaos: a failed outcome write', async (t) => {
  const chaos = chaosStack(t);

  t.test('a store blip while the call is in flight, longer than the lease, causes no second delivery', async () => {
    const { stack, store } = chaos;
    const event = cloudEvent({ customerid: 'acme', data: { delayMs: 1500 } });
    const posted = stack.api<Posted>('POST', '/v1/events?wait=true', event);
    // Stall the store once the function runs: its outcome write, and every renewal, fail until the store returns.
    await eventually(async () => (invocationsById(stack).get(String(event.id)) ? true : undefined), 10_000, 10);
    store.process.kill('SIGSTOP');
    const stalledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // the injected fault: 5 s, 2.5 leases
    store.process.kill('SIGCONT');
    const answer = await posted;
    const recovered = Date.now() - stalledAt - 5_000;
    const invoked = invocationsById(stack).get(String(event.id)) ?? 0;
    log(
      `outcome write under a 5 s store blip: invoked ${invoked}x, answered ${answer.body.results?.[0]?.dispatches[0]?.status}, recorded ${recovered} ms after the store returned`,
    );
    assert.equal(answer.body.results[0]!.dispatches[0]!.status, 'succeeded');
    const { value } = await eventually(async () => {
      const found = await stack.api<{ dispatches: { status: string; attempts: number }[] }>(
        'GET',
        `/v1/events/${encodeURIComponent('/e2e')}/${encodeURIComponent(String(event.id))}`,
      );
      return found.body.dispatches?.[0]?.status === 'succeeded' ? found.body.dispatches[0] : undefined;
    }, 10_000);
    assert.equal(value.attempts, 1);
    // Sweeps go on for a while after: none delivers it again.
    await eventually(async () => (stack.runtime.sweeper.takenOver === 0 && Date.now() - stalledAt > 8_000 ? true : undefined), 15_000, 100);
    assert.equal(invocationsById(stack).get(String(event.id)), 1, 'invoked exactly once');
  });
});

t.test('chaos: the store killed (SIGKILL) and restarted under load', async (t) => {
  // The store keeps its data on disk, so a restart finds what it had.
  let dir = '';
  t.before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouter-chaos-'));
  });
  const chaos = chaosStack(t, () => ({ path: dir }));
  t.teardown(() => rm(dir, { recursive: true, force: true }));

  t.test('loses nothing, doubles nothing, and leaves nothing pending', async () => {
    const { stack } = chaos;
    let killedAt = 0;
    let restarted: Promise<void> | undefined;
    let backAt = 0;
    const kill = (index: number) => {
      if (index !== 40 || killedAt) return;
      chaos.store.process.kill('SIGKILL');
      killedAt = Date.now();
      restarted = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 2_000)); // down for 2 s at least
        // The teardown stops the store that runs now.
        chaos.store = await startDynamoDbLocal({ path: dir, port: chaos.store.port });
        backAt = Date.now();
      })();
    };
    // A JVM restarting on a loaded machine may take most of a minute: the load waits for it, bounded at 4 minutes.
    const sent = await sendLoad({ api: stack.api, events: 100, concurrency: 4, deadline: Date.now() + 240_000, beforeSend: kill, retryDelayMs: 200 });
    assert.ok(killedAt > 0, 'the store was killed');
    await restarted;
    const settled = await untilSettled(
      stack.api,
      sent.filter((s) => s.accepted),
      60_000,
    );
    const f = figures(stack, sent);
    log(
      `store killed and restarted: accepted ${f.accepted}/${sent.length}, lost ${f.lost}, doubled ${f.doubled}, 503s ${f.answered503}, down ${backAt - killedAt} ms, ` +
        `all settled ${settled.elapsedMs} ms after the load, pending ${settled.pending.length}, taken over ${stack.runtime.sweeper.takenOver} (redelivered ${stack.runtime.sweeper.redelivered})`,
    );
    assert.equal(f.accepted, sent.length);
    assert.deepEqual(settled.pending, [], 'nothing stuck in pending');
    assert.equal(f.lost, 0);
    assert.equal(f.doubled, 0);
  });
});
