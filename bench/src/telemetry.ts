// Telemetry overhead: ingest throughput and routed latency with OpenTelemetry on (the SDK `vrouter dev/serve` start,
// exporting OTLP/HTTP protobuf to a local receiver that accepts everything) vs off (OTEL_SDK_DISABLED=true, no SDK).
// Only the router runs in the measured process: the store (dynalite) and the Lambda endpoint run in the bench's own
// process, which has no SDK, so their server-side request handling is neither instrumented nor counted against the
// router. Each side runs in a fresh process of its own, against a fresh store (instrumentation has to be in place
// before fastify and the AWS SDK load; a store that grows round by round would favour whichever side ran first).
// BENCH_TELEMETRY_ROUNDS (default 5) rounds, the side that goes first alternating; each round gives one on/off ratio,
// reported as the median and its spread.
//
// Standalone: `npm run bench:telemetry -w @vrouter/bench`. BENCH_TELEMETRY_CPU_PROF=<dir> writes a CPU profile of
// every router process there (node --cpu-prof), to see where telemetry's cost goes.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { fmt, measure, row } from './measure.js';
import { recordRatio } from './results.js';
import { formatRatio, ratioOf } from './rounds.js';

const CHILD_FLAG = 'VROUTER_BENCH_TELEMETRY_CHILD';
const REGISTER = fileURLToPath(new URL('../../services/router/dist/telemetry/register.js', import.meta.url));
const TABLE = 'vrouter-bench-telemetry';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Result {
  ingestPerSecond: number;
  routedP50Ms: number;
  routedP99Ms: number;
  /** CPU time of the router's process (load generator included) per ingested event. */
  cpuMsPerEvent: number;
}

interface ChildSpec {
  events: number;
  concurrency: number;
  storeEndpoint: string;
  lambdaEndpoint: string;
}

/** In the child: the router alone, with whatever telemetry the process started with, measured like main.ts does. */
async function measureRouter(spec: ChildSpec): Promise<Result> {
  const { apiClient, cloudEvent, seedSvc, TOKEN } = await import('../../test/src/stack.js');
  const { createRuntime, loadConfig } = await import('@vrouter/router');
  const { createDynamoClient, createTable } = await import('@vrouter/store-dynamodb');
  const dynamo = createDynamoClient({ endpoint: spec.storeEndpoint, requestTimeoutMs: 10_000, maxAttempts: 3 });
  await createTable(dynamo, TABLE);
  const config = loadConfig({
    VROUTER_ADMIN_TOKEN: TOKEN,
    VROUTER_TABLE: TABLE,
    VROUTER_LOG_LEVEL: 'silent',
    VROUTER_ADMIN_RATE_LIMIT: '1000000',
    // Background polls are not what is measured here (and produce no spans).
    VROUTER_POLL_INTERVAL_MS: '60000',
    VROUTER_SWEEP_INTERVAL_MS: '600000',
  });
  const runtime = await createRuntime({
    config,
    dynamo,
    lambda: { endpoint: spec.lambdaEndpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 },
  });
  try {
    const url = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    const api = apiClient(url);
    await seedSvc(api);
    await api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta' });
    const post = () =>
      fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(cloudEvent({ customerid: 'acme' })),
      }).then((r) => r.arrayBuffer());
    await measure(200, spec.concurrency, post); // warm-up
    const cpu = process.cpuUsage();
    const ingest = await measure(spec.events, spec.concurrency, post);
    await runtime.router.drain();
    const { user, system } = process.cpuUsage(cpu);
    const routed = await measure(Math.min(spec.events, 300), 1, () => api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' })));
    return { ingestPerSecond: ingest.perSecond, routedP50Ms: routed.p50Ms, routedP99Ms: routed.p99Ms, cpuMsPerEvent: (user + system) / 1000 / spec.events };
  } finally {
    await runtime.close();
    dynamo.destroy();
  }
}

function runChild(telemetry: boolean, otlpEndpoint: string, spec: ChildSpec): Promise<Result> {
  const profileDir = process.env.BENCH_TELEMETRY_CPU_PROF;
  const args = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', `${profileDir}/${telemetry ? 'on' : 'off'}`] : []),
    ...(telemetry ? ['--import', process.env.BENCH_TELEMETRY_REGISTER ?? REGISTER] : []),
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
  ];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [CHILD_FLAG]: JSON.stringify(spec),
    ...(telemetry ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_SERVICE_NAME: 'vrouter-bench' } : { OTEL_SDK_DISABLED: 'true' }),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Result);
      else reject(new Error(`telemetry bench child (telemetry ${telemetry ? 'on' : 'off'}) exited with ${code}: ${out}`));
    });
  });
}

/** One side of one round: a fresh store and Lambda endpoint in this process, the router in a child. */
async function runSide(telemetry: boolean, otlpEndpoint: string, events: number, concurrency: number): Promise<Result> {
  const { startEmbeddedDynamo } = await import('@vrouter/store-dynamodb/embedded');
  const { exampleHandler, LocalLambdaServer } = await import('@vrouter/local-targets');
  const store = await startEmbeddedDynamo();
  const lambda = new LocalLambdaServer();
  try {
    for (const qualifier of ['1', '2', '3']) lambda.register('svc', qualifier, exampleHandler('svc', `v${qualifier}`));
    const { url: lambdaEndpoint } = await lambda.start();
    return await runChild(telemetry, otlpEndpoint, { events, concurrency, storeEndpoint: store.endpoint, lambdaEndpoint });
  } finally {
    await lambda.stop();
    await store.close();
  }
}

const median = (values: number[]) => ratioOf(values).median;

/** Lines for main.ts's table: telemetry on (vrouter) vs off (baseline), ratio = cost on / cost off. */
export async function telemetryBench(events: number, concurrency: number): Promise<string[]> {
  let batches = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/v1/traces') batches += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const rounds = Math.max(1, Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 5));
  // On a shared machine, more short rounds give a steadier median than a few long ones.
  const perSide = Math.min(events, 1000);
  const on: Result[] = [];
  const off: Result[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      for (const telemetry of order) (telemetry ? on : off).push(await runSide(telemetry, endpoint, perSide, concurrency));
    }
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
  // Per round: throughput on/off (higher is better), latency on/off (lower is better).
  const ingest = ratioOf(on.map((r, i) => r.ingestPerSecond / off[i]!.ingestPerSecond));
  const p50 = ratioOf(on.map((r, i) => r.routedP50Ms / off[i]!.routedP50Ms));
  const p99 = ratioOf(on.map((r, i) => r.routedP99Ms / off[i]!.routedP99Ms));
  const cpu = ratioOf(on.map((r, i) => r.cpuMsPerEvent / off[i]!.cpuMsPerEvent));
  recordRatio({ name: 'telemetry on vs off: ingest throughput', meaning: 'ingest/s with telemetry on / off (higher is better)', ratio: ingest, goal: { atLeast: 0.9 } });
  recordRatio({ name: 'telemetry on vs off: routed latency p50', meaning: 'p50 with telemetry on / off (lower is better)', ratio: p50, goal: { atMost: 1.1 } });
  recordRatio({ name: 'telemetry on vs off: routed latency p99', meaning: 'p99 with telemetry on / off (lower is better)', ratio: p99 });
  const med = (pick: (r: Result) => number, results: Result[]) => median(results.map(pick));
  const lines = [
    row(
      `ingest throughput, telemetry on vs off (${concurrency} conc.)`,
      fmt.rate(med((r) => r.ingestPerSecond, on)),
      fmt.rate(med((r) => r.ingestPerSecond, off)),
      1 / ingest.median,
    ),
    row('routed latency p50, telemetry on vs off', fmt.ms(med((r) => r.routedP50Ms, on)), fmt.ms(med((r) => r.routedP50Ms, off)), p50.median),
    row('routed latency p99, telemetry on vs off', fmt.ms(med((r) => r.routedP99Ms, on)), fmt.ms(med((r) => r.routedP99Ms, off)), p99.median),
    `  per round, on/off: ingest/s ${formatRatio(ingest)} (goal ≥ 0.9x), p50 ${formatRatio(p50)} (goal ≤ 1.1x), p99 ${formatRatio(p99)}`,
    `  CPU per ingested event: ${med((r) => r.cpuMsPerEvent, on).toFixed(2)} ms on, ${med((r) => r.cpuMsPerEvent, off).toFixed(2)} ms off, on/off ${formatRatio(cpu)}`,
    `  (${rounds} interleaved rounds of ${perSide} events a side, each side a fresh router process against a fresh store outside it;`,
    `   telemetry on exported ${batches} OTLP trace batches to a local receiver)`,
  ];
  return lines;
}

const child = process.env[CHILD_FLAG];
if (child) {
  process.stdout.write(`${JSON.stringify(await measureRouter(JSON.parse(child) as ChildSpec))}\n`);
  process.exit(0);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await telemetryBench(Number(process.env.BENCH_EVENTS ?? 2000), Number(process.env.BENCH_CONCURRENCY ?? 16))) console.log(line);
}
