// Event log queries and replay, in the same process as their baselines:
//   reads per row:  DynamoDB items the store read per row a query returned (1.00 is the floor: no scan)
//   replay:         events/s a replay job re-dispatches vs events/s the same router ingests and dispatches them live
import { cloudEvent, seedSvc, startStack } from '../../test/src/stack.js';
import { fmt, row } from './measure.js';

export async function replayBench(events: number): Promise<string[]> {
  const stack = await startStack({ env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000' } });
  const lines: string[] = [];
  try {
    await seedSvc(stack.api);
    stack.lambda.register('svc', 'fix', () => ({ fixed: true }));
    await stack.api('PUT', '/v1/components/svc/versions/v-fix', { target: { kind: 'lambda', functionName: 'svc', qualifier: 'fix' } });
    await stack.api('PUT', '/v1/components/other', { subscriptions: ['build.*'] });
    await stack.api('PUT', '/v1/components/other/versions/v1', { target: { kind: 'lambda', functionName: 'svc', qualifier: '1' } });
    await stack.api('PUT', '/v1/components/other/channels/stable', { version: 'v1' });
    // Ten customers; a quarter of the events fail at v1 (data.fail); each goes to two components.
    const batch = Array.from({ length: events }, (_, i) => cloudEvent({ customerid: `c${i % 10}`, data: { fail: i % 4 === 0 } }));
    const ingestStart = performance.now();
    for (let i = 0; i < batch.length; i += 100) await stack.api('POST', '/v1/events?wait=true', batch.slice(i, i + 100), { contentType: 'application/cloudevents-batch+json' });
    const ingestRate = (batch.length / (performance.now() - ingestStart)) * 1000;
    const from = new Date(Date.now() - 15 * 60_000).toISOString();
    const to = new Date().toISOString();
    const { eventStore } = stack.runtime;
    const ratio = async (query: Parameters<typeof eventStore.listDispatches>[0]) => {
      let returned = 0;
      let scanned = 0;
      let cursor: string | undefined;
      do {
        const page = await eventStore.listDispatches({ ...query, ...(cursor ? { cursor } : {}) });
        returned += page.items.length;
        scanned += page.scanned;
        cursor = page.cursor;
      } while (cursor);
      return { returned, scanned };
    };
    const failedOfCustomer = await ratio({ from, to, component: 'svc', customer: 'c0', status: 'failed', limit: 100 });
    const allOfComponent = await ratio({ from, to, component: 'svc', limit: 100 });
    lines.push(
      row(
        `reads/row: failed of 1 customer, 1 component (${failedOfCustomer.returned} rows)`,
        (failedOfCustomer.scanned / failedOfCustomer.returned).toFixed(2),
        '1.00',
        failedOfCustomer.scanned / failedOfCustomer.returned,
      ),
    );
    lines.push(
      row(
        `reads/row: all events of 1 component (${allOfComponent.returned} rows)`,
        (allOfComponent.scanned / allOfComponent.returned).toFixed(2),
        '1.00',
        allOfComponent.scanned / allOfComponent.returned,
      ),
    );

    const created = await stack.api<{ id: string }>('POST', '/v1/replays', {
      from,
      filter: { component: 'svc', status: 'failed' },
      target: { version: 'v-fix' },
      ratePerSecond: 10_000,
      concurrency: 16,
    });
    const replayStart = performance.now();
    let job: { state: string; counts: { dispatched: number } } | undefined;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await stack.api<{ state: string; counts: { dispatched: number } }>('GET', `/v1/replays/${created.body.id}`)).body;
    } while (job.state === 'running');
    const replayRate = (job.counts.dispatched / (performance.now() - replayStart)) * 1000;
    lines.push(row(`replay throughput (${job.counts.dispatched} events)`, fmt.rate(replayRate), fmt.rate(ingestRate), ingestRate / replayRate));
  } finally {
    await stack.close();
  }
  return lines;
}
