// Telemetry overhead: ingest throughput and routed latency with OpenTelemetry on (the SDK `vrouter dev/serve` start,
// exporting OTLP/HTTP protobuf to a local receiver that accepts everything) vs off (OTEL_SDK_DISABLED=true, no SDK).
// Each side runs in a fresh process of its own (instrumentation has to be in place before fastify and the AWS SDK
// load), the two alternating, best of BENCH_TELEMETRY_ROUNDS (default 2) kept per side.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { fmt, measure, row } from './measure.js';

const CHILD_FLAG = 'VROUTER_BENCH_TELEMETRY_CHILD';
const REGISTER = fileURLToPath(new URL('../../services/router/dist/telemetry/register.js', import.meta.url));

interface Result {
  ingestPerSecond: number;
  routedP50Ms: number;
  routedP99Ms: number;
}

/** In the child: the router with whatever telemetry the process started with, measured like main.ts measures it. */
async function measureRouter(events: number, concurrency: number): Promise<Result> {
  const { cloudEvent, seedSvc, startStack } = await import('../../test/src/stack.js');
  const stack = await startStack({ env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000' } });
  try {
    await seedSvc(stack.api);
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta' });
    const post = () =>
      fetch(`${stack.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-admin-token-0123456789' },
        body: JSON.stringify(cloudEvent({ customerid: 'acme' })),
      }).then((r) => r.arrayBuffer());
    await measure(200, concurrency, post); // warm-up
    const ingest = await measure(events, concurrency, post);
    await stack.runtime.router.drain();
    const routed = await measure(Math.min(events, 200), 1, () => stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' })));
    return { ingestPerSecond: ingest.perSecond, routedP50Ms: routed.p50Ms, routedP99Ms: routed.p99Ms };
  } finally {
    await stack.close();
  }
}

function runChild(telemetry: boolean, endpoint: string, events: number, concurrency: number): Promise<Result> {
  const args = [...(telemetry ? ['--import', REGISTER] : []), '--import', 'tsx', fileURLToPath(import.meta.url)];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [CHILD_FLAG]: JSON.stringify({ events, concurrency }),
    ...(telemetry ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'vrouter-bench' } : { OTEL_SDK_DISABLED: 'true' }),
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

/** Lines for main.ts's table: telemetry on (vrouter) vs off (baseline), ratio = cost on / cost off. */
export async function telemetryBench(events: number, concurrency: number): Promise<string[]> {
  let spans = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/v1/traces') spans += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const rounds = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 2);
  const on: Result[] = [];
  const off: Result[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // At most 1000 events a side: enough for a stable ratio at the embedded store's rate, and a bench that ends.
      off.push(await runChild(false, endpoint, Math.min(events, 1000), concurrency));
      on.push(await runChild(true, endpoint, Math.min(events, 1000), concurrency));
    }
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
  const best = (results: Result[]): Result => ({
    ingestPerSecond: Math.max(...results.map((r) => r.ingestPerSecond)),
    routedP50Ms: Math.min(...results.map((r) => r.routedP50Ms)),
    routedP99Ms: Math.min(...results.map((r) => r.routedP99Ms)),
  });
  const [a, b] = [best(on), best(off)];
  return [
    row(`ingest throughput, telemetry on vs off (${concurrency} conc.)`, fmt.rate(a.ingestPerSecond), fmt.rate(b.ingestPerSecond), b.ingestPerSecond / a.ingestPerSecond),
    row('routed latency p50, telemetry on vs off', fmt.ms(a.routedP50Ms), fmt.ms(b.routedP50Ms), a.routedP50Ms / b.routedP50Ms),
    row('routed latency p99, telemetry on vs off', fmt.ms(a.routedP99Ms), fmt.ms(b.routedP99Ms), a.routedP99Ms / b.routedP99Ms),
    `(telemetry on exported ${spans} OTLP trace batches to a local receiver; best of ${rounds} runs per side, each in a fresh process)`,
  ];
}

const child = process.env[CHILD_FLAG];
if (child) {
  const { events, concurrency } = JSON.parse(child) as { events: number; concurrency: number };
  process.stdout.write(`${JSON.stringify(await measureRouter(events, concurrency))}\n`);
  process.exit(0);
}
