// Large snapshots: BENCH_SNAPSHOT_PINS (default 1,000,000) pins in dynalite, seeded with BatchWriteItem. dynalite runs
// in a child process, so the event-loop delay measured here is the router's own (the store's work would otherwise
// count against it). Measured: a router's full load (time, the event loop's longest stall during it, heap after GC
// with the snapshot held), then one pin change written by another router: what the loaded router reads to see it,
// its longest stall meanwhile, and how long until it routes by the new pin (its 1 s revision poll included).
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { resolveVersion, SnapshotCache } from '@vrouter/core';
import { createDynamoClient, createTable, DynamoRoutingConfigStore } from '@vrouter/store-dynamodb';
import { startEmbeddedDynamo } from '@vrouter/store-dynamodb/embedded';
import { fmt, row } from './measure.js';
import { recordNote, recordRatio } from './results.js';

const CHILD_FLAG = 'VROUTER_BENCH_SNAPSHOT_STORE';
const TABLE = 'snapshot-bench';
const AT = '2026-01-01T00:00:00.000Z';
/** BatchWriteItem's limit, and how many batches are in flight at once while seeding. */
const BATCH = 25;
const SEED_CONCURRENCY = 8;
const GOAL_STALL_MS = 50;
const GOAL_HEAP_MB = 200;

/** In the child: dynalite on a loopback port (chosen by the OS), until the parent closes stdin. */
async function hostStore(): Promise<void> {
  const dynamo = await startEmbeddedDynamo({});
  process.stdout.write(`${JSON.stringify({ endpoint: dynamo.endpoint })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void dynamo.close().then(() => process.exit(0)));
}

function startStoreProcess(): Promise<{ endpoint: string; close(): void }> {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_FLAG]: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, close: () => child.stdin.end() });
    });
    child.once('exit', (code) => reject(new Error(`snapshot bench store exited with ${code}: ${out}`)));
  });
}

/** gc(), with or without --expose-gc on the command line. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Pins as the config store writes them (config-items.ts), straight into the table: seeding is not what is measured. */
async function seed(client: DynamoDBClient, pins: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < pins) {
        const start = next;
        next = Math.min(pins, next + BATCH);
        let requests = Array.from({ length: next - start }, (_, j) => {
          const subject = `cust-${start + j}`;
          return {
            PutRequest: {
              Item: marshall({
                pk: 'CONFIG',
                sk: `PIN#customer#${subject}#svc`,
                scope: 'customer',
                subject,
                component: 'svc',
                version: (start + j) % 2 ? 'v1' : 'v2',
                createdAt: AT,
                etag: `e${start + j}`,
              }),
            },
          };
        });
        // Bounded: a batch DynamoDB keeps refusing fails the bench rather than spinning.
        for (let round = 0; requests.length > 0; round++) {
          if (round === 10) throw new Error('seeding: BatchWriteItem kept items unprocessed');
          const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = (answer.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
        }
      }
    }),
  );
}

/** Requests a client sends, and the keys its BatchGetItem calls ask for (items read). */
function countRequests(client: DynamoDBClient) {
  const counts = { requests: 0, queries: 0, itemsAsked: 0 };
  client.middlewareStack.add(
    (next, context) => (args) => {
      counts.requests += 1;
      if (context.commandName === 'QueryCommand') counts.queries += 1;
      if (context.commandName === 'BatchGetItemCommand') {
        for (const request of Object.values((args.input as { RequestItems: Record<string, { Keys: unknown[] }> }).RequestItems)) counts.itemsAsked += request.Keys.length;
      }
      if (context.commandName === 'GetItemCommand') counts.itemsAsked += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countSnapshotBenchRequests' },
  );
  return counts;
}

export interface SnapshotBenchResult {
  lines: string[];
  loadMs: number;
  loadStallMs: number;
  reloadStallMs: number;
  heapMb: number;
  changeItems: number;
  changeStallMs: number;
  propagationMs: number;
}

/** The large-snapshot lines: load, heap and one change (see the header). */
export async function snapshotBench(pins = Number(process.env.BENCH_SNAPSHOT_PINS ?? 1_000_000)): Promise<SnapshotBenchResult> {
  const gc = collector();
  const store = await startStoreProcess();
  const writerClient = createDynamoClient({ endpoint: store.endpoint, requestTimeoutMs: 60_000, maxAttempts: 3 });
  const routerClient = createDynamoClient({ endpoint: store.endpoint, requestTimeoutMs: 60_000, maxAttempts: 3 });
  try {
    await createTable(writerClient, TABLE);
    const writer = new DynamoRoutingConfigStore({ client: writerClient, tableName: TABLE });
    await writer.putComponent({ name: 'svc', subscriptions: ['*'], createdAt: AT, updatedAt: AT });
    for (const name of ['v1', 'v2', 'v3']) await writer.putVersion({ component: 'svc', name, target: { kind: 'http', url: `https://${name}.example` }, registeredAt: AT });
    await writer.setChannel('svc', 'stable', 'v1', AT);
    const seeding = performance.now();
    await seed(writerClient, pins);
    const seedMs = performance.now() - seeding;

    // The machine's own noise: the same monitor over an idle loop (a shared, loaded machine deschedules the process).
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    idle.disable();
    const idleStallMs = idle.max / 1e6;

    const counts = countRequests(routerClient);
    const cache = new SnapshotCache(new DynamoRoutingConfigStore({ client: routerClient, tableName: TABLE }));
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const stalls = monitorEventLoopDelay({ resolution: 1 });
    stalls.enable();
    const loading = performance.now();
    await cache.start();
    const loadMs = performance.now() - loading;
    stalls.disable();
    const loadStallMs = stalls.max / 1e6;
    gc();
    const heapMb = process.memoryUsage().heapUsed / 1e6;
    const heapDeltaMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    if (cache.current().pins.size !== pins) throw new Error(`loaded ${cache.current().pins.size} pins of ${pins}`);

    // The safety net's full reload, warm: what a running router pays every 15 minutes, the old snapshot routing meanwhile.
    stalls.reset();
    stalls.enable();
    const reloading = performance.now();
    await cache.reloadFully();
    const reloadMs = performance.now() - reloading;
    stalls.disable();
    const reloadStallMs = stalls.max / 1e6;
    gc();

    // One pin change by another router; this one sees it through its own revision poll (1 s) and change log. It is
    // kept busy, as a router routing events is (inUse before each), so its poll is at the active rate, not backed off.
    await cache.inUse();
    const busy = setInterval(() => void cache.inUse(), 20);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const subject = 'cust-1';
    const before = resolveVersion(cache.current(), 'svc', { customer: subject }, Date.now());
    const target = before.resolved && before.version === 'v3' ? 'v1' : 'v3';
    Object.assign(counts, { requests: 0, queries: 0, itemsAsked: 0 });
    stalls.reset();
    stalls.enable();
    const writing = performance.now();
    await writer.putPin({ scope: 'customer', subject, component: 'svc', version: target, createdAt: new Date().toISOString() });
    const written = performance.now();
    const deadline = written + 30_000;
    const routed = () => {
      const r = resolveVersion(cache.current(), 'svc', { customer: subject }, Date.now());
      return r.resolved && r.version === target;
    };
    while (!routed()) {
      if (performance.now() > deadline) throw new Error('the pin change did not reach the router within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const propagationMs = performance.now() - written;
    clearInterval(busy);
    stalls.disable();
    const changeStallMs = stalls.max / 1e6;
    cache.stop();
    const changeItems = counts.itemsAsked;

    const label = `${(pins / 1e6).toLocaleString('en-US')}M pins`;
    const lines = [
      `snapshot with ${pins.toLocaleString('en-US')} pins in dynalite (out of process; seeded in ${(seedMs / 1000).toFixed(0)} s by BatchWriteItem)`,
      row(`snapshot ${label}: idle event-loop max stall (machine noise)`, fmt.ms(idleStallMs), `goal ${GOAL_STALL_MS} ms`, idleStallMs / GOAL_STALL_MS),
      row(`snapshot ${label}: full load event-loop max stall`, fmt.ms(loadStallMs), `goal ${GOAL_STALL_MS} ms`, loadStallMs / GOAL_STALL_MS),
      row(`snapshot ${label}: safety reload event-loop max stall`, fmt.ms(reloadStallMs), `goal ${GOAL_STALL_MS} ms`, reloadStallMs / GOAL_STALL_MS),
      row(`snapshot ${label}: heap after GC, snapshot held`, `${heapMb.toFixed(0)} MB`, `goal ${GOAL_HEAP_MB} MB`, heapMb / GOAL_HEAP_MB),
      row(`snapshot ${label}: one pin change, event-loop max stall`, fmt.ms(changeStallMs), `goal ${GOAL_STALL_MS} ms`, changeStallMs / GOAL_STALL_MS),
      row(`snapshot ${label}: one pin change, items read`, String(changeItems), `${pins.toLocaleString('en-US')} (reload)`, changeItems / pins),
      `  first load ${(loadMs / 1000).toFixed(1)} s, safety reload ${(reloadMs / 1000).toFixed(1)} s (the old snapshot routes meanwhile); heap grew ${heapDeltaMb.toFixed(0)} MB for the snapshot; ` +
        `the change: ${counts.requests} requests, ${counts.queries} Query, seen by the other router ${fmt.ms(propagationMs)} after the write (poll 1 s); write took ${fmt.ms(written - writing)}`,
    ];
    return { lines, loadMs, loadStallMs, reloadStallMs, heapMb, changeItems, changeStallMs, propagationMs };
  } finally {
    writerClient.destroy();
    routerClient.destroy();
    store.close();
  }
}

/** For main.ts: print the lines and keep the goals' ratios in the results file. */
export async function snapshotLines(pins?: number): Promise<string[]> {
  const result = await snapshotBench(pins);
  recordNote(result.lines.join('\n'));
  recordRatio({
    name: 'snapshot full load: event-loop max stall over 50 ms',
    meaning: 'longest event-loop stall while a router loads every pin / 50 ms (lower is better)',
    ratio: { median: result.loadStallMs / GOAL_STALL_MS, min: result.loadStallMs / GOAL_STALL_MS, max: result.loadStallMs / GOAL_STALL_MS, rounds: 1 },
    goal: { atMost: 1 },
  });
  recordRatio({
    name: 'snapshot heap over 200 MB',
    meaning: 'heap after GC with the snapshot held / 200 MB (lower is better)',
    ratio: { median: result.heapMb / GOAL_HEAP_MB, min: result.heapMb / GOAL_HEAP_MB, max: result.heapMb / GOAL_HEAP_MB, rounds: 1 },
    goal: { atMost: 1 },
  });
  return result.lines;
}

if (process.env[CHILD_FLAG]) {
  await hostStore();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of (await snapshotBench()).lines) console.log(line);
}
