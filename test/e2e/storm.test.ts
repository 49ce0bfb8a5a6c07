import assert from 'node:assert/strict';
import t from 'tap';
import { type RouterProcess, startRouterProcess } from '../src/child.js';
import { apiClient, cloudEvent, eventually, seedSvc, serveEnv, sleep, type Stack, startStack } from '../src/stack.js';

type Posted = { results: { status: string }[] };

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, task: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!, i);
      }
    }),
  );
  return results;
}

t.test('duplicate storm across two router processes', async (t) => {
  let stack: Stack;
  let second: RouterProcess;
  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    second = await startRouterProcess(['serve'], serveEnv(stack));
  });
  t.teardown(async () => {
    await second?.stop();
    await stack?.close();
  });

  t.test('2,000 events, each posted 3 times across both routers, invoke each handler exactly once', async () => {
    const events = Array.from({ length: 2000 }, (_, i) => cloudEvent({ customerid: i % 3 ? 'acme' : 'globex' }));
    const routers = [stack.api, apiClient(second.url)];
    // Every event three times, shuffled deterministically so copies of one event race each other.
    const posts = events.flatMap((event, i) => [0, 1, 2].map((copy) => ({ event, router: routers[(i + copy) % 2]!, order: (i * 7919 + copy * 104_729) % 6000 })));
    posts.sort((a, b) => a.order - b.order);
    const started = Date.now();
    // A 503 promises nothing and asks the producer to retry, as producers do: the same event again, a bounded number
    // of times. (On a loaded machine the embedded store can be slower than a router's store bound.)
    let unavailable = 0;
    const answers = await pool(posts, 48, async ({ event, router }) => {
      for (let attempt = 1; ; attempt++) {
        const response = await router<Posted>('POST', '/v1/events', event);
        if (response.status === 503 && attempt < 10) {
          unavailable++;
          await sleep(200);
          continue;
        }
        assert.equal(response.status, 202, JSON.stringify(response.body));
        return { id: String(event.id), status: response.body.results[0]!.status };
      }
    });
    const elapsed = Date.now() - started;
    const acceptedIds = answers.filter((a) => a.status === 'accepted').map((a) => a.id);
    assert.equal(new Set(acceptedIds).size, acceptedIds.length, 'no event was accepted twice');
    assert.equal(answers.filter((a) => a.status === 'accepted' || a.status === 'duplicate').length, posts.length, 'every post was accepted or a duplicate');
    // Only a post whose 503 came after its record was written can leave its event without an "accepted" answer.
    assert.ok(acceptedIds.length >= events.length - unavailable, `${acceptedIds.length} accepted, ${unavailable} retried 503s`);

    await eventually(async () => (stack.lambda.invocations.length >= events.length ? true : undefined), 120_000, 100);
    await sleep(200);
    const perEvent = new Map<string, number>();
    for (const invocation of stack.lambda.invocations) {
      const id = (invocation.payload as { id: string }).id;
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
    }
    assert.equal(perEvent.size, events.length);
    assert.deepEqual([...new Set(perEvent.values())], [1], 'every event invoked exactly once');
    console.log(`# storm: ${posts.length} posts in ${elapsed} ms (${Math.round((posts.length / elapsed) * 1000)} posts/s) across 2 routers, ${unavailable} retried 503s`);
  });
});

t.test('a router killed with SIGKILL mid-flight', async (t) => {
  let stack: Stack;
  let victim: RouterProcess;
  t.before(async () => {
    // The survivor sweeps often (it takes no claims itself, so it is kept from backing off); the victim's leases are
    // short so recovery does not wait long. A short lease needs short store bounds too (heartbeat + store call bound
    // < lease, which loadConfig checks): 500 + (1000 + 400) × 1.
    const shortLease = {
      VROUTER_LEASE_MS: '2000',
      VROUTER_LEASE_HEARTBEAT_MS: '500',
      VROUTER_STORE_TIMEOUT_MS: '1000',
      VROUTER_STORE_CONNECT_TIMEOUT_MS: '400',
      VROUTER_STORE_MAX_ATTEMPTS: '1',
    };
    stack = await startStack({
      env: { ...shortLease, VROUTER_SWEEP_INTERVAL_MS: '300', VROUTER_SWEEP_MAX_INTERVAL_MS: '300', VROUTER_DISPATCH_TIMEOUT_MS: '1000' },
    });
    await seedSvc(stack.api);
    stack.lambda.register('svc', '1', async (payload) => {
      await sleep(50);
      return { handled: (payload as { id: string }).id };
    });
    victim = await startRouterProcess(['serve'], serveEnv(stack, { ...shortLease, VROUTER_DISPATCH_TIMEOUT_MS: '1000', VROUTER_VERSION_CONCURRENCY: '4' }));
  });
  t.teardown(async () => {
    await victim?.stop();
    await stack?.close();
  });

  t.test('every event that got a 202 reaches a terminal state; none is lost', async () => {
    const victimApi = apiClient(victim.url);
    const events = Array.from({ length: 300 }, () => cloudEvent({ customerid: 'acme' }));
    const accepted: Record<string, unknown>[] = [];
    let killed = false;
    await pool(events, 16, async (event) => {
      if (killed) return;
      try {
        const response = await victimApi<Posted>('POST', '/v1/events', event);
        if (response.status === 202) accepted.push(event);
      } catch {
        // The connection died with the router: no 202, so no promise was made for this event.
      }
      if (!killed && accepted.length >= 150) {
        killed = true;
        victim.child.kill('SIGKILL');
      }
    });
    assert.ok(killed && accepted.length >= 150);

    const terminal = new Set(['succeeded', 'failed', 'dispatched']);
    const { elapsedMs } = await eventually(
      async () => {
        const states = await pool(accepted, 16, async (event) => {
          const lookup = await stack.api<{ dispatches: { status: string }[] }>('GET', `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`);
          return lookup.body.dispatches?.[0]?.status;
        });
        return states.every((s) => s !== undefined && terminal.has(s)) ? states : undefined;
      },
      // A bound, not a figure: on a loaded machine the survivor's short leases churn; the time taken is printed.
      90_000,
      250,
    );
    const invocations = new Map<string, number>();
    for (const i of stack.lambda.invocationsOf('svc', '1')) {
      const id = (i.payload as { id: string }).id;
      invocations.set(id, (invocations.get(id) ?? 0) + 1);
    }
    const lost = accepted.filter((e) => !invocations.has(String(e.id)));
    assert.deepEqual(lost, [], 'every accepted event reached its target');
    const repeated = [...invocations.values()].reduce((n, c) => n + c - 1, 0);
    console.log(
      `# crash: ${accepted.length} accepted before SIGKILL, all terminal ${elapsedMs} ms later; repeated handoffs: ${repeated}; taken over: ${stack.runtime.sweeper.takenOver}`,
    );
  });
});
