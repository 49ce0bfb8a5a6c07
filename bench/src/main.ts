// Benchmarks of the routing hot path, against what a user would pick instead where there is a peer:
//   decisions: resolveVersion() and decideVersion() vs the LaunchDarkly, GrowthBook and Unleash SDKs and a plain Map (decisions.ts)
//   latency:  POST /v1/events?wait=true through the router vs invoking the same local Lambda directly
//   ingest:   POST /v1/events (202 after durable claims), its rate; writes.ts compares it with Powertools and by-hand writes
//   requests: DynamoDB requests per event, new and duplicate, counted on the client
//   telemetry, replay, hot keys: telemetry.ts, replay.ts, hot-keys.ts
// Run: npm run bench [-- --quick] (BENCH_EVENTS=2000 BENCH_CONCURRENCY=16 to change the load). bench/README.md says
// how to read each line; every run writes bench/results/<date>.json and a chart of the ratios beside it.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { countingClient } from '../../test/src/counting.js';
import { cloudEvent, LOCAL_CREDENTIALS, seedSvc, startStack } from '../../test/src/stack.js';
import { decisionsBench } from './decisions.js';
import { fmt, measure, row } from './measure.js';
import { recordNote, recordRatio, writeResults } from './results.js';
import { formatRatio } from './rounds.js';

const QUICK = process.argv.includes('--quick');
const EVENTS = Number(process.env.BENCH_EVENTS ?? (QUICK ? 400 : 2000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DECISION_ROUNDS = Number(process.env.BENCH_DECISION_ROUNDS ?? (QUICK ? 3 : 7));
const DECISION_MS = Number(process.env.BENCH_DECISION_MS ?? (QUICK ? 150 : 400));
if (QUICK) process.env.BENCH_TELEMETRY_ROUNDS ??= '1';
const startedAt = new Date();

async function decisionLines(): Promise<string[]> {
  const { rates, ratios } = await decisionsBench(DECISION_ROUNDS, DECISION_MS);
  const lines = [`decisions/s, 100 listed customers + a plan rule, 10k customers; ${DECISION_ROUNDS} interleaved rounds; ratio = rate / LaunchDarkly's, median [min–max]`];
  for (const [name, ratio] of Object.entries(ratios)) {
    // The goal holds for what the router calls per event: resolveVersion, and decideVersion above it.
    const goal = name.startsWith('vrouter') && !name.includes('{explain}') ? { atLeast: 5 } : undefined;
    recordRatio({ name: `decisions: ${name}`, meaning: "decisions/s over LaunchDarkly's (higher is better)", ratio, ...(goal ? { goal } : {}) });
    lines.push(`  ${name.padEnd(40)} ${fmt.rate(rates[name]!).padStart(14)}  ${formatRatio(ratio).padStart(22)}${goal ? `  goal ≥ ${goal.atLeast}x` : ''}`);
  }
  return lines;
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

    const post = () =>
      fetch(`${stack.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-admin-token-0123456789' },
        body: JSON.stringify(cloudEvent({ customerid: 'acme' })),
      }).then((r) => r.arrayBuffer());
    counter!.counts.clear();
    const ingest = await measure(EVENTS, CONCURRENCY, post);
    await stack.runtime.router.drain();
    const newReads = counter!.reads() / EVENTS;
    const newTotal = counter!.total() / EVENTS;
    // Against a baseline doing the same writes and invoke: writes.ts, on DynamoDB Local.
    lines.push(`ingest throughput (${CONCURRENCY} concurrent, 202 once claimed): ${fmt.rate(ingest.perSecond)}`);
    recordNote(`ingest throughput (${CONCURRENCY} concurrent, 202 once claimed, embedded dynalite): ${fmt.rate(ingest.perSecond)}`);

    const dupEvent = cloudEvent({ customerid: 'acme' });
    await stack.api('POST', '/v1/events?wait=true', dupEvent);
    counter!.counts.clear();
    const dupCount = 200;
    await measure(dupCount, CONCURRENCY, () => stack.api('POST', '/v1/events', dupEvent));
    lines.push('');
    recordNote(`DynamoDB requests per new event: ${newTotal.toFixed(2)} (reads ${newReads.toFixed(2)})`);
    recordNote(`DynamoDB requests per duplicate event: ${(counter!.total() / dupCount).toFixed(2)} (reads ${(counter!.reads() / dupCount).toFixed(2)})`);
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

console.log(`node ${process.version}, ${EVENTS} events, concurrency ${CONCURRENCY}${QUICK ? ' (--quick)' : ''}\n`);
for (const line of await decisionLines()) console.log(line);
console.log('');
console.log(`${'benchmark'.padEnd(48)} ${'vrouter'.padStart(16)} ${'baseline'.padStart(16)} ${'ratio'.padStart(8)}   (ratio = vrouter cost / baseline cost)`);
for (const line of await routerBench()) console.log(line);

// --- Idle reads: a router with its default intervals and no traffic (idle.ts).
const { idleBench } = await import('./idle.js');
const idle = await idleBench(Number(process.env.BENCH_IDLE_MS ?? (QUICK ? 10_000 : 60_000)), QUICK ? 0.05 : 0.1);
console.log('');
for (const line of idle.lines) console.log(line);
recordNote(idle.lines.join('\n'));
recordRatio({
  name: 'idle reads/s over the 1.0 budget',
  meaning: 'reads/s of an idle router in its steady state / 1.0 (lower is better)',
  ratio: { median: idle.steadyPerSecond, min: idle.steadyPerSecond, max: idle.steadyPerSecond, rounds: 1 },
  goal: { atMost: 1 },
});

// --- Pin propagation to a second router (propagation.ts).
const { propagationBench } = await import('./propagation.js');
console.log('');
for (const line of await propagationBench(Number(process.env.BENCH_PROPAGATION_SAMPLES ?? (QUICK ? 8 : 20)))) console.log(line);

// --- Idempotent dispatch vs Powertools idempotency and the same writes by hand, on DynamoDB Local (writes.ts).
const { writesBench } = await import('./writes.js');
console.log('');
for (const line of await writesBench(Number(process.env.BENCH_WRITES_EVENTS ?? (QUICK ? 150 : 500)), CONCURRENCY, Number(process.env.BENCH_WRITES_ROUNDS ?? (QUICK ? 2 : 5)))) {
  console.log(line);
}

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
for (const line of await hotKeysBench(Number(process.env.BENCH_HOT_EVENTS ?? (QUICK ? 500 : 2000)), Number(process.env.BENCH_HOT_CUSTOMERS ?? 500))) console.log(line);

// --- Large snapshots: a router's full load, heap and one pin change over many pins (snapshot.ts).
const { snapshotLines } = await import('./snapshot.js');
console.log('');
for (const line of await snapshotLines(Number(process.env.BENCH_SNAPSHOT_PINS ?? (QUICK ? 50_000 : 1_000_000)))) console.log(line);

const written = writeResults({ quick: QUICK, startedAt, settings: { events: EVENTS, concurrency: CONCURRENCY, decisionRounds: DECISION_ROUNDS, decisionMs: DECISION_MS } });
console.log(`\nwrote ${written.json}\n      ${written.svg}`);
