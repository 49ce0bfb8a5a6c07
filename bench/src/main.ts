// Benchmarks of the routing hot path. Each line compares vrouter with a baseline run in this same process:
//   resolve:  resolveVersion() vs the three Map lookups any resolver must do at least
//   latency:  POST /v1/events?wait=true through the router vs invoking the same local Lambda directly
//   ingest:   POST /v1/events (202 after durable claims) vs a bare fastify route that parses JSON and answers 202
//   requests: DynamoDB requests per event, new and duplicate, counted on the client
//   hot keys: the hottest partition key per index after a burst, and its writes/s at 10k events/s (hot-keys.ts)
// Run: npm run bench (BENCH_EVENTS=2000 BENCH_CONCURRENCY=16 to change the load).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { buildSnapshot, pinKey, resolveVersion } from '@vrouter/core';
import Fastify from 'fastify';
import { countingClient } from '../../test/src/counting.js';
import { cloudEvent, LOCAL_CREDENTIALS, seedSvc, startStack } from '../../test/src/stack.js';
import { fmt, measure, opsPerSecond, row } from './measure.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

function resolveBench(): string[] {
  const at = '2026-01-01T00:00:00Z';
  const customers = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
  const snapshot = buildSnapshot({
    revision: 1,
    components: [{ name: 'svc', subscriptions: ['*'], createdAt: at, updatedAt: at }],
    versions: ['v1', 'v2', 'v3'].map((name) => ({
      component: 'svc',
      name,
      registeredAt: at,
      target: { kind: 'lambda', functionName: 'svc', qualifier: name, invocationType: 'Event' },
    })),
    channels: [
      { component: 'svc', channel: 'stable', version: 'v1' },
      { component: 'svc', channel: 'beta', version: 'v2' },
    ],
    pins: customers.filter((_, i) => i % 10 === 0).map((subject) => ({ scope: 'customer', subject, component: 'svc', channel: 'beta', createdAt: at })),
    customers: customers.map((id, i) => ({ id, plan: i % 2 ? 'pro' : 'free' })),
    projects: [],
  });
  const now = Date.now();
  const resolve = opsPerSecond((i) => resolveVersion(snapshot, 'svc', { customer: customers[i % customers.length], plan: 'pro' }, now));
  const floor = opsPerSecond((i) => {
    const c = customers[i % customers.length]!;
    return snapshot.pins.get(pinKey('project', 'none', 'svc')) ?? snapshot.pins.get(pinKey('customer', c, 'svc')) ?? snapshot.pins.get(pinKey('plan', 'pro', 'svc'));
  });
  return [row('resolveVersion (10k customers, 1k pins)', fmt.rate(resolve), fmt.rate(floor), floor / resolve)];
}

async function routerBench(): Promise<string[]> {
  let counter: ReturnType<typeof countingClient> | undefined;
  const stack = await startStack({
    env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000' },
    dynamo: (endpoint) => {
      counter = countingClient(endpoint);
      return counter.client;
    },
  });
  const lines: string[] = [];
  try {
    await seedSvc(stack.api);
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta' });
    const lambda = new LambdaClient({ endpoint: stack.lambdaUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const payload = Buffer.from(JSON.stringify(cloudEvent({ customerid: 'acme' })));
    const sequential = Math.min(EVENTS, 500);

    const direct = await measure(sequential, 1, () => lambda.send(new InvokeCommand({ FunctionName: 'svc', Qualifier: '2', Payload: payload })));
    const routed = await measure(sequential, 1, () => stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' })));
    lines.push(row('latency p50: routed vs direct Lambda invoke', fmt.ms(routed.p50Ms), fmt.ms(direct.p50Ms), routed.p50Ms / direct.p50Ms));
    lines.push(row('latency p99: routed vs direct Lambda invoke', fmt.ms(routed.p99Ms), fmt.ms(direct.p99Ms), routed.p99Ms / direct.p99Ms));

    const bare = Fastify();
    bare.post('/v1/events', async (_request, reply) => reply.code(202).send({ results: [] }));
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
    const post = (url: string) =>
      fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-admin-token-0123456789' },
        body: JSON.stringify(cloudEvent({ customerid: 'acme' })),
      }).then((r) => r.arrayBuffer());
    const floor = await measure(EVENTS, CONCURRENCY, () => post(bareUrl));
    counter!.counts.clear();
    const ingest = await measure(EVENTS, CONCURRENCY, () => post(stack.url));
    await stack.runtime.router.drain();
    const newReads = counter!.reads() / EVENTS;
    const newTotal = counter!.total() / EVENTS;
    await bare.close();
    lines.push(row(`ingest throughput (${CONCURRENCY} concurrent)`, fmt.rate(ingest.perSecond), fmt.rate(floor.perSecond), floor.perSecond / ingest.perSecond));

    const dupEvent = cloudEvent({ customerid: 'acme' });
    await stack.api('POST', '/v1/events?wait=true', dupEvent);
    counter!.counts.clear();
    const dupCount = 200;
    await measure(dupCount, CONCURRENCY, () => stack.api('POST', '/v1/events', dupEvent));
    lines.push('');
    lines.push(`DynamoDB requests per new event:       ${newTotal.toFixed(2)} (reads ${newReads.toFixed(2)})`);
    lines.push(
      `DynamoDB requests per duplicate event: ${(counter!.total() / dupCount).toFixed(2)} (reads ${(counter!.reads() / dupCount).toFixed(2)}; dynalite lacks ReturnValuesOnConditionCheckFailure, so it reads back once)`,
    );
    lambda.destroy();
  } finally {
    await stack.close();
  }
  return lines;
}

const header = `${'benchmark'.padEnd(48)} ${'vrouter'.padStart(16)} ${'baseline'.padStart(16)} ${'ratio'.padStart(8)}`;
console.log(`node ${process.version}, ${EVENTS} events, concurrency ${CONCURRENCY}; ratio = vrouter cost / baseline cost\n`);
console.log(header);
for (const line of resolveBench()) console.log(line);
for (const line of await routerBench()) console.log(line);

// --- Telemetry: the router with OpenTelemetry on vs off, each side in processes of its own (telemetry.ts).
const { telemetryBench } = await import('./telemetry.js');
console.log('');
for (const line of await telemetryBench(EVENTS, CONCURRENCY)) console.log(line);

// --- Event log queries and replay: replay.ts.
const { replayBench } = await import('./replay.js');
console.log('');
for (const line of await replayBench(Math.min(EVENTS, 2000))) console.log(line);

// --- Hot partition keys of a burst, per index (docs/scale.md): hot-keys.ts.
const { hotKeysBench } = await import('./hot-keys.js');
console.log('');
for (const line of await hotKeysBench(Number(process.env.BENCH_HOT_EVENTS ?? 2000), Number(process.env.BENCH_HOT_CUSTOMERS ?? 500))) console.log(line);
